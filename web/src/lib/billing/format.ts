// Display helpers for billing schedules: status labels and chips, phase wording.
import type { ScheduleStatus } from "$worker/domain/schedule.ts";
import type { BillingSchedulePhase } from "$worker/api/types.ts";
import { addDaysToDate } from "$worker/domain/dates.ts";
import { coveredDays } from "$worker/domain/periods.ts";
import { percent } from "../money.ts";

export const SCHEDULE_STATUS_LABEL: Record<ScheduleStatus, string> = {
  DRAFT: "Draft",
  PENDING: "Pending",
  ACTIVE: "Active",
  SUSPENDED: "Suspended",
  CANCELLED: "Cancelled",
  COMPLETED: "Completed",
};

export const SCHEDULE_STATUS_BADGE: Record<ScheduleStatus, string> = {
  DRAFT: "badge-gray",
  PENDING: "badge-amber",
  ACTIVE: "badge-green",
  SUSPENDED: "badge-amber",
  CANCELLED: "badge-red",
  COMPLETED: "badge-blue",
};

/** "20% off", "−$100.00" style words for a discount, given a money formatter for NOMINAL ones. */
export function discountLabel(d: { type: "PERCENTAGE" | "NOMINAL"; value: string }, money: (amount: string) => string): string {
  return d.type === "PERCENTAGE" ? `${percent(d.value)} off` : `${money(d.value)} off`;
}

/** The day before an exclusive end: the last day a phase or period covers. */
export function lastDay(exclusiveEnd: string): string {
  return addDaysToDate(exclusiveEnd, -1);
}

/** A phase's span in words ("from 2027-01-01", "2027-01-01 – 2027-03-31"), dates formatted by `date`. */
export function phaseSpan(phase: Pick<BillingSchedulePhase, "startDate" | "endDate">, date: (iso: string) => string): string {
  return phase.endDate ? `${date(phase.startDate)} – ${date(lastDay(phase.endDate))}` : `From ${date(phase.startDate)}, open-ended`;
}

/** A billing or service period [start, end) in words: its first to its last day (as the PDF shows it). */
export function periodText(p: { start: string; end: string }, date: (iso: string) => string): string {
  const { first, last } = coveredDays(p);
  return first === last ? date(first) : `${date(first)} – ${date(last)}`;
}
