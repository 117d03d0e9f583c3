// Reading the text back out of a PDF that worker/documents drew, as a text extractor does: each run's
// codes are decoded by its font's encoding (WinAnsi for Helvetica, the built-in encoding for Symbol),
// and a run that continues another on the same baseline (a minus sign drawn in Symbol before the
// digits in Helvetica) is joined to it. pdf-lib writes each drawText as
// `BT … /Font size Tf … a b c d x y Tm <hex> Tj … ET`.
import { PDFArray, PDFDict, PDFName, PDFRawStream, decodePDFRawStream, type PDFPage } from "pdf-lib";

/** WinAnsi codes 0x80–0x9F that are not Latin-1. */
const WIN_ANSI_EXTRA: Record<number, string> = {
  0x80: "\u20ac", 0x82: "\u201a", 0x83: "\u0192", 0x84: "\u201e", 0x85: "\u2026", 0x86: "\u2020", 0x87: "\u2021", 0x88: "\u02c6",
  0x89: "\u2030", 0x8a: "\u0160", 0x8b: "\u2039", 0x8c: "\u0152", 0x8e: "\u017d", 0x91: "\u2018", 0x92: "\u2019", 0x93: "\u201c",
  0x94: "\u201d", 0x95: "\u2022", 0x96: "\u2013", 0x97: "\u2014", 0x98: "\u02dc", 0x99: "\u2122", 0x9a: "\u0161", 0x9b: "\u203a",
  0x9c: "\u0153", 0x9e: "\u017e", 0x9f: "\u0178",
};

/** The Symbol font's built-in encoding, for the codes the documents draw in it. */
const SYMBOL: Record<number, string> = { 0x2d: "\u2212" };

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** The decoded content stream(s) of a page. */
export function contentOf(page: PDFPage): string {
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => page.doc.context.lookup(ref)) : [contents];
  return streams.map((stream) => (stream instanceof PDFRawStream ? latin1(decodePDFRawStream(stream).decode()) : "")).join("\n");
}

/** The BaseFont of the page's font resource `name` ("Helvetica", "Symbol"). */
function baseFont(page: PDFPage, name: string): string {
  const fonts = page.node.Resources()?.lookupMaybe(PDFName.of("Font"), PDFDict);
  const font = fonts?.lookupMaybe(PDFName.of(name), PDFDict);
  return font?.lookupMaybe(PDFName.of("BaseFont"), PDFName)?.decodeText() ?? "";
}

export interface Run {
  text: string;
  font: string; // BaseFont
  size: number;
  x: number;
  y: number;
}

/** The text runs a page shows, in drawing order, before any joining. */
export function rawRunsOf(page: PDFPage): Run[] {
  const runs: Run[] = [];
  for (const block of contentOf(page).matchAll(/\bBT\b([\s\S]*?)\bET\b/g)) {
    const body = block[1];
    const tf = /\/(\S+) ([\d.]+) Tf/.exec(body);
    const font = baseFont(page, tf?.[1] ?? "");
    const size = Number(tf?.[2] ?? 0);
    const tm = /(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) Tm/.exec(body);
    const [x, y] = tm ? [Number(tm[5]), Number(tm[6])] : [0, 0];
    for (const shown of body.matchAll(/<([0-9A-Fa-f]*)> Tj/g)) {
      let text = "";
      for (let i = 0; i < shown[1].length; i += 2) {
        const code = parseInt(shown[1].slice(i, i + 2), 16);
        text += font === "Symbol" ? (SYMBOL[code] ?? `\ufffd`) : (WIN_ANSI_EXTRA[code] ?? String.fromCharCode(code));
      }
      runs.push({ text, font, size, x, y });
    }
  }
  return runs;
}

/** The page's text runs, a Symbol run joined to the run it precedes on the same baseline ("−" + "125.00" → "−125.00"). */
export function runsOf(page: PDFPage): string[] {
  const out: string[] = [];
  let previous: Run | null = null;
  for (const run of rawRunsOf(page)) {
    if (previous && previous.font === "Symbol" && Math.abs(previous.y - run.y) < 0.01 && run.x > previous.x) out[out.length - 1] += run.text;
    else out.push(run.text);
    previous = run;
  }
  return out;
}
