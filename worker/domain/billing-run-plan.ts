// How a billing run is cut up and checked (API.md "billing runs"). Pure, no I/O.
// - The entity's billable schedules are cut into chunks of CHUNK_SCHEDULES by id (keyset): one queue
//   message each, so no invocation carries more than a bounded amount of work.
// - A chunk writes at most ROW_BUDGET rows per message: a schedule with a long backlog (years of
//   unbilled periods) continues in a follow-up message for the same chunk.
// - The cron starts each entity's run for the entity's local date.
// - A dry run's warnings: what a person should look at before the invoices are made.
import { localDate, type IsoDate } from "./dates.ts";
import type { DueInvoice } from "./billing-run.ts";
import { compareMoney } from "./money.ts";
import type { TaxStatus } from "./tax-rules.ts";

export const BILLING_RUN_STATUSES = ["RUNNING", "COMPLETED", "FAILED"] as const;
export type BillingRunStatus = (typeof BILLING_RUN_STATUSES)[number];
export const BILLING_RUN_TRIGGERS = ["MANUAL", "CRON"] as const;
export type BillingRunTrigger = (typeof BILLING_RUN_TRIGGERS)[number];

/** Schedules per chunk (one queue message). */
export const CHUNK_SCHEDULES = 200;
/**
 * Rows one message may write: bounds its CPU time, memory and batch sizes whatever a schedule's
 * backlog. Statements stay far below D1's 1,000 queries per invocation: a batch of INVOICES_PER_BATCH
 * invoices is four statements (invoices, lines, events, audit rows, each over a JSON array). A run's
 * line is under ~1 KB of JSON (names and notes), so a batch's largest bound value stays near 1 MB at
 * most, inside D1's 2 MB; 200 rather than 100 schedules a chunk halves the per-chunk round trips
 * (docs/decisions.md "Chunks of 200").
 */
export const ROW_BUDGET = 1200;
/** Invoices per D1 batch inside a chunk: each invoice with its lines, event and audit row is atomic anyway. */
export const INVOICES_PER_BATCH = 200;

export interface Chunk {
  index: number;
  /** The chunk's first schedule id (inclusive). */
  fromId: string;
  /** The next chunk's first id (exclusive), or null for the last chunk. */
  beforeId: string | null;
}

/**
 * The chunks of a run from the first schedule id of each chunk, in id order (every CHUNK_SCHEDULES-th
 * id of the sorted billable schedules). No schedules: no chunks.
 */
export function chunksOf(boundaries: readonly string[]): Chunk[] {
  const sorted = [...boundaries].sort();
  return sorted.map((fromId, index) => ({ index, fromId, beforeId: sorted[index + 1] ?? null }));
}

/** Rows one due invoice writes: the invoice, its lines, its event and its audit row. */
export const rowsOf = (lineCount: number) => 1 + lineCount + 2;

/**
 * The day a cron run bills: the entity's local date at the cron's instant. The hourly trigger starts it
 * at the first tick after local midnight, and the unique cron day makes later ticks of that day no-ops.
 */
export function cronRunDate(at: Date | string, timeZone: string): IsoDate {
  return localDate(at, timeZone);
}

export type RunWarningCode = "price_differs_from_quote" | "reverse_charge_without_tax_id" | "zero_total" | "no_tax_rate";

export interface RunWarning {
  code: RunWarningCode;
  message: string;
  billingScheduleId: string;
  customerId: string;
  billingDate: IsoDate;
  priceId?: string;
}

/** What the quote a schedule was executed from agreed for each price: its quantity and its amount per period after discount. */
export type QuotedPrices = ReadonlyMap<string, { quantity: string; total: string }>;

export interface WarningFacts {
  customerId: string;
  currency: string;
  taxStatus: TaxStatus;
  taxId: string | null;
  /** The approved quote's prices, when the schedule was executed from a quote. */
  quoted: QuotedPrices | null;
  /** Lines whose tax the entity's rates could not determine (a taxed customer, no rate fits). */
  untaxedLines: number;
}

/** The warnings of one invoice a run would create. */
export function invoiceWarnings(due: DueInvoice, facts: WarningFacts): RunWarning[] {
  const at = { billingScheduleId: due.scheduleId, customerId: facts.customerId, billingDate: due.billingDate };
  const out: RunWarning[] = [];
  if (facts.quoted) {
    for (const line of due.lines) {
      if (line.kind !== "PRICE" || line.priceId === null || line.proration !== null) continue;
      const quoted = facts.quoted.get(line.priceId);
      if (!quoted) {
        out.push({ ...at, code: "price_differs_from_quote", priceId: line.priceId, message: `${line.title} is billed but not on the approved quote` });
      } else if (quoted.quantity !== line.quantity || compareMoney(quoted.total, line.amount) !== 0) {
        out.push({
          ...at,
          code: "price_differs_from_quote",
          priceId: line.priceId,
          message: `${line.title}: ${line.quantity} for ${line.amount} ${facts.currency}; the approved quote has ${quoted.quantity} for ${quoted.total} ${facts.currency}`,
        });
      }
    }
  }
  if (facts.taxStatus === "REVERSE_CHARGED" && !facts.taxId?.trim()) {
    out.push({ ...at, code: "reverse_charge_without_tax_id", message: "The customer is reverse charged but has no tax id: the invoice cannot show the buyer's VAT number" });
  }
  if (compareMoney(due.total, "0") === 0) out.push({ ...at, code: "zero_total", message: "The invoice's total is zero" });
  if (facts.untaxedLines > 0) out.push({ ...at, code: "no_tax_rate", message: `No tax rate of the entity fits ${facts.untaxedLines} line(s): they carry no tax` });
  return out;
}
