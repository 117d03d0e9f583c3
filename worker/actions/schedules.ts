// The billing schedule lifecycle (API.md "billing schedules", DESIGN.md §3): create a DRAFT, change it
// while it is one, activate, suspend, resume, cancel, and executing an accepted quote into an active
// schedule. The rules are the domain's (schedule.ts, billing-run.ts, quote-to-schedule.ts); each verb is
// one ChangeSet with its event and audit row, guarded on the status it was read in.
import { getCustomer } from "../db/customers.ts";
import type { Page } from "../db/paging.ts";
import { loadQuote, pricesForLines, quoteView, updateQuote, type QuoteView, type StoredQuote } from "../db/quotes.ts";
import { loadQuoteForView } from "../db/quote-view.ts";
import {
  insertSchedule,
  listSchedules,
  loadSchedule,
  pricesOfSchedules,
  scheduleOfQuote,
  scheduleView,
  reviseSchedule,
  updateSchedule,
  type ScheduleView,
  type StoredSchedule,
} from "../db/schedules.ts";
import { activate as activated, cancel as cancelled, resume as resumed, suspend as suspended } from "../domain/billing-run.ts";
import { localDate, type IsoDate } from "../domain/dates.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { scheduleFromQuote } from "../domain/quote-to-schedule.ts";
import { paymentTermsIssue, scheduleDraft, scheduleIssues, type ScheduleInput, type SchedulePhase, type SchedulePrice, type ScheduleStatus } from "../domain/schedule.ts";
import { newId } from "../lib/crypto.ts";
import { assertRev, changeSetOf, commit, retryOn, type ActionContext } from "./context.ts";

const today = (ctx: ActionContext, at: string | Date = new Date()): IsoDate => localDate(at, ctx.entity.timezone);

async function scheduleOr404(db: D1Database, id: string): Promise<StoredSchedule> {
  const schedule = await loadSchedule(db, id);
  if (!schedule) throw notFound("Billing schedule");
  return schedule;
}

const viewOf = async (ctx: ActionContext, row: StoredSchedule, on = today(ctx)) => scheduleView(row, await pricesOfSchedules(ctx.db, [row]), on);

export async function get(ctx: ActionContext, id: string): Promise<ScheduleView> {
  return viewOf(ctx, await scheduleOr404(ctx.db, id));
}

export async function list(ctx: ActionContext, query: { limit: number; after?: string; status?: ScheduleStatus; customerId?: string }): Promise<Page<ScheduleView>> {
  const on = today(ctx);
  const rows = await listSchedules(ctx.db, { ...query, today: on });
  const prices = await pricesOfSchedules(ctx.db, rows.items);
  return { items: rows.items.map((row) => scheduleView(row, prices, on)), after: rows.after };
}

/** A refusal of scheduleIssues: every field at fault, as the API's 400. */
function invalidSchedule(issues: { path: string; message: string }[]): never {
  throw new DomainError("invalid_request", `Invalid value at ${issues[0].path}: ${issues[0].message}`, issues);
}

/** The prices a schedule names, once its input is valid for a live customer of this entity in the customer's currency. */
async function checkedInput(ctx: ActionContext, input: ScheduleInput): Promise<Map<string, SchedulePrice>> {
  const priceIds = input.phases.flatMap((p) => p.prices.map((l) => l.priceId));
  const [customer, prices] = await Promise.all([getCustomer(ctx.db, input.customerId), pricesForLines(ctx.db, priceIds)]);
  const issues = scheduleIssues(input, prices);
  if (issues.length > 0) invalidSchedule(issues);
  if (!customer) throw notFound("Customer", [{ path: "customerId", message: "No such customer in this entity" }]);
  if (customer.archivedAt) throw new DomainError("customer_archived", "The customer is archived", [{ path: "customerId", message: "archived" }]);
  if (customer.currency !== input.currency) {
    throw new DomainError("currency_mismatch", `The customer is billed in ${customer.currency}, not ${input.currency}`, [{ path: "currency", message: `must be ${customer.currency}` }]);
  }
  return prices;
}

/** A DRAFT schedule for a live customer of this entity, billed in the customer's currency. */
export async function create(ctx: ActionContext, input: ScheduleInput): Promise<ScheduleView> {
  const prices = await checkedInput(ctx, input);
  const changes = changeSetOf(ctx);
  const draft = scheduleDraft(newId("bsch"), input);
  const row: StoredSchedule = { ...draft, quoteId: null, activatedAt: null, cancelledAt: null, createdAt: changes.at, updatedAt: changes.at, rev: 1 };
  insertSchedule(changes, row);
  const view = scheduleView(row, prices, today(ctx, changes.at));
  changes.record({ kind: "billing_schedule.created", subject: { type: "billing_schedule", id: row.id }, data: { billingSchedule: view }, before: null, after: view });
  return commit(ctx, changes, view);
}

export type SchedulePatch = Partial<ScheduleInput>;

