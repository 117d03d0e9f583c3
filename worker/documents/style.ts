// The look of a billing document: paper sizes, margins, the palette, status tones and the brand colour.
import { rgb, type Color } from "pdf-lib";
import type { BillingDocument } from "./document.ts";

/** Paper sizes in points: A4 in most of the world, US Letter in the US (and the few that use it). */
export const PAPER: Readonly<Record<"A4" | "LETTER", { width: number; height: number }>> = {
  A4: { width: 595.28, height: 841.89 },
  LETTER: { width: 612, height: 792 },
};
export const MARGIN = 48;
export const BAND_HEIGHT = 92;
export const SLIM_BAND_HEIGHT = 30;
export const FOOTER_BASELINE = 28;
// Labels are upper case without letter-spacing: a character spacing (Tc) makes text extractors and
// screen readers split a heading into letters ("P R E P A R E D  F O R").
export const LABEL_TRACKING = 0;

export const INK = rgb(0.106, 0.125, 0.169); // #1B2030
export const MUTED = rgb(0.42, 0.455, 0.525); // #6B7486
export const FAINT = rgb(0.6, 0.63, 0.68);
export const HAIRLINE = rgb(0.878, 0.894, 0.918);
export const TABLE_HEAD = rgb(0.965, 0.969, 0.976);
export const WHITE = rgb(1, 1, 1);
export const DEFAULT_BRAND = "#1B2A4A"; // dark navy

export interface Tone {
  background: Color;
  text: Color;
}

export const TONES: Readonly<Record<string, Tone>> = {
  green: { background: rgb(0.871, 0.961, 0.898), text: rgb(0.082, 0.435, 0.216) },
  blue: { background: rgb(0.878, 0.918, 0.992), text: rgb(0.118, 0.306, 0.714) },
  red: { background: rgb(0.992, 0.894, 0.894), text: rgb(0.667, 0.133, 0.133) },
  gray: { background: rgb(0.925, 0.933, 0.945), text: rgb(0.333, 0.365, 0.427) },
};

export function statusTone(status: string): Tone {
  const upper = status.toUpperCase();
  if (["ACCEPTED", "EXECUTED", "PAID", "ACTIVE", "COMPLETED", "APPROVED"].includes(upper)) return TONES.green;
  if (["PUBLISHED", "FINAL", "SENT", "PENDING", "PARTIALLY_PAID"].includes(upper)) return TONES.blue;
  if (["VOIDED", "VOID", "REJECTED", "CANCELLED", "EXPIRED", "UNCOLLECTIBLE"].includes(upper)) return TONES.red;
  return TONES.gray;
}

/** "#RRGGBB" as a colour; anything else gives the default navy. */
export function brandColor(value: string | null | undefined): { color: Color; light: boolean } {
  const hex = typeof value === "string" && /^#[0-9a-fA-F]{6}$/.test(value) ? value : DEFAULT_BRAND;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  // Relative luminance (sRGB, WCAG): above ~0.5 white text would be hard to read.
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  return { color: rgb(r, g, b), light: luminance > 0.5 };
}

export const KIND_LABELS: Readonly<Record<BillingDocument["kind"], string>> = { quote: "Quote", invoice: "Invoice", credit_note: "Credit note" };
