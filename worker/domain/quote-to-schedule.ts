// Executing an accepted quote (API.md: `POST /quotes/{id}/execute` → billingScheduleId): the billing
// schedule its terms describe. Pure: the caller stores the draft (scheduleDraft) and activates it.
//
// One phase over the contract: from the quote's startDate (or the day it was accepted, when null) for
// contractLengthMonths, the end month-end safe (31 Jan + 1 month = 28/29 Feb; dates.ts). Each quote
// line becomes a phase price with the line's own discount, in the quote's line order, so the schedule
// bills what the quote's totals showed: recurring lines whole periods (a started period billed whole,
// as contract.ts counts the total contract value), one-time lines on the first invoice.
import { addMonthsTo, isValidDate, type IsoDate } from "./dates.ts";
import { DomainError } from "./errors.ts";
import type { QuoteLine, QuoteStatus } from "./quote.ts";
import type { ScheduleInput } from "./schedule.ts";

export interface AcceptedQuote {
  status: QuoteStatus;
  customerId: string;
  currency: string;
  /** The contract's first day, or null: the acceptance date. */
  startDate: IsoDate | null;
  contractLengthMonths: number;
  lines: Pick<QuoteLine, "position" | "priceId" | "quantity" | "discount">[];
}

/**
 * The schedule draft of an ACCEPTED quote. `acceptedOn` is the acceptance's local date in the entity's
 * zone (dates.ts localDate), used when the quote has no startDate.
 * Throws DomainError "quote_not_accepted" (a state conflict) or "quote_has_no_lines".
 */
export function scheduleFromQuote(quote: AcceptedQuote, acceptedOn: IsoDate): ScheduleInput {
  if (quote.status !== "ACCEPTED") throw new DomainError("quote_not_accepted", `Only an ACCEPTED quote can be executed; this one is ${quote.status}`);
  if (quote.lines.length === 0) throw new DomainError("quote_has_no_lines", "The quote has no lines to bill", [{ path: "lines", message: "a schedule needs at least one price" }]);
  const startDate = quote.startDate ?? acceptedOn;
  if (!isValidDate(startDate)) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(startDate)}`);
  if (!Number.isInteger(quote.contractLengthMonths) || quote.contractLengthMonths < 1) throw new RangeError("contractLengthMonths must be a whole number of at least 1");
  const endDate = addMonthsTo(startDate, quote.contractLengthMonths);
  const lines = [...quote.lines].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  return {
    customerId: quote.customerId,
    currency: quote.currency,
    startDate,
    endDate,
    recurrenceDayOfMonth: null, // the start's day: no stub period
    phases: [
      {
        startDate,
        endDate,
        prices: lines.map((line) => ({
          priceId: line.priceId,
          quantity: line.quantity,
          ...(line.discount ? { discount: { type: line.discount.type, value: line.discount.value } } : {}),
        })),
        discounts: [],
        minimum: null,
      },
    ],
  };
}
