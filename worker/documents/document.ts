// Quote, invoice and credit-note PDFs (DESIGN.md §6: "Invoices and quotes render to PDF with the
// entity's branding"): the document model every mapper (./quote.ts, …) produces, and the entry that
// renders it. Pure apart from pdf-lib: no D1, no fetch, no fonts to load, so it runs in workerd.
//
// - A4 portrait, the standard Helvetica fonts (not embedded, so files stay a few KB). Those fonts
//   only have WinAnsi glyphs: every string is passed through toWinAnsi (./text.ts) before it is
//   measured (./wrap.ts) or drawn (./layout.ts), so no name, description or note can make rendering throw.
// - Negative amounts print with a real minus sign (U+2212), which WinAnsi lacks: the layout draws it
//   in the standard Symbol font (glyph "minus"), embedded only in documents that show one.
// - Amounts are decimal strings formatted by ./format.ts; nothing here turns money into a number.
// - Output is deterministic: the same document and `now` give the same bytes (pdf-lib seeds its
//   resource names with a fixed seed), so tests can compare files.
import { PDFDocument, StandardFonts, type PDFImage } from "pdf-lib";
import { KIND_LABELS, Layout, type Fonts } from "./layout.ts";
import { formatMoney } from "./format.ts";
import { wellFormed } from "./text.ts";

export interface BillingDocument {
  kind: "quote" | "invoice" | "credit_note";
  title: string; // "Quote Q00042" / "Invoice ACME-UK-000042": the PDF's Info Title, footers, later pages' band
  /** The big title on the first page (a quote's own title); default `title`. */
  heading?: string | null;
  /** The pill beside the heading; default `status`. null: none (a customer's copy shows no internal state). */
  badge?: string | null;
  /** Default A4. */
  paper?: "A4" | "LETTER";
  /** BCP 47, the catalog's /Lang; default "en". */
  language?: string;
  number: string | null; // null for drafts (print "DRAFT")
  status: string; // DRAFT, PUBLISHED, ACCEPTED, FINAL, ...
  currency: string;
  issuedAt: string | null; // YYYY-MM-DD or ISO time
  dueAt?: string | null; // invoices
  expiresAt?: string | null; // quotes
  seller: {
    name: string;
    legalName: string;
    addressLines: string[];
    taxIds: string[];
    email?: string | null;
    brandColor?: string | null;
    logoPng?: Uint8Array | null;
    bankDetails?: string[];
  };
  buyer: { legalName: string; email?: string | null; addressLines: string[]; taxId?: string | null };
  lines: {
    description: string;
    detail?: string | null;
    quantity: string;
    unitLabel?: string | null;
    /** The price of one unit (or package, or seat), a decimal string; shown in a "Unit price" column. */
    unitPrice?: string | null;
    /** "per seat", "per 100 units": under the unit price. */
    unitPriceLabel?: string | null;
    frequency?: string | null;
    subtotal: string;
    discount?: string | null;
    discountLabel?: string | null;
    taxLabel?: string | null;
    total: string;
  }[];
  totals: { subtotal: string; discount?: string | null; tax: string; total: string; byFrequency?: { frequency: string; total: string }[] };
  /** A quote's contract figures; when present they replace the subtotal/total box. */
  contract?: {
    recurring: { label: string; suffix: string; amount: string }[];
    oneTime: string;
    firstInvoice: string;
    firstInvoiceNote: string;
    totalContractValue: string;
    /** "over 24 months starting 1 Mar 2027", "over 12 months from acceptance" */
    term: string;
  } | null;
  /** An invoice's or credit note's tax per rate (the VAT summary): "VAT 20%", taxable, tax. */
  taxSummary?: { label: string; taxable: string; tax: string }[] | null;
  notes?: string | null;
  footer?: string | null; // e.g. reverse-charge note
  acceptance?: { name: string; email: string; at: string } | null;
}

export interface RenderOptions {
  /** The PDF's creation and modification date (default: the current time). */
  now?: Date;
}

/** The logo, when it is a PNG pdf-lib can decode and embed; otherwise null (the document goes without). */
async function embedLogo(pdf: PDFDocument, png: Uint8Array | null | undefined): Promise<PDFImage | null> {
  if (!png || png.length < 8 || png.length > 4 * 1024 * 1024) return null;
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (signature.some((byte, i) => png[i] !== byte)) return null;
  try {
    // Decode and embed into a scratch document first: a PNG that fails half-way must not leave a
    // broken image behind in the real one (pdf-lib would retry it, and fail, at save).
    const scratch = await PDFDocument.create();
    const probe = await scratch.embedPng(png);
    await probe.embed();
    if (!(probe.width > 0 && probe.height > 0)) return null;
  } catch {
    return null;
  }
  const image = await pdf.embedPng(png);
  await image.embed();
  return image;
}

/** The document as PDF bytes (A4 or Letter, standard fonts). Throws only for amounts that are not decimal strings or an unknown currency. */
export async function renderDocumentPdf(doc: BillingDocument, options: RenderOptions = {}): Promise<Uint8Array> {
  const now = options.now ?? new Date();
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const kind = KIND_LABELS[doc.kind];
  // Metadata is UTF-16: any text is kept as given, except that lone surrogates become U+FFFD.
  pdf.setTitle(wellFormed(doc.title), { showInWindowTitleBar: true });
  pdf.setAuthor(wellFormed(doc.seller.name));
  pdf.setSubject(wellFormed(`${kind} ${doc.number ?? "(draft)"} for ${doc.buyer.legalName}`));
  pdf.setCreator("Kontor");
  pdf.setProducer("Kontor");
  pdf.setLanguage(doc.language ?? "en");
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);

  const fonts: Fonts = { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
  const logo = await embedLogo(pdf, doc.seller.logoPng);
  const layout = new Layout(pdf, doc, fonts, logo);

  layout.addPage(true);
  layout.drawTitle();
  layout.drawParties();
  layout.drawSummary();
  layout.drawTable();
  layout.drawTotals();
  if (doc.taxSummary?.length) {
    layout.drawTextSection("Tax summary", doc.taxSummary.map((t) => `${t.label}: ${formatMoney(t.tax, doc.currency)} on ${formatMoney(t.taxable, doc.currency)}`));
  }
  if (doc.notes) layout.drawTextSection("Notes", [doc.notes]);
  const bank = (doc.seller.bankDetails ?? []).filter((line) => line.trim() !== "");
  if (bank.length > 0) layout.drawTextSection("Payment details", bank);
  if (doc.acceptance) layout.drawAcceptance(doc.acceptance);
  layout.drawFooters();

  return pdf.save({ useObjectStreams: true });
}
