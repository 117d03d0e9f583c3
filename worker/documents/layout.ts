// Page layout of a billing document: A4 pages with the brand band, the parties, the line table
// (rows that break across pages), totals, text sections and footers. Everything drawn is measured
// first (./wrap.ts) and cleaned for the standard fonts (./text.ts); amounts are formatted decimal
// strings (./format.ts), never numbers; a negative one is drawn with a real minus sign (U+2212, Symbol font).
import { degrees, rgb, StandardFonts, type Color, type PDFDocument, type PDFFont, type PDFImage, type PDFPage } from "pdf-lib";
import type { BillingDocument } from "./document.ts";
import { formatAmount, formatDate, formatDateTime, formatEnum, formatFrequency, formatMoney, formatQuantity, formatUnitPrice } from "./format.ts";
import { toWinAnsi } from "./text.ts";
import { CELL_PADDING, cellHeight, discountAmount, lineHeight, MINUS, ROW_PADDING, rowHeight, splitCells, type Column, type Fonts, type TextRun } from "./cells.ts";

export type { Fonts } from "./cells.ts";
import { BAND_HEIGHT, brandColor, FAINT, FOOTER_BASELINE, HAIRLINE, INK, KIND_LABELS, LABEL_TRACKING, MARGIN, MUTED, PAPER, SLIM_BAND_HEIGHT, statusTone, TABLE_HEAD, TONES, WHITE } from "./style.ts";

export { KIND_LABELS, PAPER } from "./style.ts";
import { ellipsize, fitWidth, fittingSize, widthOf, wrap } from "./wrap.ts";

// ---- the renderer ----

export class Layout {
  readonly pdf: PDFDocument;
  readonly doc: BillingDocument;
  readonly fonts: Fonts;
  readonly brand: Color;
  readonly onBrand: Color;
  readonly logo: PDFImage | null;
  readonly watermark: string | null;
  readonly footerLines: string[];
  readonly bottom: number;
  readonly pageWidth: number;
  readonly pageHeight: number;
  readonly contentWidth: number;
  readonly right: number;
  page!: PDFPage;
  y = 0;
  /** The Symbol font, embedded the first time a minus sign is drawn (a document without one does not carry it). */
  private symbolFont: PDFFont | null = null;

  constructor(pdf: PDFDocument, doc: BillingDocument, fonts: Fonts, logo: PDFImage | null) {
    const paper = PAPER[doc.paper ?? "A4"];
    this.pageWidth = paper.width;
    this.pageHeight = paper.height;
    this.contentWidth = paper.width - 2 * MARGIN;
    this.right = MARGIN + this.contentWidth;
    this.pdf = pdf;
    this.doc = doc;
    this.fonts = fonts;
    const brand = brandColor(doc.seller.brandColor);
    this.brand = brand.color;
    this.onBrand = brand.light ? INK : WHITE;
    this.logo = logo;
    const status = doc.status.toUpperCase();
    this.watermark = status === "VOIDED" || status === "VOID" ? "VOID" : doc.number === null || status === "DRAFT" ? "DRAFT" : null;
    // The footer (a reverse-charge note, say) is printed on every page; eight lines at most.
    const footer = doc.footer ? wrap(doc.footer, fonts.regular, 7.5, this.contentWidth).filter((line) => line !== "") : [];
    this.footerLines = footer.length > 8 ? [...footer.slice(0, 7), ellipsize(footer[7] + " …", fonts.regular, 7.5, this.contentWidth)] : footer;
    this.bottom = FOOTER_BASELINE + 12 + this.footerLines.length * 9.5 + 22;
  }

  // -- primitives --

  text(text: string, x: number, y: number, font: PDFFont, size: number, color: Color, align: "left" | "right" | "center" = "left"): number {
    const clean = toWinAnsi(text);
    const width = widthOf(clean, font, size);
    const left = align === "right" ? x - width : align === "center" ? x - width / 2 : x;
    if (clean !== "") this.page.drawText(clean, { x: left, y, font, size, color });
    return width;
  }

