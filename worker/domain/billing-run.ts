// What a billing schedule owes by a day (API.md "Billing runs, invoices, credit notes"), and the
// schedule's lifecycle. Pure, no I/O: the worker loads the schedule and its prices, asks what is due,
// skips the keys it already invoiced (a UNIQUE index on the key), and writes one invoice per item.
//
// When a line is billed (Sequence's billing types):
// - IN_ADVANCE: on its period's start; IN_ARREARS: on its period's end (the day after the last day
//   served, the end being exclusive); the last period, cut at the schedule's end, bills on that end.
// - ONE_TIME prices: once, on the first invoice of their phase (the schedule's first for phase 0),
//   whatever their billing type.
// Everything a schedule bills on one day is ONE invoice (as Sequence combines prices whose invoice
// dates coincide): its key is `<scheduleId>:<billingDate>`, so a retried or repeated run, or a run for
// a later day, finds the same keys for the same invoices and never makes one twice.
import { BILLING_FREQUENCY, isBillingFrequency, type BillingFrequency } from "./billing.ts";
import { addDaysToDate, addMonthsTo, isValidDate, type IsoDate } from "./dates.ts";
import { Decimal, ONE_HUNDRED } from "./decimal.ts";
import { DomainError } from "./errors.ts";
import { lineDetail, unitPriceOf } from "./line-label.ts";
import { compareMoney, multiplyMoney, roundMoney, subtractMoney, sumMoney } from "./money.ts";
import { periodGrid, periodsOf, type BillingPeriod, type Period } from "./periods.ts";
import { compilePrice, type CompiledPrice, type PriceStructure } from "./pricing.ts";
import type { BillingSchedule, ScheduleDiscount, ScheduleStatus, SchedulePhase, SchedulePrice } from "./schedule.ts";

export interface AppliedDiscount {
  type: "PERCENTAGE" | "NOMINAL";
  value: string;
  /** What it takes off this line, in the currency's minor units. */
  amount: string;
}

export interface DueLine {
  kind: "PRICE" | "MINIMUM";
  phaseIndex: number;
  /** The schedule price billed; null for a minimum true-up. */
  priceId: string | null;
  productId: string | null;
  /** "Platform — Monthly seats"; "Minimum commitment". */
  title: string;
  /** "Per seat · billed monthly in advance"; proration and the minimum's figures. */
  description: string;
  /** The schedule's quantity of the price (1 for a true-up). */
  quantity: string;
  /** The price per unit when quantity × rate is exactly the subtotal; null for tiered, prorated or minimum-seat amounts. */
  rate: string | null;
  /** The period's amount before discount (prorated for the stub), rounded once. */
  subtotal: string;
  discount: AppliedDiscount | null;
  /** subtotal − discount. */
  amount: string;
  /** What the line pays for; null for one-time charges. */
  servicePeriod: Period | null;
  proration: { days: number; fullDays: number } | null;
}

export interface DueInvoice {
  /** `<scheduleId>:<billingDate>`: unique per schedule and billing day, the same in every run. */
  key: string;
  scheduleId: string;
  billingDate: IsoDate;
  /** From the earliest to the latest service day of its lines (the billing day alone for one-time charges only). */
  billingPeriod: Period;
  lines: DueLine[];
  /** The sum of the lines' amounts, true-ups included (before tax). */
  total: string;
}

/** One line as POST /invoices takes it (API.md): a price line, its discount as a line of its own, a true-up. */
export interface InvoiceLineDraft {
  title: string;
  description: string | null;
  quantity: string;
  rate: string;
  amount: string;
  priceId: string | null;
  productId: string | null;
  servicePeriod: Period | null;
}

export const idempotencyKey = (scheduleId: string, billingDate: IsoDate) => `${scheduleId}:${billingDate}`;

const BILLING: ReadonlySet<ScheduleStatus> = new Set(["PENDING", "ACTIVE", "CANCELLED"]);

