// Billing runs (API.md "billing runs"; DESIGN.md §3): start one (by hand or by the cron), preview one
// without writing (dryRun), read them, and bill one chunk of a run (the queue consumer's work).
// Starting writes the run and billing_run.started in one batch, then sends one queue message per chunk
// of CHUNK_SCHEDULES schedules. A chunk turns each schedule's due invoices (billing-run.ts) into DRAFT
// invoices — one per schedule and billing day, its key unique in D1 — and finishes with its progress;
// the last chunk to finish completes the run.
import { asc, gt } from "drizzle-orm";
import type { EntityEvent } from "../../party/protocol.ts";
import {
  chunkBoundaries,
  loadChunkReads,
  cronRunOn,
  customersOf,
  failRun,
  insertRun,
  invoicedKeys,
  listRuns,
  loadRun,
  quoteLinesOf,
  runInvoiceIds,
  RunBatch,
  runView,
  type RunView,
  type StoredRun,
} from "../db/billing-runs.ts";
import type { Customer } from "../db/customers.ts";
import { defaultMerchant } from "../db/merchant.ts";
import { invoiceView } from "../db/invoices.ts";
import { orm, statementOf } from "../db/orm.ts";
import type { Page } from "../db/paging.ts";
import { pricesForLines } from "../db/quotes.ts";
import { asDomain, pricesOfSchedules, scheduleView, type StoredSchedule } from "../db/schedules.ts";
import { billingSchedules } from "../db/schema/entity.ts";
import type { TaxRate } from "../db/tax-rates.ts";
import { dueInvoices, invoiceLines, statusAfterRun, type DueInvoice } from "../domain/billing-run.ts";
import {
  CHUNK_SCHEDULES,
  chunksOf,
  INVOICES_PER_BATCH,
  invoiceWarnings,
  ROW_BUDGET,
  rowsOf,
  type BillingRunTrigger,
  type Chunk,
  type QuotedPrices,
  type RunWarning,
} from "../domain/billing-run-plan.ts";
import { isValidDate, type IsoDate } from "../domain/dates.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { sumMoney } from "../domain/money.ts";
import { lineAmounts } from "../domain/quote.ts";
import type { SchedulePrice } from "../domain/schedule.ts";
import type { EntityRecord } from "../env.ts";
import { newId } from "../lib/crypto.ts";
import { changeSetOf, commit, type ActionContext } from "./context.ts";
import { taxFactsFor, withChosenTax, type TaxFacts } from "./invoice-tax.ts";
import { draftInvoice } from "./invoices.ts";

/** One chunk of one run, as a queue message. `resumeFromId`: a follow-up of the same chunk (the budget ran out). */
export interface BillingRunMessage {
  kind: "billing_run.chunk";
  entityId: string;
  runId: string;
  asOf: IsoDate;
  chunk: Chunk;
  resumeFromId?: string;
}

/** Where chunk messages go: the BILLING_RUNS queue binding, or a test's stand-in. */
export interface ChunkQueue {
  sendBatch(messages: Iterable<{ body: BillingRunMessage }>): Promise<unknown>;
}

/** Queues take at most 100 messages per sendBatch. */
const SEND_BATCH = 100;

function checkAsOf(asOf: string): IsoDate {
  if (!isValidDate(asOf)) throw new DomainError("invalid_request", "asOf must be a date (YYYY-MM-DD)", [{ path: "asOf", message: "must be a date (YYYY-MM-DD)" }]);
  return asOf;
}

const runSubject = (id: string) => ({ type: "billing_run", id });

/**
 * Start a run for `asOf`. Every run is a new record: a repeat for the same day creates no invoice
 * that exists (keys), so it completes with invoicesCreated 0 — or bills what was activated since
 * (docs/decisions.md). A CRON run is unique per day: the second one's batch fails on the index.
 */