/**
 * The stored phases as input again: the first starts with the schedule and the last ends with it, so a
 * change of the schedule's start or end moves them too; the boundaries between phases stay.
 */
const phasesAsInput = (phases: SchedulePhase[]): ScheduleInput["phases"] =>
  phases.map((p, i) => ({ ...p, startDate: i === 0 ? null : p.startDate, endDate: i === phases.length - 1 ? null : p.endDate }));

/**
 * Change a DRAFT schedule (anything it was created with; `phases` replaces them all), checked as a new
 * one would be. A schedule past DRAFT that still bills changes its payment terms only: they apply to
 * the invoices its runs make from then on. Guarded on the revision and the status it was read in (one
 * that moved meanwhile is read again); with `expectedRev` (If-Match) a newer revision is 409 rev_conflict.
 */
export function revise(ctx: ActionContext, id: string, patch: SchedulePatch, expectedRev?: number): Promise<ScheduleView> {
  const attempt = async () => {
    const before = await scheduleOr404(ctx.db, id);
    assertRev(before, expectedRev, "The billing schedule");
    const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    if (before.status !== "DRAFT") return reviseTerms(ctx, before, patch, changed);
    const input: ScheduleInput = {
      customerId: patch.customerId ?? before.customerId,
      currency: patch.currency ?? before.currency,
      startDate: patch.startDate ?? before.startDate,
      // null is a value here: open-ended, the start's day, the merchant's default.
      endDate: patch.endDate === undefined ? before.endDate : patch.endDate,
      recurrenceDayOfMonth: patch.recurrenceDayOfMonth === undefined ? before.recurrenceDayOfMonth : patch.recurrenceDayOfMonth,
      defaultDueDateDays: patch.defaultDueDateDays === undefined ? before.defaultDueDateDays : patch.defaultDueDateDays,
      phases: patch.phases ?? phasesAsInput(before.phases),
    };
    const prices = await checkedInput(ctx, input);
    const { id: _id, status: _status, ...draft } = scheduleDraft(before.id, input);
    // The prices it named before are read again only when the phases were replaced.
    return writeRevision(ctx, before, draft, { before: patch.phases ? await pricesOfSchedules(ctx.db, [before]) : prices, after: prices }, changed);
  };
  return expectedRev === undefined ? retryOn("rev_conflict", attempt) : attempt();
}

/** A billing schedule's new payment terms, once it is past DRAFT (its other terms are the contract's). */
async function reviseTerms(ctx: ActionContext, before: StoredSchedule, patch: SchedulePatch, changed: string[]): Promise<ScheduleView> {
  if (before.status === "COMPLETED" || changed.some((k) => k !== "defaultDueDateDays")) {
    throw new DomainError("schedule_not_draft", `Only a DRAFT schedule can be changed (it is ${before.status}); one that still bills changes its payment terms only`);
  }
  const terms = patch.defaultDueDateDays === undefined ? before.defaultDueDateDays : patch.defaultDueDateDays;
  const issue = paymentTermsIssue(terms);
  if (issue) invalidSchedule([{ path: "defaultDueDateDays", message: issue }]);
  const prices = await pricesOfSchedules(ctx.db, [before]);
  return writeRevision(ctx, before, { defaultDueDateDays: terms }, { before: prices, after: prices }, changed);
}

/** A schedule's next revision with `fields` over it: its guarded row, billing_schedule.updated and the audit row. */
function writeRevision(
  ctx: ActionContext,
  before: StoredSchedule,
  fields: Partial<StoredSchedule>,
  prices: { before: ReadonlyMap<string, SchedulePrice>; after: ReadonlyMap<string, SchedulePrice> },
  changed: string[],
): Promise<ScheduleView> {
  const changes = changeSetOf(ctx);
  const after: StoredSchedule = { ...before, ...fields, updatedAt: changes.at, rev: before.rev + 1 };
  reviseSchedule(changes, before, after);
  const on = today(ctx, changes.at);
  const view = scheduleView(after, prices.after, on);
  changes.record({ kind: "billing_schedule.updated", subject: { type: "billing_schedule", id: before.id }, data: { billingSchedule: view, changed }, before: scheduleView(before, prices.before, on), after: view });
  return commit(ctx, changes, view);
}

/** One lifecycle step: the domain says what the status becomes, the batch holds only if nobody moved it first. */
async function step(
  ctx: ActionContext,
  id: string,
  kind: "activated" | "suspended" | "resumed" | "cancelled",
  next: (before: StoredSchedule, on: IsoDate, at: string) => Partial<StoredSchedule>,
  code: string,
): Promise<ScheduleView> {
  const before = await scheduleOr404(ctx.db, id);
  const changes = changeSetOf(ctx);
  const on = today(ctx, changes.at);
  const after: StoredSchedule = { ...before, ...next(before, on, changes.at), updatedAt: changes.at, rev: before.rev + 1 };
  const prices = await pricesOfSchedules(ctx.db, [before]);
  const view = scheduleView(after, prices, on);
  updateSchedule(changes, before, after, code, `The schedule changed while this request ran (it was ${before.status}); reload and try again`);
  changes.record({ kind: `billing_schedule.${kind}`, subject: { type: "billing_schedule", id }, data: { billingSchedule: view }, before: scheduleView(before, prices, on), after: view });
  return commit(ctx, changes, view);
}