const compiled = new WeakMap<PriceStructure, CompiledPrice>();
function compiledOf(structure: PriceStructure): CompiledPrice {
  let price = compiled.get(structure);
  if (!price) compiled.set(structure, (price = compilePrice(structure)));
  return price;
}

/** A phase as billed: cut at the schedule's end (a cancellation moves it), or nothing if it starts after. */
function effectivePhases(schedule: BillingSchedule): { phase: SchedulePhase; index: number; end: IsoDate | null }[] {
  const end = schedule.endDate;
  return schedule.phases
    .map((phase, index) => ({ phase, index, end: end !== null && (phase.endDate === null || phase.endDate > end) ? end : phase.endDate }))
    .filter(({ phase, end: phaseEnd }) => phaseEnd === null || phase.startDate < phaseEnd);
}

interface Charge {
  phaseIndex: number;
  lineIndex: number;
  billingDate: IsoDate;
  period: BillingPeriod | null;
}

/**
 * Every charge of the schedule billed on or before `until`, in phase and line order. `from` skips
 * those billed before it (an optimisation: keys make the result safe to repeat anyway).
 */
function charges(schedule: BillingSchedule, prices: ReadonlyMap<string, SchedulePrice>, until: IsoDate, from?: IsoDate): Charge[] {
  const grid = periodGrid(schedule.startDate, schedule.recurrenceDayOfMonth);
  const out: Charge[] = [];
  for (const { phase, index, end } of effectivePhases(schedule)) {
    phase.prices.forEach((line, lineIndex) => {
      const price = priceOf(prices, line.priceId);
      const frequency = frequencyOf(price);
      const keep = (billingDate: IsoDate) => billingDate <= until && (from === undefined || billingDate >= from);
      if (frequency === "ONE_TIME") {
        if (keep(phase.startDate)) out.push({ phaseIndex: index, lineIndex, billingDate: phase.startDate, period: null });
        return;
      }
      const arrears = price.billingType === "IN_ARREARS";
      for (const period of periodsOf(grid, BILLING_FREQUENCY[frequency].months, { from: phase.startDate, to: end, until })) {
        const billingDate = arrears ? period.end : period.start;
        if (keep(billingDate)) out.push({ phaseIndex: index, lineIndex, billingDate, period });
      }
    });
  }
  return out;
}

function priceOf(prices: ReadonlyMap<string, SchedulePrice>, id: string): SchedulePrice {
  const price = prices.get(id);
  if (!price) throw new DomainError("unknown_price", `Price ${id} not found`, [{ path: "prices", message: `${id} is not loaded` }]);
  return price;
}

function frequencyOf(price: SchedulePrice): BillingFrequency {
  if (!isBillingFrequency(price.billingFrequency)) throw new DomainError("invalid_price", `Price ${price.id} has an unknown billingFrequency`);
  return price.billingFrequency;
}

function discountFor(phase: SchedulePhase, lineIndex: number): ScheduleDiscount | null {
  const line = phase.prices[lineIndex];
  if (line.discount) return { ...line.discount, priceIds: null };
  return phase.discounts.find((d) => !d.priceIds || d.priceIds.includes(line.priceId)) ?? null;
}

function titleOf(price: SchedulePrice): string {
  const product = price.productName?.trim();
  return product && product !== price.name ? `${product} — ${price.name}` : price.name;
}