export async function start(ctx: ActionContext, input: { asOf: string; trigger?: BillingRunTrigger }, queue: ChunkQueue): Promise<RunView> {
  const asOf = checkAsOf(input.asOf);
  const { schedules, boundaries } = await chunkBoundaries(ctx.db, asOf, CHUNK_SCHEDULES);
  const chunks = chunksOf(boundaries);
  const changes = changeSetOf(ctx);
  const run: StoredRun = {
    id: newId("brun"),
    asOf,
    status: chunks.length ? "RUNNING" : "COMPLETED",
    trigger: input.trigger ?? "MANUAL",
    schedules,
    invoicesCreated: 0,
    chunksTotal: chunks.length,
    chunksDone: 0,
    createdBy: ctx.actor,
    createdAt: changes.at,
    completedAt: chunks.length ? null : changes.at,
    error: null,
  };
  insertRun(changes, run);
  const started = runView({ ...run, status: "RUNNING", completedAt: null });
  changes.record({ kind: "billing_run.started", subject: runSubject(run.id), data: { billingRun: started }, after: started });
  // Nothing to bill: the run is complete in the batch that starts it.
  if (!chunks.length) changes.record({ kind: "billing_run.completed", subject: runSubject(run.id), data: { billingRun: runView(run) }, after: runView(run) });
  const view = await commit(ctx, changes, chunks.length ? runView(run) : runView(run, []));
  try {
    for (let i = 0; i < chunks.length; i += SEND_BATCH) {
      await queue.sendBatch(chunks.slice(i, i + SEND_BATCH).map((chunk) => ({ body: { kind: "billing_run.chunk", entityId: ctx.entity.id, runId: run.id, asOf, chunk } })));
    }
  } catch (error) {
    // The chunks that were sent cannot be recalled: the run is FAILED, and a new run bills what this one did not (keys).
    await statementOf(ctx.db, failRun(ctx.db, run.id, new Date().toISOString(), "The run's chunks could not be queued")).run();
    console.error("billing run: queueing failed", run.id, error);
    throw new DomainError("entity_unavailable", "The billing run could not be queued; nothing was billed. Try again.");
  }
  return view;
}

/** The cron's run for the entity's local date, unless there is one (the unique cron day decides a race). */
export async function startCron(ctx: ActionContext, asOf: IsoDate, queue: ChunkQueue): Promise<RunView | null> {
  if (await cronRunOn(ctx.db, asOf)) return null;
  try {
    return await start(ctx, { asOf, trigger: "CRON" }, queue);
  } catch (error) {
    if (error instanceof Error && /UNIQUE constraint failed: billing_runs\.as_of/.test(error.message)) return null;
    throw error;
  }
}

export async function get(ctx: ActionContext, id: string): Promise<RunView> {
  const run = await loadRun(ctx.db, id);
  if (!run) throw notFound("Billing run");
  return run.status === "COMPLETED" ? runView(run, await runInvoiceIds(ctx.db, id)) : runView(run);
}

export async function list(ctx: ActionContext, query: { limit: number; after?: string; asOf?: string }): Promise<Page<RunView>> {
  const page = await listRuns(ctx.db, query);
  return { items: page.items.map((r) => runView(r)), after: page.after };
}

// ---- what a page of schedules owes ----

interface Loaded {
  schedules: StoredSchedule[];
  prices: Map<string, SchedulePrice>;
  customers: Map<string, Customer>;
  keys: Set<string>;
  facts: TaxFacts;
  rates: Map<string, TaxRate>;
}

async function loadPage(ctx: Pick<ActionContext, "db" | "entity">, schedules: StoredSchedule[]): Promise<Loaded> {
  const prices = await pricesOfSchedules(ctx.db, schedules);
  const [customers, keys, facts] = await Promise.all([
    customersOf(ctx.db, schedules.map((s) => s.customerId)),
    schedules.length ? invoicedKeys(ctx.db, schedules[0].id, schedules[schedules.length - 1].id) : Promise.resolve(new Set<string>()),
    taxFactsFor(ctx.db, ctx.entity, [...prices.keys()]),
  ]);
  return { schedules, prices, customers, keys, facts, rates: new Map(facts.rates.map((r) => [r.id, r])) };
}

/** One due invoice as a DRAFT of the run: the domain's lines, each with the tax chooseTax picks. */
function draftOf(loaded: Loaded, schedule: StoredSchedule, customer: Customer, due: DueInvoice, runId: string | null, at: string) {
  const chosen = withChosenTax(
    invoiceLines(due).map((l) => ({ title: l.title, description: l.description, quantity: l.quantity, rate: l.rate, priceId: l.priceId, servicePeriod: l.servicePeriod })),
    customer,
    loaded.facts,
  );
  const invoice = draftInvoice(
    { customer, currency: schedule.currency, lines: chosen.lines, paymentTermDays: schedule.defaultDueDateDays, billingScheduleId: schedule.id, billingPeriod: due.billingPeriod, billingKey: due.key, billingRunId: runId },
    loaded.rates,
    at,
  );
  return { invoice, untaxed: customer.taxStatus === "TAXED" ? chosen.untaxed : 0 };
}

const owed = (loaded: Loaded, schedule: StoredSchedule, asOf: IsoDate) => dueInvoices(asDomain(schedule), loaded.prices, asOf).filter((d) => !loaded.keys.has(d.key));

// ---- dry run ----

const BILLABLE: ReadonlySet<string> = new Set(["PENDING", "ACTIVE", "CANCELLED"]);

/** Most invoices a preview lists (all are counted and totalled, and all warnings given). */
export const PREVIEW_MAX_INVOICES = 200;
const PREVIEW_MAX_WARNINGS = 500;

