// Billing schedules as pure data (DESIGN.md §3, API.md "billing schedules"): the model, its phases
// with their defaults filled in, and what is wrong with one, with paths for the API's 400s.
// No I/O: the caller loads the prices the phases name and stores what is returned.
//
// Phases are sequential, contiguous and non-overlapping: phase 0 starts on the schedule's start, phase
// i+1 where phase i ends, the last ends on the schedule's end (or is open-ended with it). A phase
// boundary must be a period boundary of every recurring frequency billed by the phases on either side,
// so a ramp never cuts a period and nothing is prorated across it (periods.ts).
import { BILLING_FREQUENCIES, isBillingFrequency, type BillingFrequency } from "./billing.ts";
import { isValidDate, type IsoDate } from "./dates.ts";
import { readDecimal } from "./decimal.ts";
import { MAX_PAYMENT_TERM_DAYS } from "./invoice.ts";
import { fitsCurrency, isCurrency, minorUnits } from "./money.ts";
import { isPeriodBoundary, isRecurrenceDay, monthsPerPeriod, periodGrid } from "./periods.ts";
import { compilePrice, PricingError, type PriceStructure } from "./pricing.ts";
import type { QuotePrice } from "./quote.ts";

export const SCHEDULE_STATUSES = ["DRAFT", "PENDING", "ACTIVE", "SUSPENDED", "CANCELLED", "COMPLETED"] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** Most phases one schedule may have, and prices per phase: bounds a billing run's work per schedule. */
export const MAX_PHASES = 24;
export const MAX_PHASE_PRICES = 100;

export interface ScheduleDiscount {
  type: "PERCENTAGE" | "NOMINAL";
  /** PERCENTAGE: 0–100 of each line it applies to; NOMINAL: an amount off each such line per period, never below zero. */
  value: string;
  /** Only these prices (Sequence's restrictToPrices); absent or empty: every price of the phase. */
  priceIds?: string[] | null;
}

/** A minimum per invoice of the phase: a true-up line when its lines (or those of `priceIds`) add up to less. */
export interface ScheduleMinimum {
  amount: string;
  priceIds?: string[] | null;
}

export interface PhasePrice {
  priceId: string;
  quantity: string;
  /** This line's own discount (a quote line's); a price with one is not covered by a phase discount. */
  discount?: { type: "PERCENTAGE" | "NOMINAL"; value: string } | null;
}

/** A phase as the API takes it: dates optional (filled in by resolvePhases). */
export interface PhaseInput {
  startDate?: IsoDate | null;
  endDate?: IsoDate | null;
  prices: PhasePrice[];
  discounts?: ScheduleDiscount[] | null;
  minimum?: ScheduleMinimum | null;
}

export interface SchedulePhase {
  startDate: IsoDate;
  /** Exclusive; null only for the last phase of an open-ended schedule. */
  endDate: IsoDate | null;
  prices: PhasePrice[];
  discounts: ScheduleDiscount[];
  minimum: ScheduleMinimum | null;
}

export interface ScheduleInput {
  customerId: string;
  currency: string;
  startDate: IsoDate;
  /** Exclusive, or null/absent: open-ended. */
  endDate?: IsoDate | null;
  recurrenceDayOfMonth?: number | null;
  /** Payment terms of its invoices in days; null/absent: the merchant's default, applied at finalize. */
  defaultDueDateDays?: number | null;
  phases: PhaseInput[];
}

export interface BillingSchedule {
  id: string;
  customerId: string;
  currency: string;
  status: ScheduleStatus;
  startDate: IsoDate;
  endDate: IsoDate | null;
  recurrenceDayOfMonth: number | null;
  defaultDueDateDays: number | null;
  phases: SchedulePhase[];
}

/** The catalog facts a schedule needs about each price: the same as a quote's. */
export type SchedulePrice = QuotePrice;

export interface ScheduleIssue {
  path: string;
  message: string;
}

/**
 * The phases with their dates filled in: phase 0 starts on the schedule's start, each next phase
 * where the previous ends; a phase without an end ends where the next starts, the last on the
 * schedule's end. Dates given explicitly are kept, so scheduleIssues can say which one is wrong.
 */
export function resolvePhases(input: Pick<ScheduleInput, "startDate" | "endDate" | "phases">): SchedulePhase[] {
  const phases = input.phases;
  const resolved: SchedulePhase[] = [];
  phases.forEach((phase, i) => {
    const startDate = phase.startDate ?? (i === 0 ? input.startDate : resolved[i - 1].endDate) ?? input.startDate;
    resolved.push({
      startDate,
      endDate: phase.endDate ?? null,
      prices: phase.prices.map((p) => ({ priceId: p.priceId, quantity: p.quantity, ...(p.discount ? { discount: { type: p.discount.type, value: p.discount.value } } : {}) })),
      discounts: (phase.discounts ?? []).map((d) => ({ type: d.type, value: d.value, priceIds: d.priceIds && d.priceIds.length > 0 ? [...d.priceIds] : null })),
      minimum: phase.minimum ? { amount: phase.minimum.amount, priceIds: phase.minimum.priceIds && phase.minimum.priceIds.length > 0 ? [...phase.minimum.priceIds] : null } : null,
    });
  });
  // An end left out: the next phase's start, or the schedule's end for the last.
  resolved.forEach((phase, i) => {
    if (phase.endDate === null) phase.endDate = i + 1 < resolved.length ? (phases[i + 1].startDate ?? null) : (input.endDate ?? null);
  });
  return resolved;
}

