// Display helpers for quotes: exact money (decimal strings, never floats), labels, presence colours.
import type { ApprovalStatus, QuoteStatus } from "./types.ts";

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(currency: string): Intl.NumberFormat | null {
  let f = formatters.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat("en-US", { style: "currency", currency });
    } catch {
      return null;
    }
    formatters.set(currency, f);
  }
  return f;
}

/**
 * "1250.00" USD -> "$1,250.00". Intl formats decimal strings exactly (no float on the way); the
 * amounts are already rounded to the currency's minor units by the server / domain code.
 */
export function money(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || amount === "") return "";
  const f = formatter(currency);
  if (!f) return `${amount} ${currency}`;
  try {
    return f.format(amount as unknown as number);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function isZero(amount: string | null | undefined): boolean {
  return !amount || /^-?0*(\.0*)?$/.test(amount);
}

export const FREQUENCY_LABEL: Record<string, string> = {
  ONE_TIME: "One-time",
  MONTHLY: "Monthly",
  QUARTERLY: "Quarterly",
  HALF_YEARLY: "Half-yearly",
  YEARLY: "Yearly",
};

/** "/ month" etc., after an amount. */
export const FREQUENCY_SUFFIX: Record<string, string> = {
  ONE_TIME: "one-time",
  MONTHLY: "/ month",
  QUARTERLY: "/ quarter",
  HALF_YEARLY: "/ 6 months",
  YEARLY: "/ year",
};

export const FREQUENCY_ORDER = ["MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY", "ONE_TIME"];

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

export const DEAL_TYPE_LABEL: Record<string, string> = {
  NEW_BUSINESS: "New business",
  RENEWAL: "Renewal",
};

export const PRICING_TYPE_LABEL: Record<string, string> = {
  FIXED: "Fixed",
  ONE_TIME: "One-time",
  LINEAR: "Per unit",
  VOLUME: "Volume",
  GRADUATED: "Graduated",
  PACKAGE: "Package",
  SEAT_BASED: "Per seat",
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