function priceLine(schedule: BillingSchedule, prices: ReadonlyMap<string, SchedulePrice>, charge: Charge): DueLine {
  const currency = schedule.currency;
  const phase = schedule.phases[charge.phaseIndex];
  const line = phase.prices[charge.lineIndex];
  const price = priceOf(prices, line.priceId);
  const proration = charge.period?.proration ?? null;
  const engine = compiledOf(price.structure);
  // The full period's price, then the stub's share of it, rounded once.
  const subtotal = proration
    ? roundMoney(engine.exact(new Decimal(line.quantity)).times(String(proration.days)).div(String(proration.fullDays)), currency)
    : engine.amount(line.quantity, currency);
  let discount: AppliedDiscount | null = null;
  const terms = discountFor(phase, charge.lineIndex);
  if (terms) {
    let off =
      terms.type === "PERCENTAGE"
        ? roundMoney(new Decimal(subtotal).times(terms.value).div(ONE_HUNDRED), currency)
        : roundMoney(proration ? new Decimal(terms.value).times(String(proration.days)).div(String(proration.fullDays)) : terms.value, currency);
    if (compareMoney(off, subtotal) > 0) off = subtotal; // a line never goes below zero
    discount = { type: terms.type, value: terms.value, amount: off };
  }
  const unit = unitPriceOf(price.structure);
  const rate = unit && !proration && multiplyMoney(unit.unitPrice, line.quantity, currency) === subtotal ? unit.unitPrice : null;
  const notes = [lineDetail(price.structure, price.billingFrequency, price.billingType)];
  if (rate === null) notes.push(`Quantity ${line.quantity}`);
  if (proration) notes.push(`Prorated: ${proration.days} of ${proration.fullDays} days`);
  if (charge.period?.cut) notes.push(`Final period, ends ${charge.period.end}`);
  return {
    kind: "PRICE",
    phaseIndex: charge.phaseIndex,
    priceId: price.id,
    productId: price.productId,
    title: titleOf(price),
    description: notes.join(" · "),
    quantity: line.quantity,
    rate,
    subtotal,
    discount,
    amount: discount ? subtractMoney(subtotal, discount.amount, currency) : subtotal,
    servicePeriod: charge.period ? { start: charge.period.start, end: charge.period.end } : null,
    proration,
  };
}

/** The phase's true-up on one invoice: the minimum less what its (restricted) recurring lines bill, when that is positive. */
function minimumLine(schedule: BillingSchedule, phaseIndex: number, lines: DueLine[]): DueLine | null {
  const minimum = schedule.phases[phaseIndex].minimum;
  if (!minimum) return null;
  const counted = lines.filter((l) => l.servicePeriod !== null && (!minimum.priceIds || minimum.priceIds.includes(l.priceId ?? "")));
  // The stub is a fraction of a period: no true-up on it (documented in docs/decisions.md).
  if (counted.length === 0 || counted.some((l) => l.proration !== null)) return null;
  const billed = sumMoney(counted.map((l) => l.amount), schedule.currency);
  const minimumAmount = roundMoney(minimum.amount, schedule.currency);
  if (compareMoney(billed, minimumAmount) >= 0) return null;
  const shortfall = subtractMoney(minimumAmount, billed, schedule.currency);
  const starts = counted.map((l) => (l.servicePeriod as Period).start).sort();
  const ends = counted.map((l) => (l.servicePeriod as Period).end).sort();
  return {
    kind: "MINIMUM",
    phaseIndex,
    priceId: null,
    productId: null,
    title: "Minimum commitment",
    description: `Minimum ${minimumAmount} ${schedule.currency} per billing period; ${billed} billed`,
    quantity: "1",
    rate: shortfall,
    subtotal: shortfall,
    discount: null,
    amount: shortfall,
    servicePeriod: { start: starts[0], end: ends[ends.length - 1] },
    proration: null,
  };
}

export interface DueOptions {
  /** Skip billing days before this one (the worker's last invoiced day + 1); keys make it safe either way. */
  from?: IsoDate;
}

/**
 * The invoices the schedule owes by `asOf` (billing days on or before it), oldest first, each with
 * its lines: price lines in phase and line order, then each phase's minimum true-up. Nothing for a
 * DRAFT, SUSPENDED or COMPLETED schedule. The worker creates those whose key it has not invoiced yet.
 */