/** What the quotes these schedules came from agreed per price: quantity and amount per period after discount. */
async function quotedPricesOf(db: D1Database, schedules: StoredSchedule[], prices: Map<string, SchedulePrice>): Promise<Map<string, QuotedPrices>> {
  const fromQuotes = schedules.filter((s) => s.quoteId !== null);
  if (!fromQuotes.length) return new Map();
  const lines = await quoteLinesOf(db, fromQuotes.map((s) => s.quoteId as string));
  const missing = [...lines.values()].flat().map((l) => l.priceId).filter((id) => !prices.has(id));
  const all = missing.length ? new Map([...prices, ...(await pricesForLines(db, missing))]) : prices;
  const out = new Map<string, QuotedPrices>();
  for (const schedule of fromQuotes) {
    const quoted = new Map<string, { quantity: string; total: string }>();
    for (const line of lines.get(schedule.quoteId as string) ?? []) {
      const price = all.get(line.priceId);
      if (price) quoted.set(line.priceId, { quantity: line.quantity, total: lineAmounts(line, price, schedule.currency).total });
    }
    out.set(schedule.id, quoted);
  }
  return out;
}

/** A dry run: the invoices a run for `asOf` would create now, their totals, and warnings. Writes nothing. */
export async function preview(ctx: ActionContext, input: { asOf: string }) {
  const asOf = checkAsOf(input.asOf);
  const at = new Date().toISOString();
  const invoices: ReturnType<typeof previewInvoice>[] = [];
  const warnings: RunWarning[] = [];
  const totals = new Map<string, { currency: string; invoices: number; subtotal: string; tax: string; total: string }>();
  let schedules = 0;
  let invoiceCount = 0;
  let warningCount = 0;
  for (let after: string | null = null; ; ) {
    // Keyset over every schedule by id; the billable ones of each page are previewed.
    const raw: StoredSchedule[] = await orm(ctx.db)
      .select()
      .from(billingSchedules)
      .where(after === null ? undefined : gt(billingSchedules.id, after))
      .orderBy(asc(billingSchedules.id))
      .limit(CHUNK_SCHEDULES);
    if (raw.length === 0) break;
    after = raw[raw.length - 1].id;
    const page = raw.filter((s) => BILLABLE.has(s.status) && s.startDate <= asOf);
    if (!page.length) continue;
    schedules += page.length;
    const loaded = await loadPage(ctx, page);
    const quoted = await quotedPricesOf(ctx.db, page, loaded.prices);
    for (const schedule of page) {
      const customer = loaded.customers.get(schedule.customerId);
      if (!customer) continue;
      for (const due of owed(loaded, schedule, asOf)) {
        const { invoice, untaxed } = draftOf(loaded, schedule, customer, due, null, at);
        invoiceCount++;
        if (invoices.length < PREVIEW_MAX_INVOICES) invoices.push(previewInvoice(invoice, customer, due));
        const sum = totals.get(invoice.currency) ?? { currency: invoice.currency, invoices: 0, subtotal: "0", tax: "0", total: "0" };
        totals.set(invoice.currency, {
          currency: invoice.currency,
          invoices: sum.invoices + 1,
          subtotal: sumMoney([sum.subtotal, invoice.subtotal], invoice.currency),
          tax: sumMoney([sum.tax, invoice.tax], invoice.currency),
          total: sumMoney([sum.total, invoice.total], invoice.currency),
        });
        const found = invoiceWarnings({ ...due, total: invoice.total }, {
          customerId: customer.id,
          currency: schedule.currency,
          taxStatus: customer.taxStatus,
          taxId: customer.taxId,
          quoted: quoted.get(schedule.id) ?? null,
          untaxedLines: untaxed,
        });
        warningCount += found.length;
        for (const w of found) if (warnings.length < PREVIEW_MAX_WARNINGS) warnings.push(w);
      }
    }
  }
  return {
    asOf,
    dryRun: true as const,
    schedules,
    invoiceCount,
    invoices,
    truncated: invoiceCount > invoices.length,
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    warningCount,
    warnings,
  };
}

function previewInvoice(invoice: ReturnType<typeof draftInvoice>, customer: Customer, due: DueInvoice) {
  const view = invoiceView(invoice, "0", null);
  return {
    customerId: customer.id,
    customerName: customer.legalName,
    billingScheduleId: due.scheduleId,
    billingDate: due.billingDate,
    billingPeriod: due.billingPeriod,
    currency: view.currency,
    lines: view.lines.map(({ id: _id, ...line }) => line),
    subtotal: view.subtotal,
    tax: view.tax,
    total: view.total,
    taxSummary: view.taxSummary,
    notes: view.notes,
  };
}

export type RunPreview = Awaited<ReturnType<typeof preview>>;

// ---- one chunk (the queue consumer) ----