  get symbol(): PDFFont {
    return (this.symbolFont ??= this.pdf.embedStandardFont(StandardFonts.Symbol));
  }

  /** Width of a run at `size`, its minus sign included. */
  runWidth(run: Pick<TextRun, "text" | "font" | "minus">, size: number): number {
    return (run.minus ? widthOf(MINUS, this.symbol, size) : 0) + widthOf(run.text, run.font, size);
  }

  /** Draws a run with its left edge at x: the minus sign in the Symbol font, then the text in the run's font. */
  drawRun(run: Pick<TextRun, "text" | "font" | "minus">, x: number, y: number, size: number, color: Color): void {
    if (run.minus) {
      this.page.drawText(MINUS, { x, y, font: this.symbol, size, color });
      x += widthOf(MINUS, this.symbol, size);
    }
    if (run.text !== "") this.page.drawText(run.text, { x, y, font: run.font, size, color });
  }

  /**
   * A formatted number ("-USD 500.00", "-125.00", "1,250.00") as a run: a leading "-" becomes the
   * minus sign U+2212, drawn in the Symbol font before the rest.
   */
  numberRun(text: string, font: PDFFont, size: number, color: Color): TextRun {
    const clean = toWinAnsi(text);
    return clean.startsWith("-") ? { text: clean.slice(1), font, size, color, minus: true } : { text: clean, font, size, color };
  }

  /** The largest size up to `size` at which the formatted number fits `maxWidth`. */
  fitNumber(text: string, font: PDFFont, size: number, maxWidth: number): number {
    return fitWidth(this.runWidth(this.numberRun(text, font, size, INK), size), size, maxWidth);
  }

  /** Draws a formatted number like text(), with a real minus sign; returns its width. */
  number(text: string, x: number, y: number, font: PDFFont, size: number, color: Color, align: "left" | "right" = "left"): number {
    const run = this.numberRun(text, font, size, color);
    const width = this.runWidth(run, size);
    this.drawRun(run, align === "right" ? x - width : x, y, size, color);
    return width;
  }

  /** Small letter-spaced uppercase label ("BILL TO"). */
  label(text: string, x: number, y: number, align: "left" | "right" = "left", color: Color = MUTED, size = 7): void {
    const clean = toWinAnsi(text.toUpperCase());
    const width = widthOf(clean, this.fonts.bold, size, LABEL_TRACKING);
    this.page.drawText(clean, { x: align === "right" ? x - width : x, y, font: this.fonts.bold, size, color });
  }

