// Billing schedules of one entity: loading, the API view, and the rows of each change.
import { and, desc, eq, gt, lte, or, type SQL } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { allOf, orm } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { billingSchedules } from "./schema/entity.ts";
import { pricesForLines } from "./quotes.ts";
import { dueInvoices, nextInvoiceDate, statusOn } from "../domain/billing-run.ts";
import { addMonthsTo, type IsoDate } from "../domain/dates.ts";
import type { BillingSchedule, SchedulePrice, ScheduleStatus } from "../domain/schedule.ts";

export type StoredSchedule = typeof billingSchedules.$inferSelect;

/** How many upcoming invoices the view lists, and how far ahead it looks. */
const UPCOMING_MAX = 12;
const UPCOMING_MONTHS = 12;

export const asDomain = (row: StoredSchedule): BillingSchedule => ({
  id: row.id,
  customerId: row.customerId,
  currency: row.currency,
  status: row.status,
  startDate: row.startDate,
  endDate: row.endDate,
  recurrenceDayOfMonth: row.recurrenceDayOfMonth,
  defaultDueDateDays: row.defaultDueDateDays,
  phases: row.phases,
});

export async function loadSchedule(db: D1Database, id: string): Promise<StoredSchedule | null> {
  const [row] = await orm(db).select().from(billingSchedules).where(eq(billingSchedules.id, id)).limit(1);
  return row ?? null;
}

export async function scheduleOfQuote(db: D1Database, quoteId: string): Promise<StoredSchedule | null> {
  const [row] = await orm(db).select().from(billingSchedules).where(eq(billingSchedules.quoteId, quoteId)).limit(1);
  return row ?? null;
}

/**
 * A status filter as the API shows statuses (statusOn): a PENDING row whose start has come is ACTIVE
 * on the day it is read, without a write on that day.
 */
function statusFilter(status: ScheduleStatus, today: IsoDate): SQL | undefined {
  if (status === "ACTIVE") return or(eq(billingSchedules.status, "ACTIVE"), and(eq(billingSchedules.status, "PENDING"), lte(billingSchedules.startDate, today)));
  if (status === "PENDING") return and(eq(billingSchedules.status, "PENDING"), gt(billingSchedules.startDate, today));
  return eq(billingSchedules.status, status);
}

export async function listSchedules(
  db: D1Database,
  o: { limit: number; after?: string; status?: ScheduleStatus; customerId?: string; today: IsoDate },
): Promise<Page<StoredSchedule>> {
  const d = orm(db);
  return page(billingSchedules.id, o, (cursor, take) =>
    d
      .select()
      .from(billingSchedules)
      .where(allOf(cursor, o.status && statusFilter(o.status, o.today), o.customerId && eq(billingSchedules.customerId, o.customerId)))
      .orderBy(desc(billingSchedules.id))
      .limit(take),
  );
}

/** The prices the schedules' phases name, in one query. */
export const pricesOfSchedules = (db: D1Database, rows: StoredSchedule[]): Promise<Map<string, SchedulePrice>> =>
  pricesForLines(db, rows.flatMap((r) => r.phases.flatMap((p) => p.prices.map((l) => l.priceId))));

export function insertSchedule(changes: ChangeSet, row: StoredSchedule) {
  changes.add(changes.orm.insert(billingSchedules).values(row));
}

/** `set` over the schedule, guarded on the status and revision it was read at (`code` when it moved). */
function guardedUpdate(changes: ChangeSet, before: StoredSchedule, set: Partial<StoredSchedule>, code: string, message: string) {
  changes.guard(
    changes.orm
      .update(billingSchedules)
      .set(set)
      .where(and(eq(billingSchedules.id, before.id), eq(billingSchedules.rev, before.rev), eq(billingSchedules.status, before.status))),
    code,
    message,
  );
}

/** Write a lifecycle step. */
export function updateSchedule(changes: ChangeSet, before: StoredSchedule, after: StoredSchedule, code: string, message: string) {
  const { status, endDate, activatedAt, cancelledAt, updatedAt, rev } = after;
  guardedUpdate(changes, before, { status, endDate, activatedAt, cancelledAt, updatedAt, rev }, code, message);
}

/** Write a schedule's new terms (everything but its identity and lifecycle). */
export function reviseSchedule(changes: ChangeSet, before: StoredSchedule, after: StoredSchedule) {
  const { id: _id, quoteId: _q, createdAt: _c, status: _s, activatedAt: _a, cancelledAt: _x, ...terms } = after;
  guardedUpdate(changes, before, terms, "rev_conflict", "The schedule changed while this request ran; reload and try again");
}

/**
 * The schedule as the API shows it: its status on `today`, the next day it invoices, and the invoices
 * of the next twelve months from today (or its start) with their billing periods and totals — for a
 * DRAFT, what it would bill once activated.
 */
export function scheduleView(row: StoredSchedule, prices: ReadonlyMap<string, SchedulePrice>, today: IsoDate) {
  const schedule = asDomain(row);
  const status = statusOn(schedule, today);
  const from = today > row.startDate ? today : row.startDate;
  const previewing = status === "DRAFT" ? { ...schedule, status: "ACTIVE" as const } : schedule;
  const upcoming = dueInvoices(previewing, prices, addMonthsTo(from, UPCOMING_MONTHS), { from })
    .slice(0, UPCOMING_MAX)
    .map((due) => ({ billingDate: due.billingDate, billingPeriod: due.billingPeriod, total: due.total }));
  return {
    id: row.id,
    status,
    customerId: row.customerId,
    currency: row.currency,
    startDate: row.startDate,
    endDate: row.endDate,
    recurrenceDayOfMonth: row.recurrenceDayOfMonth,
    defaultDueDateDays: row.defaultDueDateDays,
    quoteId: row.quoteId,
    phases: row.phases,
    nextInvoiceDate: nextInvoiceDate({ ...schedule, status }, prices, today),
    upcomingInvoices: upcoming,
    activatedAt: row.activatedAt,
    cancelledAt: row.cancelledAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    rev: row.rev,
  };
}

export type ScheduleView = ReturnType<typeof scheduleView>;