export interface ChunkContext {
  entity: EntityRecord;
  db: D1Database;
  /** Hand committed events to the entity's room. */
  publish: (events: EntityEvent[]) => Promise<void>;
  /** Where a follow-up of the chunk goes when its statement budget runs out. */
  queue: { send(body: BillingRunMessage): Promise<unknown> };
}

export const RUN_ACTOR = { type: "system" as const, id: "billing-run", name: "Billing run" };

/**
 * Bill one chunk: every due invoice of its schedules not invoiced yet, INVOICES_PER_BATCH to a batch,
 * at most ROW_BUDGET rows per message (a follow-up message continues). Repeating a chunk —
 * the queue's redelivery, a retry after a failure, an overlapping run — writes nothing twice.
 */
export async function billChunk(ctx: ChunkContext, message: BillingRunMessage): Promise<{ invoices: number; resumed: boolean }> {
  const range = { fromId: message.resumeFromId ?? message.chunk.fromId, beforeId: message.chunk.beforeId };
  const reads = await loadChunkReads(ctx.db, message.runId, range, message.asOf, CHUNK_SCHEDULES + 1);
  const run = reads.run;
  if (!run || run.status !== "RUNNING") return { invoices: 0, resumed: false }; // finished or failed: a late copy
  const at = new Date().toISOString();
  const rows = reads.schedules;
  const page = rows.slice(0, CHUNK_SCHEDULES);
  const merchant = reads.merchantRow ? { ...defaultMerchant(ctx.entity), ...reads.merchantRow.data } : defaultMerchant(ctx.entity);
  const facts: TaxFacts = { merchant: { country: ctx.entity.country, taxRegistrations: merchant.taxRegistrations }, rates: reads.rates, categories: reads.categories };
  const loaded: Loaded = { schedules: page, prices: reads.prices, customers: reads.customers, keys: reads.keys, facts, rates: new Map(reads.rates.map((r) => [r.id, r])) };
  let batch = new RunBatch(ctx.db, RUN_ACTOR, at);
  let inBatch = 0;
  let budget = ROW_BUDGET;
  let created = 0;
  let resumeFromId: string | null = rows.length > CHUNK_SCHEDULES ? rows[CHUNK_SCHEDULES].id : null;
  const flush = async () => {
    const events = await batch.commit();
    created += events.filter((e) => e.kind === "invoice.created").length;
    await ctx.publish(events);
    batch = new RunBatch(ctx.db, RUN_ACTOR, at);
    inBatch = 0;
  };
  for (const schedule of page) {
    const customer = loaded.customers.get(schedule.customerId);
    if (!customer) continue;
    const due = owed(loaded, schedule, run.asOf);
    let cut = false;
    for (const [i, item] of due.entries()) {
      const { invoice } = draftOf(loaded, schedule, customer, item, run.id, at);
      const cost = rowsOf(invoice.lines.length);
      // Always make progress: the first invoice of a message goes in whatever it costs.
      if (cost > budget && budget < ROW_BUDGET) {
        cut = true;
        break;
      }
      // A full batch is written before the next invoice joins, so the last one also carries the chunk's end.
      if (inBatch >= INVOICES_PER_BATCH) await flush();
      batch.invoice(invoice);
      inBatch++;
      budget -= cost;
      if (i < due.length - 1 && budget <= 0) {
        cut = true;
        break;
      }
    }
    if (cut) {
      resumeFromId = schedule.id;
      break;
    }
    if (statusAfterRun(asDomain(schedule), loaded.prices, run.asOf) === "COMPLETED" && schedule.status !== "COMPLETED") {
      const after = { ...schedule, status: "COMPLETED" as const, updatedAt: at, rev: schedule.rev + 1 };
      batch.completeSchedule(schedule, scheduleView(after, loaded.prices, run.asOf));
    }
  }
  if (resumeFromId !== null) {
    await flush();
    await ctx.queue.send({ ...message, resumeFromId });
    return { invoices: created, resumed: true };
  }
  batch.finishChunk(run.id, message.chunk.index, newId("att"));
  await flush();
  return { invoices: created, resumed: false };
}

/** The run cannot finish (a chunk failed every retry): FAILED, with billing_run.failed. Invoices made stay; a new run bills the rest. */
export async function failChunk(ctx: ChunkContext, message: BillingRunMessage, reason: string): Promise<void> {
  const at = new Date().toISOString();
  const batch = new RunBatch(ctx.db, RUN_ACTOR, at);
  batch.statements.push(statementOf(ctx.db, failRun(ctx.db, message.runId, at, reason)));
  batch.recordIf(
    { sql: "EXISTS (SELECT 1 FROM billing_runs WHERE id = ? AND status = 'FAILED' AND completed_at = ?)", params: [message.runId, at] },
    "billing_run.failed",
    runSubject(message.runId),
    { billingRun: { id: message.runId, status: "FAILED", error: reason, chunkIndex: message.chunk.index } },
  );
  await ctx.publish(await batch.commit());
}