/** The recurring frequencies a phase bills (those of its known prices). */
function frequenciesOf(phase: SchedulePhase, prices: ReadonlyMap<string, SchedulePrice>): BillingFrequency[] {
  const out = new Set<BillingFrequency>();
  for (const line of phase.prices) {
    const frequency = prices.get(line.priceId)?.billingFrequency;
    if (isBillingFrequency(frequency) && frequency !== "ONE_TIME") out.add(frequency);
  }
  return [...out];
}

function discountIssues(type: unknown, value: unknown, currency: string, at: string): ScheduleIssue[] {
  if (type !== "PERCENTAGE" && type !== "NOMINAL") return [{ path: `${at}.type`, message: "must be PERCENTAGE or NOMINAL" }];
  const read = readDecimal(value, { nonNegative: true, ...(type === "PERCENTAGE" ? { max: "100" } : { maxDecimals: isCurrency(currency) ? minorUnits(currency) : 2 }) });
  return typeof read === "string" ? [{ path: `${at}.value`, message: read }] : [];
}

/** What is wrong with a schedule's payment terms, if anything: whole days from 0 to MAX_PAYMENT_TERM_DAYS, or null. */
export function paymentTermsIssue(days: number | null): string | null {
  if (days === null || (Number.isInteger(days) && days >= 0 && days <= MAX_PAYMENT_TERM_DAYS)) return null;
  return `must be a whole number of days from 0 to ${MAX_PAYMENT_TERM_DAYS}, or null for the merchant's default`;
}

/**
 * Everything wrong with a schedule, each with the field at fault ("phases.1.startDate",
 * "phases.0.prices.2.quantity"); empty when it can be stored. `prices` are the entity's prices the
 * phases name (a missing one is an unknown price).
 */
