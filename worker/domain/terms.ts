// What an approval covers (DESIGN.md §3, API.md "Quote terms, approvals and tasks"): the commercial
// terms — lines (price, quantity, discount), currency, deal type, start date, contract length. Title,
// notes, expiry and line descriptions are not terms. Pure.
import { readDecimal } from "./decimal.ts";
import type { ApprovalStatus, Discount, QuoteContent } from "./quote.ts";

export type Terms = Pick<QuoteContent, "currency" | "dealType" | "startDate" | "contractLengthMonths"> & {
  lines: readonly { priceId: string; quantity: string; discount: Discount | null }[];
};

/** A decimal in one spelling ("10", "10.0" and "10.000" are one number); anything else as it is. */
function canonicalDecimal(value: string): string {
  const read = readDecimal(value, { unbounded: true });
  return typeof read === "string" ? value : read.toFixed();
}

/**
 * The canonical form of the terms: equal exactly when the terms are commercially the same. Lines are
 * a multiset — their ids, order and descriptions do not matter, a line removed and added again does
 * not either. It is the full canonical text, not a hash: two different terms can never collide.
 */
export function termsFingerprint(terms: Terms): string {
  const lines = terms.lines
    .map((l) => [l.priceId, canonicalDecimal(l.quantity), l.discount ? [l.discount.type, canonicalDecimal(l.discount.value)] : null] as const)
    .map((l) => JSON.stringify(l))
    .sort();
  return JSON.stringify({
    currency: terms.currency,
    dealType: terms.dealType,
    startDate: terms.startDate,
    contractLengthMonths: terms.contractLengthMonths,
    lines,
  });
}

export interface ApprovalState {
  approvalStatus: ApprovalStatus;
  /** The fingerprint of the terms last approved, or null. */
  approvedTerms: string | null;
}

/**
 * The approval after `before` became `after` (an edit): a change of no term keeps it; terms that are
 * back to the approved ones are APPROVED again; any other change of a term needs approval again.
 */
export function approvalAfterEdit(before: Terms & ApprovalState, after: Terms): ApprovalStatus {
  const terms = termsFingerprint(after);
  if (terms === termsFingerprint(before)) return before.approvalStatus;
  if (before.approvedTerms !== null && terms === before.approvedTerms) return "APPROVED";
  return "NOT_REQUIRED";
}

/** Whether the current terms are the approved ones. */
export const termsApproved = (quote: Terms & ApprovalState) => quote.approvedTerms !== null && termsFingerprint(quote) === quote.approvedTerms;