  rule(y: number, x1 = MARGIN, x2 = this.right, color: Color = HAIRLINE, thickness = 0.75): void {
    this.page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness, color });
  }

  roundedRect(x: number, top: number, width: number, height: number, radius: number, color: Color): void {
    const r = Math.min(radius, height / 2, width / 2);
    const w = width;
    const h = height;
    const path = `M ${r} 0 L ${w - r} 0 Q ${w} 0 ${w} ${r} L ${w} ${h - r} Q ${w} ${h} ${w - r} ${h} L ${r} ${h} Q 0 ${h} 0 ${h - r} L 0 ${r} Q 0 0 ${r} 0 Z`;
    this.page.drawSvgPath(path, { x, y: top, color, borderWidth: 0 });
  }

  /** A status pill whose left edge is at x and whose vertical centre is at `middle`; returns its width. */
  pill(text: string, x: number, middle: number): number {
    const tone = statusTone(text);
    const clean = toWinAnsi(formatEnum(text).toUpperCase());
    const size = 7;
    const width = widthOf(clean, this.fonts.bold, size, LABEL_TRACKING) + 14;
    const height = 15;
    this.roundedRect(x, middle + height / 2, width, height, 7.5, tone.background);
    this.page.drawText(clean, { x: x + 7, y: middle - size * 0.36, font: this.fonts.bold, size, color: tone.text });
    return width;
  }

  // -- pages --

  addPage(first: boolean): void {
    this.page = this.pdf.addPage([this.pageWidth, this.pageHeight]);
    if (this.watermark) this.drawWatermark(this.watermark);
    if (first) this.drawBand();
    else this.drawSlimBand();
  }

  /** Space left above the footer. */
  room(): number {
    return this.y - this.bottom;
  }

  /** A new page when less than `height` is left; true when it broke. */
  ensure(height: number): boolean {
    if (this.room() >= height) return false;
    this.addPage(false);
    return true;
  }

  drawWatermark(word: string): void {
    const size = 130;
    const width = widthOf(word, this.fonts.bold, size);
    const height = size * 0.72;
    const angle = (33 * Math.PI) / 180;
    const cx = this.pageWidth / 2;
    const cy = this.pageHeight / 2 - 30;
    const x = cx - (width / 2) * Math.cos(angle) + (height / 2) * Math.sin(angle);
    const y = cy - (width / 2) * Math.sin(angle) - (height / 2) * Math.cos(angle);
    this.page.drawText(word, { x, y, size, font: this.fonts.bold, color: rgb(0.55, 0.58, 0.64), opacity: 0.075, rotate: degrees(33) });
  }

  drawBand(): void {
    const { doc, fonts } = this;
    const top = this.pageHeight;
    const middle = top - BAND_HEIGHT / 2;
    this.page.drawRectangle({ x: 0, y: top - BAND_HEIGHT, width: this.pageWidth, height: BAND_HEIGHT, color: this.brand });

    // Right: what this is and its number.
    const kind = KIND_LABELS[doc.kind].toUpperCase();
    const kindSize = 19;
    const kindWidth = widthOf(kind, fonts.bold, kindSize);
    this.page.drawText(kind, { x: this.right - kindWidth, y: middle + 1, font: fonts.bold, size: kindSize, color: this.onBrand });
    const numberText = ellipsize(doc.number ?? "DRAFT", fonts.regular, 10.5, 200);
    const numberWidth = widthOf(numberText, fonts.regular, 10.5);
    this.page.drawText(numberText, { x: this.right - numberWidth, y: middle - 15, font: fonts.regular, size: 10.5, color: this.onBrand, opacity: 0.82 });
    const rightWidth = Math.max(kindWidth, numberWidth);

    // Left: logo on a white tile, then the seller's name.
    let x = MARGIN;
    if (this.logo) {
      const maxHeight = 40;
      const maxWidth = 120;
      const scale = Math.min(maxHeight / this.logo.height, maxWidth / this.logo.width);
      const w = this.logo.width * scale;
      const h = this.logo.height * scale;
      const pad = 6;
      this.roundedRect(x, middle + h / 2 + pad, w + 2 * pad, h + 2 * pad, 5, WHITE);
      this.page.drawImage(this.logo, { x: x + pad, y: middle - h / 2, width: w, height: h });
      x += w + 2 * pad + 14;
    }
    const nameRoom = this.right - rightWidth - 24 - x;
    const name = toWinAnsi(doc.seller.name);
    const nameSize = Math.max(11, Math.min(18, fittingSize(name, fonts.bold, 18, nameRoom)));
    const nameText = ellipsize(name, fonts.bold, nameSize, nameRoom);
    const hasTagline = doc.seller.legalName && doc.seller.legalName !== doc.seller.name;
    const nameY = hasTagline ? middle + 1 : middle - nameSize * 0.36;
    this.page.drawText(nameText, { x, y: nameY, font: fonts.bold, size: nameSize, color: this.onBrand });
    if (hasTagline) {
      const tagline = ellipsize(doc.seller.legalName, fonts.regular, 9, nameRoom);
      this.page.drawText(tagline, { x, y: middle - 13, font: fonts.regular, size: 9, color: this.onBrand, opacity: 0.75 });
    }
    this.y = top - BAND_HEIGHT - 34;
  }

  drawSlimBand(): void {
    const { doc, fonts } = this;
    const top = this.pageHeight;
    this.page.drawRectangle({ x: 0, y: top - SLIM_BAND_HEIGHT, width: this.pageWidth, height: SLIM_BAND_HEIGHT, color: this.brand });
    const baseline = top - SLIM_BAND_HEIGHT / 2 - 3.3;
    const title = ellipsize(`${doc.title}${doc.number === null ? " (draft)" : ""}`, fonts.regular, 9, this.contentWidth / 2 - 10);
    const titleWidth = widthOf(title, fonts.regular, 9);
    this.page.drawText(title, { x: this.right - titleWidth, y: baseline, font: fonts.regular, size: 9, color: this.onBrand, opacity: 0.85 });
    const name = ellipsize(doc.seller.name, fonts.bold, 10, this.contentWidth / 2 - 10);
    this.page.drawText(name, { x: MARGIN, y: baseline, font: fonts.bold, size: 10, color: this.onBrand });
    this.y = top - SLIM_BAND_HEIGHT - 28;
  }

  drawFooters(): void {
    const pages = this.pdf.getPages();
    const { doc, fonts } = this;
    const left = ellipsize(`${doc.seller.name} · ${doc.title}`, fonts.regular, 7.5, this.contentWidth - 80);
    pages.forEach((page, index) => {
      this.page = page;
      const ruleY = FOOTER_BASELINE + 12 + this.footerLines.length * 9.5 + 2;
      this.rule(ruleY);
      this.footerLines.forEach((line, i) => {
        page.drawText(line, { x: MARGIN, y: ruleY - 11 - i * 9.5, font: fonts.regular, size: 7.5, color: MUTED });
      });
      page.drawText(left, { x: MARGIN, y: FOOTER_BASELINE - 6, font: fonts.regular, size: 7.5, color: FAINT });
      this.text(`Page ${index + 1} of ${pages.length}`, this.right, FOOTER_BASELINE - 6, fonts.regular, 7.5, MUTED, "right");
    });
  }

  // -- sections --

  drawTitle(): void {
    const { doc, fonts } = this;
    const size = 19;
    const title = ellipsize(doc.heading ?? doc.title, fonts.bold, size, this.contentWidth - 110);
    const baseline = this.y - 15;
    const width = widthOf(title, fonts.bold, size);
    this.page.drawText(title, { x: MARGIN, y: baseline, font: fonts.bold, size, color: INK });
    const badge = doc.badge === undefined ? doc.status : doc.badge;
    if (badge) this.pill(badge, MARGIN + width + 12, baseline + 6.5);
    this.y = baseline - 28;
  }

  /** Three columns: key facts, the seller, the buyer. */
  drawParties(): void {
    const { doc, fonts } = this;
    const kind = KIND_LABELS[doc.kind];
    const facts: [string, string][] = [[`${kind} number`, doc.number ?? "DRAFT"]];
    facts.push(["Date of issue", doc.issuedAt ? formatDate(doc.issuedAt) : "Not issued yet"]);
    if (doc.kind === "quote" && doc.expiresAt) facts.push(["Valid until", formatDate(doc.expiresAt)]);
    if (doc.kind !== "quote" && doc.dueAt) facts.push(["Due date", formatDate(doc.dueAt)]);
    facts.push(["Currency", doc.currency]);

    const factsWidth = 150;
    const partyWidth = (this.contentWidth - factsWidth - 20) / 2;
    const sellerX = MARGIN + factsWidth + 10;
    const buyerX = sellerX + partyWidth + 10;
    const top = this.y;

    // Key facts as a compact grid under their own heading, level with the two address blocks.
    this.label("Details", MARGIN, top - 7);
    let y = top - 19;
    const valueX = MARGIN + 70;
    for (const [label, value] of facts) {
      this.text(label, MARGIN, y, fonts.regular, 8.5, MUTED);
      for (const line of wrap(value, fonts.regular, 9, factsWidth - 70)) {
        this.page.drawText(line, { x: valueX, y, font: fonts.regular, size: 9, color: INK });
        y -= 12.9;
      }
    }
    const factsBottom = y;

    const seller = doc.seller;
    const sellerLines: TextRun[] = [
      ...this.runs(seller.legalName || seller.name, fonts.bold, 9.5, INK, partyWidth),
      ...seller.addressLines.flatMap((line) => this.runs(line, fonts.regular, 9, MUTED, partyWidth)),
      ...seller.taxIds.flatMap((line) => this.runs(line, fonts.regular, 9, MUTED, partyWidth)),
      ...(seller.email ? this.runs(seller.email, fonts.regular, 9, MUTED, partyWidth) : []),
    ];
    const buyer = doc.buyer;
    const buyerLines: TextRun[] = [
      ...this.runs(buyer.legalName, fonts.bold, 9.5, INK, partyWidth),
      ...buyer.addressLines.flatMap((line) => this.runs(line, fonts.regular, 9, MUTED, partyWidth)),
      ...(buyer.taxId ? this.runs(`Tax ID: ${buyer.taxId}`, fonts.regular, 9, MUTED, partyWidth) : []),
      ...(buyer.email ? this.runs(buyer.email, fonts.regular, 9, MUTED, partyWidth) : []),
    ];
    const sellerBottom = this.block("From", sellerLines, sellerX, top);
    const buyerBottom = this.block(doc.kind === "quote" ? "Prepared for" : "Bill to", buyerLines, buyerX, top);
    this.y = Math.min(factsBottom, sellerBottom, buyerBottom) - 6;
  }

  runs(text: string, font: PDFFont, size: number, color: Color, width: number): TextRun[] {
    return wrap(text, font, size, width).map((line) => ({ text: line, font, size, color }));
  }

  /** A labelled block of lines; returns the y below it. */
  block(title: string, lines: TextRun[], x: number, top: number): number {
    this.label(title, x, top - 7);
    let y = top - 19;
    for (const run of lines) {
      this.page.drawText(run.text, { x, y, font: run.font, size: run.size, color: run.color });
      y -= lineHeight(run.size) + 0.5;
    }
    return y;
  }

  /** "USD 12,400.00 due 26 Dec 2026" — the one number the reader came for. */
  drawSummary(): void {
    const { doc, fonts } = this;
    this.rule(this.y + 4);
    const baseline = this.y - 24;
    const contract = doc.contract;
    const amount = formatMoney(contract ? contract.totalContractValue : doc.totals.total, doc.currency);
    const size = this.fitNumber(amount, fonts.bold, 20, this.contentWidth / 2);
    const width = this.number(amount, MARGIN, baseline, fonts.bold, size, INK);
    let tail: string;
    const what = contract ? `total contract value, ${contract.term}` : "total";
    if (doc.kind === "quote") tail = doc.expiresAt ? `${what} · valid until ${formatDate(doc.expiresAt)}` : what;
    else if (doc.kind === "invoice") tail = doc.dueAt ? `due ${formatDate(doc.dueAt)}` : "due on receipt";
    else tail = "credited";
    this.text(ellipsize(tail, fonts.regular, 11, this.contentWidth - width - 10), MARGIN + width + 8, baseline, fonts.regular, 11, MUTED);
    this.y = baseline - 30;
  }

  // -- line table --

  columns(): Column[] {
    const { doc, fonts } = this;
    const currency = doc.currency;
    const lines = doc.lines;
    const hasFrequency = lines.some((line) => !!line.frequency);
    const hasDiscount = lines.some((line) => discountAmount(line.discount, currency) !== null || !!line.discountLabel);
    const amount = (value: string, font: PDFFont = fonts.regular): TextRun[] => [this.numberRun(value, font, 9, INK)];
    const note = (value: string | null | undefined, width: number): TextRun[] =>
      value ? wrap(value, fonts.regular, 7.5, width - 2 * CELL_PADDING).map((text) => ({ text, font: fonts.regular, size: 7.5, color: MUTED })) : [];

    const fixed: Column[] = [];
    if (lines.some((line) => !!line.unitPrice)) {
      fixed.push({
        label: "Unit price",
        width: 72,
        align: "right",
        cells: (line) => (line.unitPrice ? [...amount(formatUnitPrice(line.unitPrice, currency)), ...note(line.unitPriceLabel, 72)] : [{ text: "–", font: fonts.regular, size: 9, color: FAINT }]),
      });
    }
    fixed.push({
      label: "Qty",
      width: 54,
      align: "right",
      cells: (line) => [...amount(formatQuantity(line.quantity)), ...note(line.unitLabel, 54)],
    });
    if (hasFrequency) {
      fixed.push({
        label: "Billed",
        width: 60,
        align: "left",
        cells: (line) => wrap(formatFrequency(line.frequency), fonts.regular, 9, 60 - 2 * CELL_PADDING).map((text) => ({ text, font: fonts.regular, size: 9, color: INK })),
      });
    }
    fixed.push({ label: "Subtotal", width: 74, align: "right", cells: (line) => amount(formatAmount(line.subtotal, currency)) });
    if (hasDiscount) {
      fixed.push({
        label: "Discount",
        width: 66,
        align: "right",
        cells: (line) => {
          const value = discountAmount(line.discount, currency);
          return [...(value === null ? [{ text: "–", font: fonts.regular, size: 9, color: FAINT }] : amount(value)), ...note(line.discountLabel, 66)];
        },
      });
    }
    fixed.push({ label: "Total", width: 78, align: "right", cells: (line) => amount(formatAmount(line.total, currency), fonts.bold) });

    const descriptionWidth = this.contentWidth - fixed.reduce((sum, column) => sum + column.width, 0);
    const description: Column = {
      label: "Description",
      width: descriptionWidth,
      align: "left",
      cells: (line) => {
        const inner = descriptionWidth - 2 * CELL_PADDING;
        return [
          ...wrap(line.description, fonts.bold, 9, inner).map((text) => ({ text, font: fonts.bold, size: 9, color: INK })),
          ...(line.detail ? wrap(line.detail, fonts.regular, 8, inner).map((text) => ({ text, font: fonts.regular, size: 8, color: MUTED })) : []),
          ...(line.taxLabel ? wrap(`Tax: ${line.taxLabel}`, fonts.regular, 7.5, inner).map((text) => ({ text, font: fonts.regular, size: 7.5, color: MUTED })) : []),
        ];
      },
    };
    return [description, ...fixed];
  }

  drawTableHeader(columns: Column[]): void {
    const height = 22;
    this.page.drawRectangle({ x: MARGIN, y: this.y - height, width: this.contentWidth, height, color: TABLE_HEAD });
    let x = MARGIN;
    for (const column of columns) {
      const baseline = this.y - height / 2 - 2.5;
      if (column.align === "right") this.label(column.label, x + column.width - CELL_PADDING, baseline, "right");
      else this.label(column.label, x + CELL_PADDING, baseline);
      x += column.width;
    }
    this.y -= height;
  }

  drawTable(): void {
    const { doc, fonts } = this;
    const columns = this.columns();
    // Caption: what the table is and the currency of every figure in it.
    this.ensure(80);
    this.text(doc.kind === "quote" ? "Items" : "Line items", MARGIN, this.y - 10, fonts.bold, 11, INK);
    this.text(`Amounts in ${doc.currency}`, this.right, this.y - 10, fonts.regular, 8, MUTED, "right");
    this.y -= 20;
    this.drawTableHeader(columns);

    if (doc.lines.length === 0) {
      this.text("No line items.", MARGIN + CELL_PADDING, this.y - 18, fonts.regular, 9, MUTED);
      this.y -= 28;
      this.rule(this.y);
      return;
    }
    const fullPage = this.pageHeight - SLIM_BAND_HEIGHT - 28 - 22 - this.bottom;
    for (const line of doc.lines) {
      let cells = columns.map((column) => column.cells(line));
      for (;;) {
        const height = rowHeight(cells);
        if (height <= this.room()) {
          this.drawRow(columns, cells);
          break;
        }
        if (height <= fullPage || this.room() < 3 * lineHeight(9) + 2 * ROW_PADDING) {
          this.addPage(false);
          this.drawTableHeader(columns);
          continue;
        }
        // Taller than a page: draw what fits here and carry the rest to the next page.
        const [now, later] = splitCells(cells, this.room() - 2 * ROW_PADDING);
        this.drawRow(columns, now);
        cells = later;
        this.addPage(false);
        this.drawTableHeader(columns);
      }
    }
  }

  drawRow(columns: Column[], cells: TextRun[][]): void {
    const height = rowHeight(cells);
    let x = MARGIN;
    columns.forEach((column, index) => {
      let top = this.y - ROW_PADDING;
      const inner = column.width - 2 * CELL_PADDING;
      for (const run of cells[index]) {
        const size = column.align === "right" ? fitWidth(this.runWidth(run, run.size), run.size, inner) : run.size;
        const baseline = top - run.size * 0.98;
        const width = this.runWidth(run, size);
        const left = column.align === "right" ? x + column.width - CELL_PADDING - width : x + CELL_PADDING;
        this.drawRun(run, left, baseline, size, run.color);
        top -= lineHeight(run.size);
      }
      x += column.width;
    });
    this.y -= height;
    this.rule(this.y);
  }

  // -- after the table --

  drawTotals(): void {
    if (this.doc.contract) return this.drawContractTotals(this.doc.contract);
    const { doc, fonts } = this;
    const totals = doc.totals;
    const currency = doc.currency;
    const rows: [string, string][] = [["Subtotal", formatMoney(totals.subtotal, currency)]];
    const discount = discountAmount(totals.discount, currency);
    if (discount !== null) rows.push(["Discount", discount.startsWith("-") ? `-${currency} ${discount.slice(1)}` : `${currency} ${discount}`]);
    rows.push(["Tax", formatMoney(totals.tax, currency)]);
    const byFrequency = totals.byFrequency ?? [];
    const height = 14 + rows.length * 18 + 34 + (byFrequency.length > 0 ? 22 + byFrequency.length * 16 : 0);
    this.ensure(height);

    const width = 250;
    const x = this.right - width;
    let y = this.y - 14;
    for (const [label, value] of rows) {
      this.text(label, x, y - 9, fonts.regular, 9.5, MUTED);
      this.number(value, this.right, y - 9, fonts.regular, this.fitNumber(value, fonts.regular, 9.5, width - 70), INK, "right");
      y -= 18;
    }
    this.rule(y - 2, x, this.right, INK, 0.9);
    y -= 8;
    const total = formatMoney(totals.total, currency);
    const totalLabel = doc.kind === "invoice" ? "Amount due" : doc.kind === "credit_note" ? "Total credit" : "Total";
    this.text(totalLabel, x, y - 14, fonts.bold, 11, INK);
    this.number(total, this.right, y - 14, fonts.bold, this.fitNumber(total, fonts.bold, 12.5, width - 80), INK, "right");
    y -= 26;
    if (byFrequency.length > 0) {
      y -= 8;
      this.label("By billing frequency", x, y - 7);
      y -= 14;
      for (const entry of byFrequency) {
        const value = formatMoney(entry.total, currency);
        this.text(formatFrequency(entry.frequency), x, y - 9, fonts.regular, 9, MUTED);
        this.number(value, this.right, y - 9, fonts.regular, this.fitNumber(value, fonts.regular, 9, width - 90), INK, "right");
        y -= 16;
      }
    }
    this.y = y - 14;
  }

  /**
   * A quote's figures as a finance reader checks them: what recurs each period, what is billed once,
   * what the first invoice bills, and the contract's value over its term.
   */
  drawContractTotals(contract: NonNullable<BillingDocument["contract"]>): void {
    const { doc, fonts } = this;
    const currency = doc.currency;
    const money = (amount: string) => formatMoney(amount, currency);
    const rows: [string, string][] = [
      ...contract.recurring.map((r): [string, string] => [`Recurring, ${r.label.toLowerCase()}`, `${money(r.amount)} ${r.suffix}`]),
      ["One-time", money(contract.oneTime)],
    ];
    const height = 14 + rows.length * 18 + 2 * 30 + 30;
    this.ensure(height);
    const width = 290;
    const x = this.right - width;
    let y = this.y - 14;
    for (const [label, value] of rows) {
      this.text(label, x, y - 9, fonts.regular, 9.5, MUTED);
      this.number(value, this.right, y - 9, fonts.regular, this.fitNumber(value, fonts.regular, 9.5, width - 120), INK, "right");
      y -= 18;
    }
    this.rule(y - 2, x, this.right, INK, 0.9);
    y -= 8;
    for (const [label, value, note] of [
      ["First invoice", money(contract.firstInvoice), contract.firstInvoiceNote],
      ["Total contract value", money(contract.totalContractValue), contract.term],
    ] as const) {
      this.text(label, x, y - 14, fonts.bold, 11, INK);
      this.number(value, this.right, y - 14, fonts.bold, this.fitNumber(value, fonts.bold, 12, width - 130), INK, "right");
      this.text(ellipsize(note, fonts.regular, 8, width), x, y - 26, fonts.regular, 8, MUTED);
      y -= 32;
    }
    this.y = y - 10;
  }

  /** A titled run of paragraphs that may flow over pages. */
  drawTextSection(title: string, text: string[]): void {
    const { fonts } = this;
    const lines = text.flatMap((paragraph) => wrap(paragraph, fonts.regular, 9, this.contentWidth));
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    if (lines.length === 0) return;
    this.ensure(24 + Math.min(3, lines.length) * 12.5);
    this.label(title, MARGIN, this.y - 7);
    this.y -= 20;
    for (const line of lines) {
      if (this.ensure(12.5)) {
        this.label(`${title} (continued)`, MARGIN, this.y - 7);
        this.y -= 20;
      }
      if (line !== "") this.page.drawText(line, { x: MARGIN, y: this.y - 8, font: fonts.regular, size: 9, color: INK });
      this.y -= 12.5;
    }
    this.y -= 14;
  }

  drawAcceptance(acceptance: { name: string; email: string; at: string }): void {
    const { fonts } = this;
    const green = TONES.green;
    const text = `Accepted by ${acceptance.name} <${acceptance.email}> on ${formatDateTime(acceptance.at)}`;
    const lines = wrap(text, fonts.regular, 9.5, this.contentWidth - 30);
    const height = 30 + lines.length * 13;
    this.ensure(height + 10);
    const top = this.y;
    this.page.drawRectangle({ x: MARGIN, y: top - height, width: this.contentWidth, height, color: green.background });
    this.page.drawRectangle({ x: MARGIN, y: top - height, width: 3, height, color: green.text });
    this.label("Accepted", MARGIN + 15, top - 15, "left", green.text);
    let y = top - 29;
    for (const line of lines) {
      this.page.drawText(line, { x: MARGIN + 15, y, font: fonts.regular, size: 9.5, color: INK });
      y -= 13;
    }
    this.y = top - height - 20;
  }
}