export function dueInvoices(schedule: BillingSchedule, prices: ReadonlyMap<string, SchedulePrice>, asOf: IsoDate, options: DueOptions = {}): DueInvoice[] {
  if (!isValidDate(asOf)) throw new DomainError("invalid_request", "asOf must be a date (YYYY-MM-DD)", [{ path: "asOf", message: "must be a date (YYYY-MM-DD)" }]);
  if (!BILLING.has(schedule.status)) return [];
  const byDate = new Map<IsoDate, Charge[]>();
  for (const charge of charges(schedule, prices, asOf, options.from)) {
    const group = byDate.get(charge.billingDate);
    if (group) group.push(charge);
    else byDate.set(charge.billingDate, [charge]);
  }
  return [...byDate.keys()].sort().map((billingDate) => {
    const lines: DueLine[] = [];
    const group = byDate.get(billingDate) as Charge[];
    for (const phaseIndex of [...new Set(group.map((c) => c.phaseIndex))].sort((a, b) => a - b)) {
      const phaseLines = group.filter((c) => c.phaseIndex === phaseIndex).map((c) => priceLine(schedule, prices, c));
      lines.push(...phaseLines);
      const trueUp = minimumLine(schedule, phaseIndex, phaseLines);
      if (trueUp) lines.push(trueUp);
    }
    const served = lines.filter((l) => l.servicePeriod !== null).map((l) => l.servicePeriod as Period);
    const billingPeriod =
      served.length === 0
        ? { start: billingDate, end: billingDate }
        : { start: served.map((p) => p.start).sort()[0], end: served.map((p) => p.end).sort()[served.length - 1] };
    return {
      key: idempotencyKey(schedule.id, billingDate),
      scheduleId: schedule.id,
      billingDate,
      billingPeriod,
      lines,
      total: sumMoney(lines.map((l) => l.amount), schedule.currency),
    };
  });
}

/**
 * The invoice's lines as POST /invoices takes them. A line without a unit rate bills quantity 1 at its
 * subtotal (the quantity is in its description); a discount is a line of its own with a negative rate
 * and the same priceId, so the tax rules give it the discounted line's tax rate.
 */
export function invoiceLines(due: DueInvoice): InvoiceLineDraft[] {
  const out: InvoiceLineDraft[] = [];
  for (const line of due.lines) {
    out.push({
      title: line.title,
      description: line.description,
      quantity: line.rate === null ? "1" : line.quantity,
      rate: line.rate ?? line.subtotal,
      amount: line.subtotal,
      priceId: line.priceId,
      productId: line.productId,
      servicePeriod: line.servicePeriod,
    });
    if (line.discount && compareMoney(line.discount.amount, "0") > 0) {
      const amount = `-${line.discount.amount}`;
      out.push({
        title: `Discount — ${line.title}`,
        description: line.discount.type === "PERCENTAGE" ? `${line.discount.value}% off` : `${line.discount.value} off`,
        quantity: "1",
        rate: amount,
        amount,
        priceId: line.priceId,
        productId: line.productId,
        servicePeriod: line.servicePeriod,
      });
    }
  }
  return out;
}

// ---- lifecycle ----

/** DRAFT → ACTIVE, or PENDING when it starts after `today` (the entity's local date). */
export function activate(schedule: Pick<BillingSchedule, "status" | "startDate">, today: IsoDate): "ACTIVE" | "PENDING" {
  if (schedule.status !== "DRAFT") throw new DomainError("schedule_not_draft", `Only a DRAFT schedule can be activated; this one is ${schedule.status}`);
  return schedule.startDate > today ? "PENDING" : "ACTIVE";
}

/** The status on `today`: a PENDING schedule whose start has come is ACTIVE; every other status stays. */
export function statusOn(schedule: Pick<BillingSchedule, "status" | "startDate">, today: IsoDate): ScheduleStatus {
  return schedule.status === "PENDING" && schedule.startDate <= today ? "ACTIVE" : schedule.status;
}

/** ACTIVE or PENDING → SUSPENDED: no invoices while suspended. */
export function suspend(schedule: Pick<BillingSchedule, "status">): "SUSPENDED" {
  if (schedule.status !== "ACTIVE" && schedule.status !== "PENDING") throw new DomainError("schedule_not_active", `Only an ACTIVE or PENDING schedule can be suspended; this one is ${schedule.status}`);
  return "SUSPENDED";
}

/**
 * SUSPENDED → ACTIVE (PENDING before its start). Suspension holds invoices, it does not forgive them:
 * the next run bills the days that passed while suspended (a credit note gives back what is not owed).
 */
