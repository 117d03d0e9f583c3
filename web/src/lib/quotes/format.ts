// Display helpers for quotes: labels, totals per billing frequency, presence colours. Money is
// formatted by #lib/money.ts; billing-frequency words come from worker/domain/billing.ts.
import { BILLING_FREQUENCY, FREQUENCY_ORDER, isBillingFrequency, type BillingFrequency } from "$worker/domain/billing.ts";
import type { ApprovalStatus, DealType, QuoteStatus } from "$worker/domain/quote.ts";
import { isZero, money } from "../money.ts";

/** "/ month" after an amount; empty for a line without a (known) frequency. */
export function frequencySuffix(frequency: string | null | undefined): string {
  return isBillingFrequency(frequency) ? BILLING_FREQUENCY[frequency].suffix : "";
}

/** A quote's totals per billing frequency, in display order (FREQUENCY_ORDER). */
export function byFrequencyInOrder<T>(byFrequency: Record<string, T> | null | undefined): [BillingFrequency, T][] {
  const present = byFrequency ?? {};
  return FREQUENCY_ORDER.filter((f) => f in present).map((f) => [f, present[f]]);
}

export const STATUS_LABEL: Record<QuoteStatus, string> = {
  DRAFT: "Draft",
  PUBLISHED: "Published",
  ACCEPTED: "Accepted",
  EXECUTED: "Executed",
};

export const STATUS_BADGE: Record<QuoteStatus, string> = {
  DRAFT: "badge-gray",
  PUBLISHED: "badge-blue",
  ACCEPTED: "badge-green",
  EXECUTED: "badge-green",
};

export const APPROVAL_LABEL: Record<ApprovalStatus, string | null> = {
  NOT_REQUIRED: null,
  PENDING: "Approval pending",
  APPROVED: "Approved",
  REJECTED: "Rejected",
};

export const DEAL_TYPE_LABEL: Record<DealType, string> = {
  NEW_BUSINESS: "New business",
  RENEWAL: "Renewal",
};

/** "10" PERCENTAGE -> "10% off"; NOMINAL -> "$50.00 off". */
export function discountLabel(d: { type: string; value: string } | null, currency: string): string {
  if (!d) return "";
  return d.type === "PERCENTAGE" ? `${d.value}% off` : `${money(d.value, currency)} off`;
}

// Presence colours: stable per user, readable on white.
const PALETTE = ["#db2777", "#7c3aed", "#0891b2", "#ea580c", "#16a34a", "#ca8a04", "#2563eb", "#dc2626"];
export function userColor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/** A short random id (line ids, clientOpIds): 20 base-36 characters from getRandomValues. */
export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let s = "";
  for (const b of bytes) s += (b % 36).toString(36);
  return `${prefix}_${s.slice(0, 20)}`;
}

/**
 * A line's name as the customer reads it. The Worker names a line "Product — price name", and
 * prices were named "Product — one time" by default: "Onboarding — Onboarding — one time" reads
 * as "Onboarding — one time".
 */
export function lineTitle(name: string | null | undefined): string {
  if (!name) return "Item";
  const parts = name.split(" — ");
  const out = parts.filter((p, i) => i === 0 || p.trim().toLowerCase() !== parts[i - 1].trim().toLowerCase());
  // "Onboarding — Onboarding one time": the price name starts with the product's.
  if (out.length === 2 && out[1].toLowerCase().startsWith(`${out[0].toLowerCase()} `)) return out[1];
  return out.join(" — ");
}

/** The recurring amounts in display order: [["MONTHLY", "1250.00"], …]. */
export function recurringInOrder(recurring: Partial<Record<string, string>> | null | undefined): [BillingFrequency, string][] {
  const present = recurring ?? {};
  return FREQUENCY_ORDER.filter((f) => f !== "ONE_TIME" && present[f] !== undefined).map((f) => [f, present[f]!]);
}

/** "12 months", "1 month", "2 years" for 24. */
export function monthsLabel(months: number): string {
  if (months % 12 === 0 && months >= 24) return `${months / 12} years`;
  return `${months} ${months === 1 ? "month" : "months"}`;
}

/**
 * What accepting commits the buyer to, in one line: "$1,250.00 / month for 12 months + $5,000.00
 * one-time". The server's figures only: nothing is added up here.
 */
export function commitmentText(
  totals: { recurring: Partial<Record<string, string>>; oneTime: string },
  currency: string,
  contractLengthMonths: number,
): string {
  const recurring = recurringInOrder(totals.recurring).map(([f, amount]) => `${money(amount, currency)} ${frequencySuffix(f)}`);
  const parts: string[] = [];
  if (recurring.length) parts.push(`${recurring.join(" + ")} for ${monthsLabel(contractLengthMonths)}`);
  if (!isZero(totals.oneTime) || parts.length === 0) parts.push(`${money(totals.oneTime, currency)} one-time`);
  return parts.join(" + ");
}
