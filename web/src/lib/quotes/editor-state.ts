// The co-editing client's state as pure data: what the server confirmed, the optimistic view, and
// the ops a server event carries applied on top. No Svelte, no I/O (the QuoteEditor in
// ./editor.svelte.ts holds the live state and the socket).
import type { QuoteOp } from "$protocol";
import type { AppliedOp, Discount, LineAmounts, QuoteContent, QuoteLine, QuotePrice, QuoteTotals } from "../../../../worker/domain/quote.ts";
import type { Price, Quote } from "$worker/api/types.ts";

export type FieldName = "title" | "dealType" | "expiryDays" | "notes" | "startDate" | "contractLengthMonths";
export type LineField = "quantity" | "priceId" | "discount" | "description";

export interface Confirmed {
  /** The quote's other facts (status, version, link…) as of the last full quote seen. */
  quote: Quote;
  content: QuoteContent;
  amounts: Record<string, LineAmounts>;
  totals: QuoteTotals;
}

export interface Batch {
  clientOpId: string;
  ops: QuoteOp[];
  /** live.connectionId it was last sent on; null = not sent yet. */
  sentOn: number | null;
  /** The seq its ack named (its event has that seq). */
  ackSeq: number | null;
}

export interface ViewLine extends QuoteLine {
  amounts: LineAmounts | null;
}

export interface View {
  content: QuoteContent;
  lines: ViewLine[];
  totals: QuoteTotals;
}

/** "invalid": a field holds text that cannot be sent; what is typed there is not saved. */
export type SaveState = "saved" | "saving" | "offline" | "invalid";

/** A user-facing rule error from a domain check (e.g. "quantity must be…"), or null. */
export function ruleError(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}


export function sortLines(lines: QuoteLine[]): QuoteLine[] {
  return [...lines].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

export function confirmedFrom(quote: Quote): Confirmed {
  return {
    quote,
    content: {
      title: quote.title,
      currency: quote.currency,
      dealType: quote.dealType,
      expiryDays: quote.expiryDays,
      notes: quote.notes,
      startDate: quote.startDate,
      contractLengthMonths: quote.contractLengthMonths,
      lines: sortLines(
        quote.lines.map((l) => ({
          id: l.id,
          position: l.position,
          priceId: l.priceId,
          quantity: l.quantity,
          discount: l.discount ?? null,
          description: l.description ?? null,
        })),
      ),
    },
    amounts: Object.fromEntries(quote.lines.map((l) => [l.id, l.amounts])),
    totals: quote.totals,
  };
}

/** Apply ops AS APPLIED by the server (its positions, its skips): no rules, no recomputation. */
export function applyApplied(content: QuoteContent, ops: AppliedOp[]): QuoteContent {
  const next: QuoteContent = { ...content, lines: content.lines.map((l) => ({ ...l })) };
  for (const op of ops) {
    if (op.skipped) continue;
    switch (op.op) {
      case "set":
        (next as unknown as Record<string, unknown>)[op.field] = op.value;
        break;
      case "insertLine":
        if (!next.lines.some((l) => l.id === op.line.id) && op.position) {
          next.lines.push({
            id: op.line.id,
            position: op.position,
            priceId: op.line.priceId,
            quantity: op.line.quantity,
            discount: (op.line.discount as Discount | null | undefined) ?? null,
            description: op.line.description ?? null,
          });
        }
        break;
      case "updateLine": {
        const line = next.lines.find((l) => l.id === op.lineId);
        if (line) (line as unknown as Record<string, unknown>)[op.field] = op.value ?? null;
        break;
      }
      case "removeLine":
        next.lines = next.lines.filter((l) => l.id !== op.lineId);
        break;
      case "moveLine": {
        const line = next.lines.find((l) => l.id === op.lineId);
        if (line && op.position) line.position = op.position;
        break;
      }
    }
  }
  next.lines = sortLines(next.lines);
  return next;
}

export interface OpsEventData {
  quoteId: string;
  clientOpId?: string;
  rev: number;
  ops: AppliedOp[];
  lineAmounts?: Record<string, LineAmounts>;
  totals?: QuoteTotals;
  updatedAt?: string;
  /** Where approval stands after the batch (a commercial term resets it; the title keeps it). */
  approvalStatus?: Quote["approvalStatus"];
  approvalRequired?: boolean;
  termsApproved?: boolean;
}

export function toQuotePrice(p: Price, productNames: Map<string, string>): QuotePrice {
  return {
    id: p.id,
    productId: p.productId,
    productName: productNames.get(p.productId),
    name: p.name,
    currency: p.currency,
    billingFrequency: p.billingFrequency,
    billingType: p.billingType,
    pricingType: p.pricingType,
    structure: p.structure as unknown as QuotePrice["structure"],
    archivedAt: p.archivedAt,
  };
}

export function rejectMessage(error: { code: string; message: string }): string {
  switch (error.code) {
    case "quote_not_editable":
      return "Your last change was not saved: the quote is no longer a draft.";
    case "forbidden":
      return "Your role can't edit quotes.";
    default:
      return `Your change was not saved: ${error.message}`;
  }
}