export function resume(schedule: Pick<BillingSchedule, "status" | "startDate">, today: IsoDate): "ACTIVE" | "PENDING" {
  if (schedule.status !== "SUSPENDED") throw new DomainError("schedule_not_suspended", `Only a SUSPENDED schedule can be resumed; this one is ${schedule.status}`);
  return schedule.startDate > today ? "PENDING" : "ACTIVE";
}

/**
 * PENDING, ACTIVE or SUSPENDED → CANCELLED, ending on `endDate` (exclusive): from today at the
 * earliest (invoices already issued are corrected with credit notes), not after the current end. The
 * schedule keeps billing until then; a period the end cuts is billed whole, like the last one.
 */
export function cancel(schedule: Pick<BillingSchedule, "status" | "startDate" | "endDate">, endDate: IsoDate, today: IsoDate): { status: "CANCELLED"; endDate: IsoDate } {
  if (!["PENDING", "ACTIVE", "SUSPENDED"].includes(schedule.status)) {
    throw new DomainError("schedule_not_cancellable", `A ${schedule.status} schedule cannot be cancelled`);
  }
  const refuse = (message: string) => new DomainError("invalid_request", message, [{ path: "endDate", message }]);
  if (!isValidDate(endDate)) throw refuse("must be a date (YYYY-MM-DD)");
  const earliest = schedule.startDate > today ? schedule.startDate : today;
  if (endDate < earliest) throw refuse(`must be on or after ${earliest}`);
  if (schedule.endDate !== null && endDate > schedule.endDate) throw refuse(`must be on or before the schedule's end (${schedule.endDate})`);
  return { status: "CANCELLED", endDate };
}

/** The last billing day of a schedule with an end, or null when it is open-ended (or bills nothing). */
export function lastBillingDate(schedule: BillingSchedule, prices: ReadonlyMap<string, SchedulePrice>): IsoDate | null {
  if (schedule.endDate === null) return null;
  const all = charges(schedule, prices, schedule.endDate);
  return all.reduce<IsoDate | null>((last, c) => (last === null || c.billingDate > last ? c.billingDate : last), null);
}

/**
 * The status once a run for `asOf` has invoiced everything due: an ACTIVE schedule whose last billing
 * day is on or before asOf is COMPLETED. CANCELLED stays CANCELLED (it says why it ended).
 */
export function statusAfterRun(schedule: BillingSchedule, prices: ReadonlyMap<string, SchedulePrice>, asOf: IsoDate): ScheduleStatus {
  const status = statusOn(schedule, asOf);
  if (status !== "ACTIVE" || schedule.endDate === null) return status;
  const last = lastBillingDate(schedule, prices);
  return (last ?? schedule.endDate) <= asOf ? "COMPLETED" : status;
}

/**
 * The next day the schedule will invoice: the first billing day on or after `today` and after
 * `lastInvoicedDate` (the last day it was invoiced, if any); null when nothing more is billed or
 * nothing is billed in this status (DRAFT, SUSPENDED, COMPLETED).
 */
export function nextInvoiceDate(schedule: BillingSchedule, prices: ReadonlyMap<string, SchedulePrice>, today: IsoDate, lastInvoicedDate: IsoDate | null = null): IsoDate | null {
  if (!BILLING.has(schedule.status)) return null;
  let from = today > schedule.startDate ? today : schedule.startDate;
  if (lastInvoicedDate !== null && lastInvoicedDate >= from) from = addDaysToDate(lastInvoicedDate, 1);
  // Every recurring line bills at least once a year, and one-time lines on their phase's start.
  const phaseStarts = schedule.phases.map((p) => p.startDate).filter((d) => d >= from).sort();
  const horizon = addMonthsTo(phaseStarts[0] !== undefined && phaseStarts[0] > from ? phaseStarts[0] : from, 13);
  const next = charges(schedule, prices, horizon, from).map((c) => c.billingDate).sort()[0];
  return next ?? null;
}
