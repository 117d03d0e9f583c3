// Document PDFs (worker/documents): formatting of money, quantities and dates; WinAnsi text sanitizing; and
// real PDF bytes rendered inside workerd, reloaded with pdf-lib and read back page by page.
import { PDFDocument, StandardFonts, type PDFPage } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { MoneyError } from "../../worker/domain/money.ts";
import { renderDocumentPdf, type BillingDocument } from "../../worker/documents/document.ts";
import {
  formatAmount,
  formatDate,
  formatDateTime,
  formatEnum,
  formatFrequency,
  formatMoney,
  formatQuantity,
} from "../../worker/documents/format.ts";
import { WIN_ANSI_CODE_POINTS, toWinAnsi } from "../../worker/documents/text.ts";
import { rawRunsOf, runsOf } from "../support/pdf-text.ts";

const NOW = new Date("2026-11-26T10:00:00Z");
// A valid 1×1 RGBA PNG.
const TINY_PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

type Line = BillingDocument["lines"][number];

function line(index: number, overrides: Partial<Line> = {}): Line {
  return {
    description: `Platform subscription ${index + 1}`,
    detail: index % 3 === 0 ? "Annual commitment, billed monthly; includes SSO, audit log and premium support for every workspace." : null,
    quantity: index % 2 === 0 ? "1" : "1500.25",
    unitLabel: index % 2 === 0 ? null : "GB",
    frequency: index % 4 === 0 ? "ONE_TIME" : "MONTHLY",
    subtotal: "1250.00",
    discount: index % 5 === 0 ? "125.00" : null,
    discountLabel: index % 5 === 0 ? "10% off" : null,
    taxLabel: "VAT 20%",
    total: index % 5 === 0 ? "1125.00" : "1250.00",
    ...overrides,
  };
}

function quote(overrides: Partial<BillingDocument> = {}, lineCount = 1): BillingDocument {
  return {
    kind: "quote",
    title: "Quote Q00042",
    number: "Q00042",
    status: "PUBLISHED",
    currency: "USD",
    issuedAt: "2026-11-26",
    expiresAt: "2026-12-26",
    seller: {
      name: "Acme Cloud",
      legalName: "Acme Cloud Inc.",
      addressLines: ["548 Market St", "San Francisco, CA 94104", "United States"],
      taxIds: ["EIN 12-3456789"],
      email: "billing@acme.example",
      brandColor: "#0F766E",
      logoPng: null,
      bankDetails: ["Routing 021000021", "Account 1234567890"],
    },
    buyer: { legalName: "Globex Corporation", email: "ap@globex.example", addressLines: ["1 Globex Way", "Springfield"], taxId: "US-99-1234567" },
    lines: Array.from({ length: lineCount }, (_, i) => line(i)),
    totals: { subtotal: "1250.00", discount: null, tax: "0.00", total: "1250.00", byFrequency: [{ frequency: "MONTHLY", total: "1250.00" }] },
    notes: "Prices exclude sales tax.\nValid for 30 days.",
    footer: "Thank you for your business.",
    acceptance: null,
    ...overrides,
  };
}