export function scheduleIssues(input: ScheduleInput, prices: ReadonlyMap<string, SchedulePrice>): ScheduleIssue[] {
  const issues: ScheduleIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const currencyOk = isCurrency(input.currency);
  if (!currencyOk) add("currency", "must be an active ISO 4217 currency code such as \"EUR\"");
  const startOk = isValidDate(input.startDate);
  if (!startOk) add("startDate", "must be a date (YYYY-MM-DD)");
  const endDate = input.endDate ?? null;
  if (endDate !== null && !isValidDate(endDate)) add("endDate", "must be a date (YYYY-MM-DD), or null for an open-ended schedule");
  else if (endDate !== null && startOk && endDate <= input.startDate) add("endDate", "must be after startDate (the end is exclusive)");
  const recurrence = input.recurrenceDayOfMonth ?? null;
  if (recurrence !== null && !isRecurrenceDay(recurrence)) add("recurrenceDayOfMonth", "must be a whole number from 1 to 31");
  const terms = paymentTermsIssue(input.defaultDueDateDays ?? null);
  if (terms) add("defaultDueDateDays", terms);
  if (input.phases.length === 0) add("phases", "a schedule has at least one phase");
  if (input.phases.length > MAX_PHASES) add("phases", `a schedule has at most ${MAX_PHASES} phases`);
  if (issues.length > 0) return issues; // phases are checked against valid dates only

  for (const [i, phase] of input.phases.entries()) {
    for (const key of ["startDate", "endDate"] as const) {
      const value = phase[key];
      if (value !== undefined && value !== null && !isValidDate(value)) add(`phases.${i}.${key}`, "must be a date (YYYY-MM-DD)");
    }
  }
  if (issues.length > 0) return issues;

  const phases = resolvePhases(input);
  const grid = periodGrid(input.startDate, recurrence);
  const last = phases.length - 1;
  phases.forEach((phase, i) => {
    const at = `phases.${i}`;
    // Sequential and contiguous: each phase starts where the one before ends.
    if (i === 0 && phase.startDate !== input.startDate) add(`${at}.startDate`, `must be the schedule's startDate (${input.startDate})`);
    if (i > 0 && phases[i - 1].endDate !== null && phase.startDate !== phases[i - 1].endDate) {
      add(`${at}.startDate`, `must be ${phases[i - 1].endDate}, where phase ${i - 1} ends (phases are contiguous and do not overlap)`);
    }
    if (i < last && phase.endDate === null) add(`${at}.endDate`, "only the last phase may be open-ended: give this phase an endDate");
    if (i === last && phase.endDate !== endDate) {
      add(`${at}.endDate`, endDate === null ? "the last phase of an open-ended schedule has no endDate" : `must be the schedule's endDate (${endDate})`);
    }
    if (phase.endDate !== null && phase.endDate <= phase.startDate) add(`${at}.endDate`, "must be after the phase's startDate (the end is exclusive)");

    // Proration-free ramps: each boundary is a period boundary of every frequency billed on either side of it.
    if (i > 0) {
      const frequencies = new Set([...frequenciesOf(phases[i - 1], prices), ...frequenciesOf(phase, prices)]);
      const misfit = [...frequencies].filter((f) => !isPeriodBoundary(grid, phase.startDate, monthsPerPeriod(f)));
      if (misfit.length > 0) {
        add(`${at}.startDate`, `must fall on a billing period boundary of ${misfit.join(", ").toLowerCase()} prices, so no period is split between phases`);
      }
    }

    if (phase.prices.length === 0) add(`${at}.prices`, "a phase has at least one price");
    if (phase.prices.length > MAX_PHASE_PRICES) add(`${at}.prices`, `a phase has at most ${MAX_PHASE_PRICES} prices`);
    const inPhase = new Set(phase.prices.map((p) => p.priceId));
    const ownDiscount = new Set<string>();
    phase.prices.forEach((line, j) => {
      const lineAt = `${at}.prices.${j}`;
      const price = prices.get(line.priceId);
      if (!price) return add(`${lineAt}.priceId`, `Price ${line.priceId} not found in this entity`);
      if (price.archivedAt) add(`${lineAt}.priceId`, `Price ${line.priceId} is archived`);
      if (currencyOk && price.currency !== input.currency) add(`${lineAt}.priceId`, `Price ${line.priceId} is in ${price.currency}, the schedule in ${input.currency}`);
      if (!(BILLING_FREQUENCIES as readonly string[]).includes(price.billingFrequency)) add(`${lineAt}.priceId`, `Price ${line.priceId} has an unknown billingFrequency`);
      const quantity = readDecimal(line.quantity, { nonNegative: true });
      if (typeof quantity === "string") add(`${lineAt}.quantity`, quantity);
      else if (currencyOk) {
        try {
          compilePrice(price.structure).amount(line.quantity, input.currency); // seats are whole, amounts within range
        } catch (error) {
          if (!(error instanceof PricingError)) throw error;
          add(error.code === "invalid_structure" ? `${lineAt}.priceId` : `${lineAt}.quantity`, error.details[0]?.message ?? error.message);
        }
      }
      if (line.discount) {
        issues.push(...discountIssues(line.discount.type, line.discount.value, input.currency, `${lineAt}.discount`));
        ownDiscount.add(line.priceId);
      }
    });

    // At most one discount per price: a line's own, or one phase discount.
    const covered = new Map<string, number>();
    phase.discounts.forEach((discount, d) => {
      const dAt = `${at}.discounts.${d}`;
      issues.push(...discountIssues(discount.type, discount.value, input.currency, dAt));
      (discount.priceIds ?? []).forEach((id, k) => {
        if (!inPhase.has(id)) add(`${dAt}.priceIds.${k}`, `${id} is not a price of this phase`);
      });
      for (const id of discount.priceIds ?? inPhase) {
        if (!inPhase.has(id)) continue;
        const other = covered.get(id);
        if (other !== undefined) add(`${dAt}.priceIds`, `price ${id} already has discount ${other} of this phase (one discount per price)`);
        else if (ownDiscount.has(id)) add(`${dAt}.priceIds`, `price ${id} already has its own discount on the line`);
        else covered.set(id, d);
      }
    });

    if (phase.minimum) {
      const read = readDecimal(phase.minimum.amount, { positive: true });
      if (typeof read === "string") add(`${at}.minimum.amount`, read);
      else if (currencyOk && !fitsCurrency(phase.minimum.amount, input.currency)) add(`${at}.minimum.amount`, `a ${input.currency} amount has at most ${minorUnits(input.currency)} decimals`);
      (phase.minimum.priceIds ?? []).forEach((id, k) => {
        if (!inPhase.has(id)) add(`${at}.minimum.priceIds.${k}`, `${id} is not a price of this phase`);
      });
      const recurring = phase.prices.some((p) => {
        const frequency = prices.get(p.priceId)?.billingFrequency;
        return frequency !== undefined && frequency !== "ONE_TIME" && (!phase.minimum?.priceIds || phase.minimum.priceIds.includes(p.priceId));
      });
      if (!recurring) add(`${at}.minimum`, "a minimum applies per billing period: it needs at least one recurring price to apply to");
    }
  });
  return issues;
}

/** The schedule to store, from input without issues (check scheduleIssues first): status DRAFT. */
export function scheduleDraft(id: string, input: ScheduleInput): BillingSchedule {
  return {
    id,
    customerId: input.customerId,
    currency: input.currency,
    status: "DRAFT",
    startDate: input.startDate,
    endDate: input.endDate ?? null,
    recurrenceDayOfMonth: input.recurrenceDayOfMonth ?? null,
    defaultDueDateDays: input.defaultDueDateDays ?? null,
    phases: resolvePhases(input),
  };
}
