// The line table's runs and cells: what a cell holds, measured heights, and splitting a row that does
// not fit across two pages.
import { isZeroMoney, roundMoney } from "../domain/money.ts";
import type { Color, PDFFont } from "pdf-lib";
import type { BillingDocument } from "./document.ts";
import { formatAmount } from "./format.ts";

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

export interface TextRun {
  text: string; // clean
  font: PDFFont;
  size: number;
  color: Color;
  /** A negative number: a minus sign (U+2212, in the Symbol font) is drawn before `text`. */
  minus?: boolean;
}

/** The minus sign U+2212. Helvetica's WinAnsi has no glyph for it; the Symbol font has (code 0x2D, glyph "minus"). */
export const MINUS = "\u2212";

export interface Column {
  label: string;
  width: number;
  align: "left" | "right";
  cells: (line: BillingDocument["lines"][number]) => TextRun[];
}

export const CELL_PADDING = 5;
export const ROW_PADDING = 7;

export function lineHeight(size: number): number {
  return size * 1.38;
}

/** A discount as the reduction it is ("-120.00"), whichever sign it was given with; null when absent or zero. */
export function discountAmount(discount: string | null | undefined, currency: string): string | null {
  if (discount == null || discount === "") return null;
  const rounded = roundMoney(discount, currency);
  if (isZeroMoney(rounded)) return null;
  return formatAmount(rounded.startsWith("-") ? rounded : `-${rounded}`, currency);
}

export function cellHeight(runs: TextRun[]): number {
  return runs.reduce((sum, run) => sum + lineHeight(run.size), 0);
}

export function rowHeight(cells: TextRun[][]): number {
  return Math.max(lineHeight(9), ...cells.map(cellHeight)) + 2 * ROW_PADDING;
}

/** Cells split so the first part fits `height` (of text): each column keeps the lines that fit. */
export function splitCells(cells: TextRun[][], height: number): [TextRun[][], TextRun[][]] {
  const now: TextRun[][] = [];
  const later: TextRun[][] = [];
  for (const runs of cells) {
    let used = 0;
    let count = 0;
    while (count < runs.length && used + lineHeight(runs[count].size) <= height) used += lineHeight(runs[count++].size);
    now.push(runs.slice(0, count));
    later.push(runs.slice(count));
  }
  return [now, later];
}