// ---- reading a rendered PDF back ----

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** The text a page shows, one run a line (a negative amount's minus sign joined to its digits). */
function textOf(page: PDFPage): string {
  return runsOf(page).join("\n");
}

async function render(doc: BillingDocument): Promise<{ bytes: Uint8Array; pdf: PDFDocument; pages: string[] }> {
  const bytes = await renderDocumentPdf(doc, { now: NOW });
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  return { bytes, pdf, pages: pdf.getPages().map(textOf) };
}

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

// ---- formatting ----

describe("formatMoney / formatAmount", () => {
  it.each([
    ["1234567.5", "USD", "USD 1,234,567.50"],
    ["0", "USD", "USD 0.00"],
    ["-0", "USD", "USD 0.00"],
    ["-0.001", "USD", "USD 0.00"],
    ["12", "USD", "USD 12.00"],
    ["-12", "USD", "-USD 12.00"],
    ["-1234.5", "EUR", "-EUR 1,234.50"],
    ["999.99", "USD", "USD 999.99"],
    ["1000", "USD", "USD 1,000.00"],
    ["100000", "GBP", "GBP 100,000.00"],
    ["999999999999.99", "USD", "USD 999,999,999,999.99"],
    ["999999999999999.99", "USD", "USD 999,999,999,999,999.99"], // past float precision
    ["1500", "JPY", "JPY 1,500"],
    ["1500.5", "JPY", "JPY 1,501"],
    ["-1500", "JPY", "-JPY 1,500"],
    ["0", "JPY", "JPY 0"],
    ["1.5", "KWD", "KWD 1.500"],
    ["1234.5675", "KWD", "KWD 1,234.568"],
    ["0.1", "KWD", "KWD 0.100"],
    ["0.3", "USD", "USD 0.30"], // "0.1" + "0.2" as a string stays 0.30, not 0.30000000000000004
    ["0.30000000000000004", "USD", "USD 0.30"],
    ["1.005", "USD", "USD 1.01"], // half away from zero on the exact decimal (a float gives 1.00)
    ["-1.005", "USD", "-USD 1.01"],
    ["8.675", "USD", "USD 8.68"],
    ["0.5", "CLF", "CLF 0.5000"],
  ])("formatMoney(%s, %s) = %s", (amount, currency, expected) => {
    expect(formatMoney(amount, currency)).toBe(expected);
  });

  it.each([
    ["1234567.5", "USD", "1,234,567.50"],
    ["-1234567.5", "USD", "-1,234,567.50"],
    ["1000000", "JPY", "1,000,000"],
    ["123", "USD", "123.00"],
    ["1234", "KWD", "1,234.000"],
  ])("formatAmount(%s, %s) = %s", (amount, currency, expected) => {
    expect(formatAmount(amount, currency)).toBe(expected);
  });

  it("refuses what is not a decimal string or not a currency", () => {
    for (const bad of ["1e3", "abc", "", " 1", "+1", "1,000.00", "NaN"]) {
      const error = thrown(() => formatMoney(bad, "USD"));
      expect(error).toBeInstanceOf(MoneyError);
      expect((error as MoneyError).code).toBe("invalid_amount");
    }
    expect((thrown(() => formatMoney("1", "XYZ")) as MoneyError).code).toBe("unknown_currency");
    expect((thrown(() => formatMoney("1", "usd")) as MoneyError).code).toBe("unknown_currency");
  });
});

describe("formatQuantity", () => {
  it.each([
    ["1500.25", "1,500.25"],
    ["1", "1"],
    ["0", "0"],
    ["3.000", "3"],
    ["2.50", "2.5"],
    ["0.000000000001", "0.000000000001"],
    ["1000000", "1,000,000"],
    ["999999999999999.999999999999", "999,999,999,999,999.999999999999"],
    ["-1234.5", "-1,234.5"],
  ])("formatQuantity(%s) = %s", (quantity, expected) => {
    expect(formatQuantity(quantity)).toBe(expected);
  });

  it("refuses a quantity that is not a plain decimal", () => {
    expect(thrown(() => formatQuantity("1e6"))).toBeInstanceOf(MoneyError);
  });
});

describe("dates and labels", () => {
  it.each([
    ["2026-11-26", "26 Nov 2026"],
    ["2026-01-05", "5 Jan 2026"],
    ["2026-12-31T23:59:59Z", "31 Dec 2026"],
    ["2026-11-26T23:30:00-05:00", "26 Nov 2026"],
    ["2026-13-01", "2026-13-01"],
    ["2026-02-30", "2026-02-30"], // not a calendar date: shown as written, not as "30 Feb 2026"
    ["soon", "soon"],
    ["", ""],
  ])("formatDate(%s) = %s", (value, expected) => {
    expect(formatDate(value)).toBe(expected);
  });

  it("formats missing dates and times", () => {
    expect(formatDate(null)).toBe("");
    expect(formatDate(undefined)).toBe("");
    expect(formatDateTime("2026-11-28T14:05:00Z")).toBe("28 Nov 2026, 14:05 UTC");
    expect(formatDateTime("2026-11-28T14:05:00.123+00:00")).toBe("28 Nov 2026, 14:05 UTC");
    expect(formatDateTime("2026-11-28T14:05:00+0130")).toBe("28 Nov 2026, 14:05 UTC+01:30");
    expect(formatDateTime("2026-11-28")).toBe("28 Nov 2026");
    expect(formatDateTime(null)).toBe("");
  });

  it("labels frequencies and statuses", () => {
    expect(formatFrequency("MONTHLY")).toBe("Monthly");
    expect(formatFrequency("HALF_YEARLY")).toBe("Half-yearly");
    expect(formatFrequency("ONE_TIME")).toBe("One-time");
    expect(formatFrequency("WEEKLY")).toBe("Weekly");
    expect(formatFrequency(null)).toBe("");
    expect(formatEnum("PARTIALLY_PAID")).toBe("Partially paid");
    expect(formatEnum("Custom label")).toBe("Custom label");
  });
});

// ---- text sanitizing ----

describe("toWinAnsi", () => {
  it.each([
    ["Müller & Söhne GmbH", "Müller & Söhne GmbH"],
    ["Łódź Sp. z o.o.", "Lódz Sp. z o.o."], // ó is WinAnsi; Ł and ź are not,
    ["Straße 5, Kraków, Dvořák, Őrség, Țară", "Straße 5, Kraków, Dvorák, Orség, Tara"],
    ["株式会社", "????"],
    ["Party 🎉 time", "Party ? time"],
    ["👍🏽", "?"],
    ["👨‍👩‍👧", "???"],
    ["Ромашка ООО", "Romashka OOO"],
    ["€ 5 – “quoted” • ™ … £ ¥", "€ 5 – “quoted” • ™ … £ ¥"],
    ["a\tb\nc\r\nd", "a b c  d"],
    ["zero\u200bwidth\ufeff", "zerowidth"],
    ["soft\u00adhyphen", "softhyphen"],
    ["\u2212 12 \u2264 13", "- 12 <= 13"],
    ["ﬁne ＡＢ ①", "fine AB 1"],
    ["Ζεύς", "????"],
    ["lone \ud800 surrogate", "lone ? surrogate"],
    ["e\u0301", "é"],
    ["₹ 100", "INR 100"],
  ])("toWinAnsi(%j) = %j", (input, expected) => {
    expect(toWinAnsi(input)).toBe(expected);
  });

  it("keeps exactly the characters Helvetica can encode", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    expect([...WIN_ANSI_CODE_POINTS].sort((a, b) => a - b)).toEqual([...font.getCharacterSet()].sort((a, b) => a - b));
  });

  it("turns every Unicode character into something the standard fonts can draw", async () => {
    const pdf = await PDFDocument.create();
    const fonts = [await pdf.embedFont(StandardFonts.Helvetica), await pdf.embedFont(StandardFonts.HelveticaBold)];
    const drawable = new RegExp(`^[${[...WIN_ANSI_CODE_POINTS].map((cp) => `\\u{${cp.toString(16)}}`).join("")}]*$`, "u");
    for (let start = 0; start <= 0x10ffff; start += 0x1000) {
      let block = "";
      for (let cp = start; cp < start + 0x1000; cp++) block += String.fromCharCode(...(cp > 0xffff ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp]));
      const clean = toWinAnsi(block);
      if (!drawable.test(clean)) expect.unreachable(`block U+${start.toString(16)} gave ${JSON.stringify(clean)}`);
      for (const font of fonts) font.widthOfTextAtSize(clean, 9); // throws on a character it cannot encode
    }
  });
});

