// Billing periods of a schedule (DESIGN.md §3, API.md "billing schedules"). Pure, no I/O.
//
// Every date is an entity-local calendar day "YYYY-MM-DD"; a period is [start, end). The boundaries
// come from one grid per schedule, fixed by its start date and `recurrenceDayOfMonth` (default: the
// start's day): boundary m is addMonthsTo(<January of the start's year, on the recurrence day>, m).
// Each boundary is computed from that one reference, never by stepping from the previous period, so
// a schedule billed on the 31st bills 31 Jan, 28/29 Feb, 31 Mar, 30 Apr … and never drifts to the 28th
// (dates.ts: the month-end clamp is not sticky). January has 31 days, so the reference always exists.
//
// A frequency of M months has its periods on every M-th boundary from the first billing day (the first
// boundary on or after the start). Two kinds of partial period, both documented in docs/decisions.md:
// - the stub: when the recurrence day is not the start's day, [start, first billing day) is a period
//   shorter than one month, prorated by days against the full period it is part of;
// - the last period, cut at the schedule's (or a cancellation's) end date: billed WHOLE, not prorated,
//   as the quote's total contract value counts it (contract.ts periodsIn: "a period that starts within
//   the contract is billed whole"). Its servicePeriod ends at the end date.
// Phases never cut a period: schedule.ts refuses a phase boundary that is not a period boundary of
// every frequency the phases on either side bill (proration-free ramps).
import { BILLING_FREQUENCY, type BillingFrequency } from "./billing.ts";
import { addDaysToDate, daysBetween, isValidDate, type IsoDate } from "./dates.ts";

/** [start, end): `end` is the first day after the period (as billing periods and service periods are stored). */
export interface Period {
  start: IsoDate;
  end: IsoDate;
}

/** The days a period covers, as a document shows them: its first and last day (one day when end is not after start). */
export function coveredDays(p: Period): { first: IsoDate; last: IsoDate } {
  return { first: p.start, last: p.end > p.start ? addDaysToDate(p.end, -1) : p.start };
}

/** One billing period of one frequency, as billed. */
export interface BillingPeriod extends Period {
  /** The whole period this one is part of: itself, unless it is the stub or cut at the end date. */
  full: Period;
  /** The stub before the first billing day: billed for `days` of the full period's `fullDays`. */
  proration: { days: number; fullDays: number } | null;
  /** Cut at the end date (billed whole). */
  cut: boolean;
}