/** DRAFT → ACTIVE, or PENDING until a future start. */
export const activate = (ctx: ActionContext, id: string) =>
  step(ctx, id, "activated", (before, on, at) => ({ status: activated(before, on), activatedAt: at }), "schedule_not_draft");

/** ACTIVE or PENDING → SUSPENDED. The stored status is what the guard compares, so a PENDING past its start suspends as it is. */
export const suspend = (ctx: ActionContext, id: string) => step(ctx, id, "suspended", (before) => ({ status: suspended(before) }), "schedule_not_active");

export const resume = (ctx: ActionContext, id: string) => step(ctx, id, "resumed", (before, on) => ({ status: resumed(before, on) }), "schedule_not_suspended");

export const cancel = (ctx: ActionContext, id: string, endDate: IsoDate) =>
  step(ctx, id, "cancelled", (before, on, at) => ({ ...cancelled(before, endDate, on), cancelledAt: at }), "schedule_not_cancellable");

export type ExecutedQuote = QuoteView & { billingSchedule: ScheduleView };

/**
 * Execute an ACCEPTED quote (API.md `POST /quotes/{id}/execute`): one batch stores its schedule, ACTIVE
 * or PENDING, and makes the quote EXECUTED with the schedule's id, guarded on ACCEPTED; the schedule's
 * quote_id is UNIQUE. Executing it again — in sequence or concurrently — answers with the same schedule.
 */
export async function executeQuote(ctx: ActionContext, quoteId: string): Promise<ExecutedQuote> {
  const loaded = await loadQuoteForView(ctx.db, quoteId);
  if (!loaded) throw notFound("Quote");
  const { quote, prices: quotePrices, approval } = loaded;
  if (quote.status === "EXECUTED") return executed(ctx, quote);
  const on = today(ctx);
  const input = scheduleFromQuote(
    { status: quote.status, customerId: quote.customerId, currency: quote.currency, startDate: quote.startDate, contractLengthMonths: quote.contractLengthMonths, lines: quote.lines },
    quote.acceptedAt ? today(ctx, quote.acceptedAt) : on,
  );
  // The customer accepted these prices: archiving one since stops new sales of it, not this contract.
  const prices = new Map<string, SchedulePrice>([...quotePrices].map(([id, price]) => [id, { ...price, archivedAt: null }]));
  const issues = scheduleIssues(input, prices);
  if (issues.length > 0) throw new DomainError("quote_not_billable", `The quote's terms do not make a billing schedule: ${issues[0].path}: ${issues[0].message}`, issues);

  const changes = changeSetOf(ctx);
  const draft = scheduleDraft(newId("bsch"), input);
  const status = activated(draft, on);
  const row: StoredSchedule = { ...draft, status, quoteId, activatedAt: changes.at, cancelledAt: null, createdAt: changes.at, updatedAt: changes.at, rev: 1 };
  const after: StoredQuote = { ...quote, status: "EXECUTED", billingScheduleId: row.id, updatedAt: changes.at, rev: quote.rev + 1 };
  updateQuote(changes, quote, after, "quote_not_accepted");
  insertSchedule(changes, row);
  const schedule = scheduleView(row, prices, on);
  const view = quoteView(after, quotePrices, ctx.origin, approval);
  changes.record({ kind: "billing_schedule.activated", subject: { type: "billing_schedule", id: row.id }, data: { billingSchedule: schedule, quoteId }, before: null, after: schedule });
  changes.record({ kind: "quote.executed", subject: { type: "quote", id: quoteId }, data: { quote: view, billingScheduleId: row.id }, before: quoteView(quote, quotePrices, ctx.origin, approval), after: view });
  try {
    return await commit(ctx, changes, { ...view, billingSchedule: schedule });
  } catch (error) {
    // A concurrent execute won (its batch took the quote, or the quote's one schedule): answer with its schedule.
    const now = await loadQuote(ctx.db, quoteId);
    if (now?.status === "EXECUTED") return executed(ctx, now);
    throw error;
  }
}

async function executed(ctx: ActionContext, quote: StoredQuote): Promise<ExecutedQuote> {
  const schedule = (quote.billingScheduleId ? await loadSchedule(ctx.db, quote.billingScheduleId) : null) ?? (await scheduleOfQuote(ctx.db, quote.id));
  if (!schedule) throw new DomainError("invalid_state", "This quote was executed without a billing schedule");
  const loaded = await loadQuoteForView(ctx.db, quote.id);
  if (!loaded) throw notFound("Quote");
  return { ...quoteView(loaded.quote, loaded.prices, ctx.origin, loaded.approval), billingSchedule: await viewOf(ctx, schedule) };
}
