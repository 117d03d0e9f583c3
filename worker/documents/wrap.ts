// Line breaking and fitting by measured width (the font's own metrics, at a given size). Pure apart
// from reading pdf-lib's font widths. wrap and ellipsize take raw text and clean it with toWinAnsi;
// widthOf and fittingSize take text that is already clean.
import type { PDFFont } from "pdf-lib";
import { paragraphs, toWinAnsi } from "./text.ts";

/** Width of already-clean text. */
export function widthOf(text: string, font: PDFFont, size: number, tracking = 0): number {
  return font.widthOfTextAtSize(text, size) + tracking * Math.max(0, text.length - 1);
}

/** The longest prefix length of `word` (at least 1) that fits `maxWidth`. */
function fittingPrefix(word: string, font: PDFFont, size: number, maxWidth: number): number {
  let low = 1;
  let high = word.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (widthOf(word.slice(0, mid), font, size) <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** `text` wrapped to `maxWidth`: at spaces, inside words only when one word is too long; line breaks kept. */
export function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of paragraphs(text)) {
    const words = paragraph.split(" ").filter((word) => word !== "");
    let line = "";
    for (let word of words) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (widthOf(candidate, font, size) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line !== "") lines.push(line);
      while (word.length > 1 && widthOf(word, font, size) > maxWidth) {
        const cut = fittingPrefix(word, font, size, maxWidth);
        lines.push(word.slice(0, cut));
        word = word.slice(cut);
      }
      line = word;
    }
    lines.push(line);
  }
  return lines;
}

/** `text` cut with "…" so it fits `maxWidth`. */
export function ellipsize(text: string, font: PDFFont, size: number, maxWidth: number): string {
  const clean = toWinAnsi(text);
  if (widthOf(clean, font, size) <= maxWidth) return clean;
  let cut = clean.length;
  while (cut > 0 && widthOf(clean.slice(0, cut).trimEnd() + "…", font, size) > maxWidth) cut--;
  return clean.slice(0, cut).trimEnd() + "…";
}

/** The largest size up to `size` at which `text` fits `maxWidth` (amounts shrink rather than wrap). */
export function fittingSize(text: string, font: PDFFont, size: number, maxWidth: number): number {
  return fitWidth(widthOf(text, font, size), size, maxWidth);
}

/** The largest size up to `size` at which something `width` wide at `size` fits `maxWidth`. */
export function fitWidth(width: number, size: number, maxWidth: number): number {
  return width <= maxWidth ? size : Math.max(1, Math.floor(((size * maxWidth) / width) * 10) / 10);
}