/** The boundaries of one schedule. */
export interface PeriodGrid {
  /** The schedule's first day. */
  startDate: IsoDate;
  /** 1–31; a month without that day uses its last day. */
  recurrenceDayOfMonth: number;
  /** January of the start's year, on the recurrence day: boundary m = addMonthsTo(reference, m). */
  reference: IsoDate;
  /** The month offset of the first billing day (the first boundary on or after startDate). */
  firstOffset: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const yearOf = (date: IsoDate) => Number(date.slice(0, 4));
const monthOf = (date: IsoDate) => Number(date.slice(5, 7));
const dayOf = (date: IsoDate) => Number(date.slice(8, 10));

/** Months per period of a recurring frequency; 0 for ONE_TIME. */
export function monthsPerPeriod(frequency: BillingFrequency): number {
  return BILLING_FREQUENCY[frequency].months;
}

export function isRecurrenceDay(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 31;
}

/** The grid of a schedule starting on `startDate`, billed on `recurrenceDayOfMonth` (default: the start's day). */
export function periodGrid(startDate: IsoDate, recurrenceDayOfMonth?: number | null): PeriodGrid {
  if (!isValidDate(startDate)) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(startDate)}`);
  const day = recurrenceDayOfMonth ?? dayOf(startDate);
  if (!isRecurrenceDay(day)) throw new RangeError("recurrenceDayOfMonth must be a whole number from 1 to 31");
  const reference = `${pad(yearOf(startDate), 4)}-01-${pad(day)}`;
  let firstOffset = monthOf(startDate) - 1;
  const grid = { startDate, recurrenceDayOfMonth: day, reference, firstOffset };
  if (boundary(grid, firstOffset) < startDate) grid.firstOffset += 1;
  return grid;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Boundary `offset` (months from the reference): addMonthsTo(reference, offset), by integer
 * arithmetic on year and month (a billing run computes thousands; tests hold it to addMonthsTo).
 */
export function boundary(grid: PeriodGrid, offset: number): IsoDate {
  if (!Number.isSafeInteger(offset)) throw new RangeError("offset must be a whole number");
  const months = yearOf(grid.reference) * 12 + offset; // the reference is in January
  const year = Math.floor(months / 12);
  const month = months - year * 12; // 0–11
  if (year < 1 || year > 9999) throw new RangeError("The date is outside the years 0001–9999");
  const last = month === 1 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month];
  return `${pad(year, 4)}-${pad(month + 1)}-${pad(Math.min(grid.recurrenceDayOfMonth, last))}`;
}

/** The first billing day: the start itself, unless a different recurrence day makes a stub. */
export function firstBillingDay(grid: PeriodGrid): IsoDate {
  return boundary(grid, grid.firstOffset);
}

/** The month offset of `date` when it is a boundary of the grid, else null. */
export function boundaryOffset(grid: PeriodGrid, date: IsoDate): number | null {
  if (!isValidDate(date)) return null;
  const offset = (yearOf(date) - yearOf(grid.reference)) * 12 + monthOf(date) - 1;
  return boundary(grid, offset) === date ? offset : null;
}

/**
 * True when a period of `months` months may start or end on `date`: the schedule's start, or a boundary
 * every `months` months from the first billing day. ONE_TIME (0 months) fits anywhere.
 */
export function isPeriodBoundary(grid: PeriodGrid, date: IsoDate, months: number): boolean {
  if (months === 0 || date === grid.startDate) return true;
  const offset = boundaryOffset(grid, date);
  return offset !== null && offset >= grid.firstOffset && (offset - grid.firstOffset) % months === 0;
}

export interface PeriodRange {
  /** The first day billed: the schedule's start or a period boundary of this frequency. */
  from: IsoDate;
  /** The end, exclusive (a phase's or the schedule's), or null when open-ended. */
  to: IsoDate | null;
  /** Stop after the period that starts on or before this day (bounds an open-ended schedule). */
  until?: IsoDate;
}

/**
 * The periods of a recurring frequency of `months` months over [from, to), in order, contiguous:
 * the stub first if `from` is the schedule's start before the first billing day, the last cut at `to`.
 * Throws RangeError when `from` is not a boundary of this frequency, or an open range has no `until`.
 */
export function periodsOf(grid: PeriodGrid, months: number, range: PeriodRange): BillingPeriod[] {
  if (!(Number.isInteger(months) && months > 0)) throw new RangeError("months must be a whole number of at least 1");
  const { from, to } = range;
  if (to === null && range.until === undefined) throw new RangeError("an open-ended range needs `until`");
  if (to !== null && to <= from) return [];
  const periods: BillingPeriod[] = [];
  const push = (period: BillingPeriod) => periods.push(period);
  const stop = (start: IsoDate) => (to !== null && start >= to) || (range.until !== undefined && start > range.until);

  let offset: number;
  const first = firstBillingDay(grid);
  if (from === grid.startDate && first > from) {
    // The stub [start, first billing day): prorated against the full period that ends on the first billing day.
    const full = { start: boundary(grid, grid.firstOffset - months), end: first };
    const end = to !== null && to < first ? to : first;
    push({ start: from, end, full, proration: { days: daysBetween(from, end), fullDays: daysBetween(full.start, full.end) }, cut: false });
    offset = grid.firstOffset;
  } else {
    const at = boundaryOffset(grid, from);
    if (at === null || !isPeriodBoundary(grid, from, months)) throw new RangeError(`${from} is not a boundary of a ${months}-month period`);
    offset = at;
  }
  for (let start = boundary(grid, offset); !stop(start); offset += months, start = boundary(grid, offset)) {
    const fullEnd = boundary(grid, offset + months);
    const cut = to !== null && fullEnd > to;
    push({ start, end: cut ? (to as IsoDate) : fullEnd, full: { start, end: fullEnd }, proration: null, cut });
  }
  return periods;
}

/** The periods of `frequency` for a schedule [startDate, endDate) (ONE_TIME: the one day it is charged). */
export function schedulePeriods(
  frequency: BillingFrequency,
  schedule: { startDate: IsoDate; endDate: IsoDate | null; recurrenceDayOfMonth?: number | null },
  until?: IsoDate,
): BillingPeriod[] {
  const grid = periodGrid(schedule.startDate, schedule.recurrenceDayOfMonth);
  const months = monthsPerPeriod(frequency);
  if (months === 0) {
    const day = { start: schedule.startDate, end: schedule.startDate };
    return [{ ...day, full: day, proration: null, cut: false }];
  }
  return periodsOf(grid, months, { from: schedule.startDate, to: schedule.endDate, until });
}