// ---- rendering ----

describe("renderDocumentPdf", () => {
  it("renders a one-line quote as a valid one-page PDF with metadata", async () => {
    const { bytes, pdf, pages } = await render(quote());
    const text = latin1(bytes);
    expect(text.startsWith("%PDF-")).toBe(true);
    expect(text).toMatch(/%%EOF\s*$/);
    expect(pdf.getPageCount()).toBe(1);
    const [width, height] = [pdf.getPage(0).getWidth(), pdf.getPage(0).getHeight()];
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]); // A4
    expect(pdf.getTitle()).toBe("Quote Q00042");
    expect(pdf.getAuthor()).toBe("Acme Cloud");
    expect(pdf.getProducer()).toBe("Kontor");
    expect(pdf.getCreator()).toBe("Kontor");
    expect(pdf.getCreationDate()?.toISOString()).toBe(NOW.toISOString());
    const page = pages[0];
    for (const expected of [
      "Acme Cloud", "QUOTE", "Quote Q00042", "PUBLISHED", "Prepared for".toUpperCase(), "Globex Corporation", "Tax ID: US-99-1234567",
      "26 Nov 2026", "26 Dec 2026", "USD 1,250.00", "DESCRIPTION", "Platform subscription 1", "1,250.00", "\u2212125.00", "10% off",
      "One-time", "Tax: VAT 20%", "Subtotal", "Total", "Monthly", "NOTES", "Valid for 30 days.", "PAYMENT DETAILS",
      "Account 1234567890", "Thank you for your business.", "Page 1 of 1",
    ]) {
      expect(page, expected).toContain(expected);
    }
    expect(page).not.toContain("DRAFT");
  });

  it("prints negative amounts with a real minus sign (U+2212, in the Symbol font), and changes nothing else", async () => {
    const doc = quote({ totals: { subtotal: "1250.00", discount: "125.00", tax: "0.00", total: "1125.00", byFrequency: [{ frequency: "ONE_TIME", total: "1125.00" }] } });
    const { pdf, pages } = await render(doc);
    const runs = pdf.getPages().flatMap(runsOf);
    // The discount line and the discount total read with the minus sign.
    expect(runs).toContain("\u2212125.00");
    expect(runs).toContain("\u2212USD 125.00");
    // Everything else is the text the document printed before (with "-"), run for run.
    const before = [
      "QUOTE", "Q00042", "Acme Cloud", "Acme Cloud Inc.", "Quote Q00042", "PUBLISHED", "DETAILS", "Quote number", "Q00042",
      "Date of issue", "26 Nov 2026", "Valid until", "26 Dec 2026", "Currency", "USD", "FROM", "Acme Cloud Inc.",
      "548 Market St", "San Francisco, CA 94104", "United States", "EIN 12-3456789", "billing@acme.example",
      "PREPARED FOR", "Globex Corporation", "1 Globex Way", "Springfield", "Tax ID: US-99-1234567", "ap@globex.example",
      "USD 1,125.00", "total · valid until 26 Dec 2026", "Items", "Amounts in USD", "DESCRIPTION", "QTY", "BILLED",
      "SUBTOTAL", "DISCOUNT", "TOTAL", "Platform subscription 1", "Annual commitment, billed monthly;",
      "includes SSO, audit log and premium", "support for every workspace.", "Tax: VAT 20%", "1", "One-time", "1,250.00",
      "-125.00", "10% off", "1,125.00", "Subtotal", "USD 1,250.00", "Discount", "-USD 125.00", "Tax", "USD 0.00", "Total",
      "USD 1,125.00", "BY BILLING FREQUENCY", "One-time", "USD 1,125.00", "NOTES", "Prices exclude sales tax.",
      "Valid for 30 days.", "PAYMENT DETAILS", "Routing 021000021", "Account 1234567890", "Thank you for your business.",
      "Acme Cloud · Quote Q00042", "Page 1 of 1",
    ];
    expect(runs.map((run) => run.replaceAll("\u2212", "-"))).toEqual(before);
    expect(pages[0]).not.toMatch(/(^|\s)[-\u2013](\d|USD)/m);
    // The Symbol font draws exactly the two minus signs, each right before its digits, so the column stays right-aligned.
    const raw = rawRunsOf(pdf.getPage(0));
    const symbol = raw.filter((run) => run.font === "Symbol");
    expect(symbol.map((run) => run.text)).toEqual(["\u2212", "\u2212"]);
    const [helvetica, minus] = [await PDFDocument.create().then((d) => d.embedFont(StandardFonts.Helvetica)), await PDFDocument.create().then((d) => d.embedFont(StandardFonts.Symbol))];
    const rightOf = (run: (typeof raw)[number]) => run.x + (run.font === "Symbol" ? minus : helvetica).widthOfTextAtSize(run.text, run.size);
    const discountTotal = raw.find((run) => run.text === "USD 125.00")!;
    const subtotal = raw.find((run) => run.text === "USD 1,250.00")!;
    expect(raw[raw.indexOf(discountTotal) - 1].font).toBe("Symbol");
    expect(rightOf(raw[raw.indexOf(discountTotal) - 1])).toBeCloseTo(discountTotal.x, 2);
    expect(rightOf(discountTotal)).toBeCloseTo(rightOf(subtotal), 2);
    // A document without a negative amount does not carry the Symbol font.
    expect(latin1((await render(quote({ lines: [line(1)] }))).bytes)).not.toContain("/BaseFont /Symbol");
  });

  it("breaks 120 lines over several pages, repeating the table header and numbering the pages", async () => {
    const { pdf, pages } = await render(quote({}, 120));
    const count = pdf.getPageCount();
    expect(count).toBeGreaterThanOrEqual(4);
    pages.forEach((page, index) => {
      expect(page).toContain(`Page ${index + 1} of ${count}`);
      expect(page).toContain("Quote Q00042");
    });
    // Every page that carries lines starts with the table header.
    for (const page of pages.filter((text) => /Platform subscription \d+/.test(text))) expect(page).toContain("DESCRIPTION");
    // Every line is there, once, in order.
    const descriptions = pages.join("\n").match(/Platform subscription \d+/g) ?? [];
    expect(descriptions).toEqual(Array.from({ length: 120 }, (_, i) => `Platform subscription ${i + 1}`));
    expect(pages[count - 1]).toContain("NOTES");

    const more = await render(quote({}, 240));
    expect(more.pdf.getPageCount()).toBeGreaterThan(count);
  });

  it("is deterministic: same document and time give the same bytes; without a time, the same pages", async () => {
    const doc = quote({}, 120);
    const [a, b] = [await renderDocumentPdf(doc, { now: NOW }), await renderDocumentPdf(doc, { now: NOW })];
    expect(b).toEqual(a);
    const [c, d] = [await renderDocumentPdf(doc), await renderDocumentPdf(doc)];
    expect((await PDFDocument.load(c)).getPageCount()).toBe((await PDFDocument.load(d)).getPageCount());
    expect((await PDFDocument.load(c)).getPageCount()).toBe((await PDFDocument.load(a)).getPageCount());
  });

  it("never throws on text WinAnsi cannot encode, anywhere in the document", async () => {
    const weird = "Łódź 株式会社 🚀👨‍👩‍👧 Ζεύς \u0000\u0007 \ud800 \u200b\ufeff Ромашка ₹ ≤";
    const doc = quote({
      title: `Quote ${weird}`,
      number: `Q-${weird}`,
      status: weird,
      seller: {
        name: weird, legalName: `Müller & Söhne GmbH ${weird}`, addressLines: [weird], taxIds: [weird], email: weird,
        brandColor: "#ABCDEF", logoPng: null, bankDetails: [weird],
      },
      buyer: { legalName: "Łódź Sp. z o.o.", email: weird, addressLines: ["株式会社", weird], taxId: weird },
      lines: [line(0, { description: weird, detail: weird, unitLabel: weird, frequency: weird, discount: "1.00", discountLabel: weird, taxLabel: weird })],
      totals: { subtotal: "1.00", tax: "0.00", total: "1.00", byFrequency: [{ frequency: weird, total: "1.00" }] },
      notes: `${weird}\n\n${weird}`,
      footer: weird,
      acceptance: { name: weird, email: weird, at: weird },
    });
    const { pdf, pages } = await render(doc);
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1);
    const all = pages.join("\n");
    expect(all).toContain("Lódz Sp. z o.o.");
    expect(all).toContain("????");
    expect(all).toContain("Romashka");
    expect(pdf.getTitle()).toBe(`Quote ${weird}`.replace("\ud800", "\ufffd")); // metadata is UTF-16: kept as given
  });

  it("wraps a description longer than a page over several pages", async () => {
    const long = Array.from({ length: 2500 }, (_, i) => `word${i}`).join(" ") + " " + "x".repeat(400);
    const { pdf, pages } = await render(quote({ lines: [line(0, { description: long })] }));
    expect(pdf.getPageCount()).toBeGreaterThan(2);
    const all = pages.join(" ");
    expect(all).toContain("word0 ");
    expect(all).toContain("word2499");
    pages.forEach((page, index) => expect(page).toContain(`Page ${index + 1} of ${pages.length}`));
  });

  it("marks drafts and voids, and labels invoices and credit notes", async () => {
    const draft = await render(quote({ number: null, status: "DRAFT", title: "Quote (draft)" }));
    expect(draft.pages[0]).toContain("DRAFT");
    expect(draft.pdf.getSubject()).toBe("Quote (draft) for Globex Corporation");

    const invoice = await render(
      quote({ kind: "invoice", title: "Invoice ACME-UK-000042", number: "ACME-UK-000042", status: "FINAL", dueAt: "2026-12-26", expiresAt: null }),
    );
    for (const expected of ["INVOICE", "BILL TO", "Amount due", "due 26 Dec 2026", "Due date"]) expect(invoice.pages[0]).toContain(expected);
    expect(invoice.pages[0]).not.toContain("VOID");

    const voided = await render(quote({ kind: "invoice", status: "VOIDED", number: "ACME-UK-000043", title: "Invoice ACME-UK-000043" }));
    expect(voided.pages[0]).toContain("VOID");

    const credit = await render(quote({ kind: "credit_note", title: "Credit note CN-000001", number: "CN-000001", status: "FINAL" }));
    for (const expected of ["CREDIT NOTE", "BILL TO", "Total credit", "credited"]) expect(credit.pages[0]).toContain(expected);
  });

  it("prints the acceptance, zero-digit and three-digit currencies", async () => {
    const accepted = await render(quote({ status: "ACCEPTED", acceptance: { name: "Anna Müller", email: "anna@globex.example", at: "2026-11-28T14:05:00Z" } }));
    expect(accepted.pages[0]).toContain("Accepted by Anna Müller <anna@globex.example> on 28 Nov 2026, 14:05 UTC");

    const yen = await render(
      quote({ currency: "JPY", lines: [line(0, { subtotal: "150000", discount: "15000", total: "135000" })], totals: { subtotal: "150000", discount: "15000", tax: "13500", total: "148500" } }),
    );
    for (const expected of ["JPY 148,500", "150,000", "\u221215,000", "\u2212JPY 15,000", "Amounts in JPY"]) expect(yen.pages[0]).toContain(expected);

    const dinar = await render(quote({ currency: "KWD", lines: [line(0, { subtotal: "12.5", discount: null, total: "12.5" })], totals: { subtotal: "12.5", tax: "0", total: "12.5" } }));
    expect(dinar.pages[0]).toContain("KWD 12.500");
  });

  it("embeds a PNG logo, and goes without one that is broken", async () => {
    const withLogo = await render(quote({ seller: { ...quote().seller, logoPng: TINY_PNG } }));
    expect(latin1(withLogo.bytes)).toContain("/Subtype /Image");

    const broken = [
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]),
      TINY_PNG.slice(0, 40), // truncated inside the image data
      Uint8Array.from({ length: 512 }, (_, i) => (i * 7919) % 256),
      new Uint8Array(0),
    ];
    for (const logoPng of broken) {
      const result = await render(quote({ seller: { ...quote().seller, logoPng } }));
      expect(result.pdf.getPageCount()).toBe(1);
      expect(latin1(result.bytes)).not.toContain("/Subtype /Image");
    }
  });

  it("accepts only #RRGGBB brand colours", async () => {
    for (const brandColor of ["#ff0000", "#FFFFFF", "red", "#12345", "#12345678", "rgb(1,2,3)", "", null]) {
      const result = await render(quote({ seller: { ...quote().seller, brandColor } }));
      expect(result.pdf.getPageCount()).toBe(1);
    }
  });

  it("renders an empty document", async () => {
    const { pdf, pages } = await render(
      quote({ lines: [], totals: { subtotal: "0", tax: "0", total: "0" }, notes: null, footer: null, issuedAt: null, expiresAt: null, seller: { ...quote().seller, bankDetails: [] } }),
    );
    expect(pdf.getPageCount()).toBe(1);
    expect(pages[0]).toContain("No line items.");
    expect(pages[0]).toContain("Not issued yet");
  });
});
