// Billing runs of one entity: the run rows, the schedules of a chunk, and the statements a chunk writes.
// A chunk's invoice.created events go in unless an invoice with the same (schedule, billing key) exists
// at that point of the batch — the unique index decides, inside the batch, never a read — and the
// invoice rows, lines and audit rows are then read out of the event rows this batch wrote (joined on
// the attempt's fresh invoice ids), so a concurrent or repeated run writes nothing for an invoice it
// did not make. UNIQUE(billing_schedule_id, billing_key) stays on the table as the last word.
import { and, asc, desc, eq, getTableColumns, gte, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Actor, EntityEvent } from "../../party/protocol.ts";
import type { Chunk } from "../domain/billing-run-plan.ts";
import type { IsoDate } from "../domain/dates.ts";
import type { QuoteLine } from "../domain/quote.ts";
import { newId } from "../lib/crypto.ts";
import { bounded, EVENT_MAX_BYTES, type ChangeSet } from "./changes.ts";
import { customerColumns, type Customer } from "./customers.ts";
import { invoiceView, type StoredInvoice } from "./invoices.ts";
import { allOf, orm, rawColumns, statementOf } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { billingRuns, billingSchedules, customers, invoiceLines, invoices, merchant as merchantTable, prices, products, quoteLines, taxRates } from "./schema/entity.ts";
import type { StoredSchedule } from "./schedules.ts";

export type StoredRun = typeof billingRuns.$inferSelect;

/** Statuses a run bills (billing-run.ts BILLING): PENDING ones once their start has come. */
const BILLABLE = ["PENDING", "ACTIVE", "CANCELLED"] as const;

export function runView(run: StoredRun, invoiceIds?: string[]) {
  return {
    id: run.id,
    object: "billing_run" as const,
    asOf: run.asOf,
    status: run.status,
    trigger: run.trigger,
    schedules: run.schedules,
    invoicesCreated: run.invoicesCreated,
    chunksTotal: run.chunksTotal,
    chunksDone: run.chunksDone,
    createdBy: run.createdBy,
    createdAt: run.createdAt,
    completedAt: run.completedAt,
    error: run.error,
    ...(invoiceIds ? { invoiceIds } : {}),
  };
}
export type RunView = ReturnType<typeof runView>;

export async function loadRun(db: D1Database, id: string): Promise<StoredRun | null> {
  return (await orm(db).select().from(billingRuns).where(eq(billingRuns.id, id)).get()) ?? null;
}

export async function cronRunOn(db: D1Database, asOf: IsoDate): Promise<StoredRun | null> {
  return (await orm(db).select().from(billingRuns).where(and(eq(billingRuns.asOf, asOf), eq(billingRuns.trigger, "CRON"))).get()) ?? null;
}

export function listRuns(db: D1Database, o: { limit: number; after?: string; asOf?: IsoDate }): Promise<Page<StoredRun>> {
  return page(billingRuns.id, o, (cursor, take) =>
    orm(db)
      .select()
      .from(billingRuns)
      .where(allOf(cursor, o.asOf && eq(billingRuns.asOf, o.asOf)))
      .orderBy(desc(billingRuns.id))
      .limit(take),
  );
}

/** The invoices a run created, oldest first. */
export async function runInvoiceIds(db: D1Database, runId: string): Promise<string[]> {
  const rows = await orm(db).select({ id: invoices.id }).from(invoices).where(eq(invoices.billingRunId, runId)).orderBy(asc(invoices.id));
  return rows.map((r) => r.id);
}

/**
 * How many schedules a run for `asOf` covers and the first id of every chunk of `size`, in one query
 * (a window over the billable schedules by id).
 */
export async function chunkBoundaries(db: D1Database, asOf: IsoDate, size: number): Promise<{ schedules: number; boundaries: string[] }> {
  const { results } = await db
    .prepare(
      `SELECT id, n FROM (
         SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS rn, COUNT(*) OVER () AS n
         FROM billing_schedules WHERE status IN ('PENDING', 'ACTIVE', 'CANCELLED') AND start_date <= ?
       ) WHERE rn % ? = 0 ORDER BY id`,
    )
    .bind(asOf, size)
    .all<{ id: string; n: number }>();
  return { schedules: results[0]?.n ?? 0, boundaries: results.map((r) => r.id) };
}

/** The billing keys already invoiced for schedules with ids in [first, last] (one range query). */
export async function invoicedKeys(db: D1Database, first: string, last: string): Promise<Set<string>> {
  const rows = await orm(db)
    .select({ key: invoices.billingKey })
    .from(invoices)
    .where(and(gte(invoices.billingScheduleId, first), lte(invoices.billingScheduleId, last), isNotNull(invoices.billingKey)));
  return new Set(rows.map((r) => r.key as string));
}

/** The customers of these schedules, in queries of at most 100 ids (D1's bound-parameter limit). */
export async function customersOf(db: D1Database, ids: string[]): Promise<Map<string, Customer>> {
  const wanted = [...new Set(ids)];
  const out = new Map<string, Customer>();
  for (let i = 0; i < wanted.length; i += 100) {
    const rows = await orm(db).select(customerColumns).from(customers).where(inArray(customers.id, wanted.slice(i, i + 100)));
    for (const row of rows) out.set(row.id, row);
  }
  return out;
}

/** The lines of the quotes these schedules were executed from. */
export async function quoteLinesOf(db: D1Database, quoteIds: string[]): Promise<Map<string, QuoteLine[]>> {
  const wanted = [...new Set(quoteIds)];
  const out = new Map<string, QuoteLine[]>();
  const { quoteId: _q, ...columns } = getTableColumns(quoteLines);
  for (let i = 0; i < wanted.length; i += 100) {
    const rows = await orm(db).select({ quoteId: quoteLines.quoteId, ...columns }).from(quoteLines).where(inArray(quoteLines.quoteId, wanted.slice(i, i + 100)));
    for (const { quoteId, ...line } of rows) out.set(quoteId, [...(out.get(quoteId) ?? []), line]);
  }
  return out;
}

// ---- writes ----

export function insertRun(changes: ChangeSet, run: StoredRun) {
  changes.add(changes.orm.insert(billingRuns).values(run));
}

export function failRun(db: D1Database, id: string, at: string, error: string) {
  return orm(db)
    .update(billingRuns)
    .set({ status: "FAILED", completedAt: at, error: error.slice(0, 500) })
    .where(and(eq(billingRuns.id, id), eq(billingRuns.status, "RUNNING")));
}

const EVENT_COLUMNS = "kind, subject_type, subject_id, actor, data, at";
const AUDIT_COLUMNS = "id, at, actor, action, subject_type, subject_id, before, after, request_id";
const { invoiceId: _invoiceId, ...lineColumns } = getTableColumns(invoiceLines);
const LINE_COLUMNS = ["invoice_id", ...Object.values(lineColumns).map((c) => c.name)];
const LINE_KEYS = Object.keys(lineColumns) as (keyof typeof lineColumns)[];
const INVOICE_COLUMNS = Object.entries(getTableColumns(invoices)).map(([key, column]) => ({ key, name: column.name }));

/** What a run's invoice sends beside its event: the audit id, the row's fields the view lacks, each line's position and minor units. */
interface RunInvoiceExtra {
  id: string;
  a: string;
  k: string | null;
  r: string | null;
  t: string | null;
  pk: string | null;
  l: [number, number][];
  v?: unknown;
}

/**
 * The invoices this batch's events were written for: each extra (`x`) with the invoice view (`v`),
 * read from its event (or given beside it when the event is bounded).
 */
const MADE = `WITH made AS MATERIALIZED (SELECT jsonb(j.value) AS x, jsonb(coalesce(j.value -> 'v', e.data -> 'invoice')) AS v FROM json_each(?) j JOIN events e ON e.subject_id = j.value ->> 'id' AND e.kind = 'invoice.created' AND e.subject_type = 'invoice')`;

/** Each invoice column from the view (db/invoices.ts invoiceView) and the extra: a column added to the table fails to compile here. */
const INVOICE_FROM_VIEW: Record<keyof typeof invoices.$inferSelect, string> = {
  id: "v ->> 'id'",
  invoiceNumber: "v ->> 'invoiceNumber'",
  customerId: "v ->> 'customerId'",
  currency: "v ->> 'currency'",
  status: "v ->> 'status'",
  paymentStatus: "v ->> 'paymentStatus'",
  amountPaid: "v ->> 'amountPaid'",
  issueDate: "v ->> 'issueDate'",
  dueDate: "v ->> 'dueDate'",
  paymentTermDays: "v ->> 'paymentTermDays'",
  subtotal: "v ->> 'subtotal'",
  tax: "v ->> 'tax'",
  total: "v ->> 'total'",
  taxSummary: "v ->> 'taxSummary'",
  notes: "v ->> 'notes'",
  customerSnapshot: "v ->> 'customer'",
  merchantSnapshot: "v ->> 'merchant'",
  billingScheduleId: "v ->> 'billingScheduleId'",
  billingPeriodStart: "v ->> '$.billingPeriod.start'",
  billingPeriodEnd: "v ->> '$.billingPeriod.end'",
  publicToken: "x ->> 't'",
  pdfKey: "x ->> 'pk'",
  pdfSha256: "v ->> 'pdfSha256'",
  finalizedAt: "v ->> 'finalizedAt'",
  sentAt: "v ->> 'sentAt'",
  voidedAt: "v ->> 'voidedAt'",
  createdAt: "v ->> 'createdAt'",
  updatedAt: "v ->> 'updatedAt'",
  rev: "v ->> 'rev'",
  billingKey: "x ->> 'k'",
  billingRunId: "x ->> 'r'",
};

/** Each line column from the view's line (`l`) and the extra's [position, amountMinor] at the line's index. */
const LINE_FROM_VIEW: Record<(typeof LINE_KEYS)[number], string> = {
  id: "l.value ->> 'id'",
  position: "x ->> ('$.l[' || l.key || '][0]')",
  title: "l.value ->> 'title'",
  description: "l.value ->> 'description'",
  quantity: "l.value ->> 'quantity'",
  rate: "l.value ->> 'rate'",
  amount: "l.value ->> 'amount'",
  amountMinor: "x ->> ('$.l[' || l.key || '][1]')",
  taxRateId: "l.value ->> 'taxRateId'",
  taxRate: "l.value ->> 'taxRate'",
  tax: "l.value ->> 'tax'",
  priceId: "l.value ->> 'priceId'",
  servicePeriodStart: "l.value ->> '$.servicePeriod.start'",
  servicePeriodEnd: "l.value ->> '$.servicePeriod.end'",
};

/** A set of statements for one batch, with the positions of the events whose RETURNING seq says they were written. */
export class RunBatch {
  readonly statements: D1PreparedStatement[] = [];
  /** Each event's statement; `data` null when SQL computes it (read back through RETURNING). */
  private readonly events: { position: number; kind: string; subject: { type: string; id: string }; data: Record<string, unknown> | null }[] = [];
  readonly db: D1Database;
  readonly actor: Actor;
  readonly at: string;
  constructor(db: D1Database, actor: Actor, at: string) {
    this.db = db;
    this.actor = actor;
    this.at = at;
  }

  get size() {
    return this.statements.length + (this.invoices.length ? 4 : 0) + (this.completions.length ? 3 : 0);
  }

  /**
   * An event and its audit row, written only when `condition` (SQL over the batch so far) holds. The
   * event's data is `data`, or — when `dataSql` is given — what that SQL expression computes then.
   */
  recordIf(condition: { sql: string; params: unknown[] }, kind: string, subject: { type: string; id: string }, data: Record<string, unknown> | { sql: string; params: unknown[] }, audit: { before?: unknown; after?: unknown } = {}) {
    const actor = JSON.stringify(this.actor);
    const computed = "sql" in data && typeof data.sql === "string" ? (data as { sql: string; params: unknown[] }) : null;
    const dataSql = computed ? computed.sql : "?";
    const dataParams = computed ? computed.params : [JSON.stringify(bounded(data))];
    this.events.push({ position: this.statements.length, kind, subject, data: computed ? null : (bounded(data) as Record<string, unknown>) });
    this.statements.push(
      this.db
        .prepare(`INSERT INTO events (${EVENT_COLUMNS}) SELECT ?, ?, ?, ?, ${dataSql}, ? WHERE ${condition.sql} RETURNING seq, data`)
        .bind(kind, subject.type, subject.id, actor, ...dataParams, this.at, ...condition.params),
    );
    const after = computed ? { sql: `(SELECT data FROM events WHERE seq = last_insert_rowid())`, params: [] as unknown[] } : { sql: "?", params: [JSON.stringify(bounded(audit.after ?? data))] };
    this.statements.push(
      this.db
        .prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ${after.sql}, NULL WHERE ${condition.sql}`)
        .bind(newId("aud"), this.at, actor, kind, subject.type, subject.id, audit.before === undefined ? null : JSON.stringify(bounded(audit.before)), ...after.params, ...condition.params),
    );
  }

  /**
   * A run's invoice: written unless its key exists (event, invoice, lines, audit row). The batch's
   * invoices go in as four statements over JSON arrays (json_each): D1 pays per statement, and a chunk
   * writes hundreds of rows.
   */
  invoice(invoice: StoredInvoice) {
    this.invoices.push(invoice);
  }

  private readonly invoices: StoredInvoice[] = [];

  /** The invoice.created data of each invoice of the batch, as the events carry it (kept for commit's answer). */
  private readonly createdData = new Map<string, unknown>();

  /**
   * The invoice's JSON crosses to D1 once, as its event's data: the event goes in first, unless an
   * invoice with its schedule and key exists (the unique index decides, in the batch's transaction);
   * the invoice row, its lines and the audit row are then read out of the event row just written
   * (the invoice's fresh id is its subject), so only this batch's own events yield rows. An event too
   * large to carry the whole invoice (bounded) is given the view beside it (`v`).
   */
  private invoiceStatements(): D1PreparedStatement[] {
    if (!this.invoices.length) return [];
    const events: string[] = [];
    const extras: RunInvoiceExtra[] = [];
    for (const inv of this.invoices) {
      const view = invoiceView(inv, "0", null);
      let data: unknown = { invoice: view, billingRunId: inv.billingRunId };
      let json = JSON.stringify(data);
      const whole = json.length <= EVENT_MAX_BYTES;
      if (!whole) json = JSON.stringify((data = bounded(data)));
      this.createdData.set(inv.id, data);
      events.push(`{"id":${JSON.stringify(inv.id)},"s":${JSON.stringify(inv.billingScheduleId)},"k":${JSON.stringify(inv.billingKey)},"d":${json}}`);
      extras.push({
        id: inv.id,
        a: newId("aud"),
        k: inv.billingKey,
        r: inv.billingRunId,
        t: inv.publicToken,
        pk: inv.pdfKey,
        l: inv.lines.map((l) => [l.position, l.amountMinor]),
        ...(whole ? {} : { v: view }),
      });
    }
    const actor = JSON.stringify(this.actor);
    const extrasJson = JSON.stringify(extras);
    return [
      // RETURNING only the seq and the subject: the data is what this batch sent (createdData).
      this.db
        .prepare(
          `INSERT INTO events (${EVENT_COLUMNS}) SELECT 'invoice.created', 'invoice', j.value ->> 'id', ?, j.value -> 'd', ? FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.billing_schedule_id = j.value ->> 's' AND i.billing_key = j.value ->> 'k') RETURNING seq, subject_id`,
        )
        .bind(actor, this.at, `[${events.join(",")}]`),
      this.db.prepare(`${MADE} INSERT INTO invoices (${INVOICE_COLUMNS.map((c) => c.name).join(", ")}) SELECT ${INVOICE_COLUMNS.map((c) => INVOICE_FROM_VIEW[c.key as keyof typeof INVOICE_FROM_VIEW]).join(", ")} FROM made`).bind(extrasJson),
      this.db
        .prepare(`${MADE} INSERT INTO invoice_lines (${LINE_COLUMNS.join(", ")}) SELECT v ->> 'id', ${LINE_KEYS.map((k) => LINE_FROM_VIEW[k]).join(", ")} FROM made, json_each(v, '$.lines') l`)
        .bind(extrasJson),
      this.db
        .prepare(`${MADE} INSERT INTO audit_log (${AUDIT_COLUMNS}) SELECT x ->> 'a', ?, ?, 'invoice.created', 'invoice', v ->> 'id', NULL, json(v), NULL FROM made`)
        .bind(extrasJson, this.at, actor),
    ];
  }

  /** A schedule past its last period: COMPLETED, guarded on the revision it was read at (all of a batch's in three statements). */
  completeSchedule(before: StoredSchedule, view: Record<string, unknown>) {
    this.completions.push({ id: before.id, rev: before.rev, status: before.status, auditId: newId("aud"), data: bounded({ billingSchedule: view }), before: { status: before.status, rev: before.rev } });
  }

  private readonly completions: { id: string; rev: number; status: string; auditId: string; data: unknown; before: unknown }[] = [];

  private completionStatements(): D1PreparedStatement[] {
    if (!this.completions.length) return [];
    const rows = JSON.stringify(this.completions);
    const actor = JSON.stringify(this.actor);
    const done = "EXISTS (SELECT 1 FROM billing_schedules s WHERE s.id = j.value ->> 'id' AND s.status = 'COMPLETED' AND s.updated_at = ? AND s.rev = (j.value ->> 'rev') + 1)";
    return [
      this.db
        .prepare(
          "UPDATE billing_schedules SET status = 'COMPLETED', updated_at = ?, rev = rev + 1 WHERE EXISTS (SELECT 1 FROM json_each(?) j WHERE j.value ->> 'id' = billing_schedules.id AND j.value ->> 'rev' = billing_schedules.rev AND j.value ->> 'status' = billing_schedules.status)",
        )
        .bind(this.at, rows),
      this.db
        .prepare(`INSERT INTO events (${EVENT_COLUMNS}) SELECT 'billing_schedule.completed', 'billing_schedule', j.value ->> 'id', ?, json(j.value -> 'data'), ? FROM json_each(?) j WHERE ${done} RETURNING seq, subject_id, data`)
        .bind(actor, this.at, rows, this.at),
      this.db
        .prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}) SELECT j.value ->> 'auditId', ?, ?, 'billing_schedule.completed', 'billing_schedule', j.value ->> 'id', json(j.value -> 'before'), json(j.value -> 'data' -> 'billingSchedule'), NULL FROM json_each(?) j WHERE ${done}`)
        .bind(this.at, actor, rows, this.at),
    ];
  }

  /**
   * The chunk is done: its row (once — a second attempt's insert does nothing), the run's counters
   * recomputed from the chunk rows and the invoices naming the run, the progress event of the attempt
   * that finished the chunk; and, when every chunk is done, COMPLETED and billing_run.completed, once.
   */
  finishChunk(runId: string, chunkIndex: number, attempt: string) {
    this.statements.push(
      this.db.prepare("INSERT INTO billing_run_chunks (run_id, chunk_index, attempt, completed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING").bind(runId, chunkIndex, attempt, this.at),
      this.db
        .prepare(
          "UPDATE billing_runs SET chunks_done = (SELECT COUNT(*) FROM billing_run_chunks WHERE run_id = ?1), invoices_created = (SELECT COUNT(*) FROM invoices WHERE billing_run_id = ?1) WHERE id = ?1",
        )
        .bind(runId),
    );
    const finished = { sql: "EXISTS (SELECT 1 FROM billing_run_chunks WHERE run_id = ? AND chunk_index = ? AND attempt = ?)", params: [runId, chunkIndex, attempt] };
    this.recordIf(finished, "billing_run.progress", { type: "billing_run", id: runId }, runData(runId, { chunkIndex }));
    this.statements.push(
      this.db.prepare("UPDATE billing_runs SET status = 'COMPLETED', completed_at = ? WHERE id = ? AND status = 'RUNNING' AND chunks_done >= chunks_total").bind(this.at, runId),
    );
    const completed = { sql: "EXISTS (SELECT 1 FROM billing_runs WHERE id = ? AND status = 'COMPLETED' AND completed_at = ?) AND EXISTS (SELECT 1 FROM billing_run_chunks WHERE run_id = ? AND chunk_index = ? AND attempt = ?)", params: [runId, this.at, runId, chunkIndex, attempt] };
    this.recordIf(completed, "billing_run.completed", { type: "billing_run", id: runId }, runData(runId));
  }

  /** Run the batch; the events it wrote, with their seqs, in seq order. */
  async commit(): Promise<EntityEvent[]> {
    const invoiceRows = this.invoiceStatements();
    const completionRows = this.completionStatements();
    const bulk = [...invoiceRows, ...completionRows];
    const statements = [...bulk, ...this.statements];
    if (statements.length === 0) return [];
    const results = await this.db.batch(statements);
    const out: EntityEvent[] = [];
    const returned = (position: number, kind: string, type: string, dataOf?: Map<string, unknown>) => {
      for (const row of (results[position]?.results ?? []) as { seq: number; subject_id: string; data?: string }[]) {
        const data = dataOf ? dataOf.get(row.subject_id) : JSON.parse(row.data as string);
        out.push({ seq: row.seq, kind, subject: { type, id: row.subject_id }, actor: this.actor, at: this.at, data: data as Record<string, unknown> });
      }
    };
    if (invoiceRows.length) returned(0, "invoice.created", "invoice", this.createdData);
    if (completionRows.length) returned(invoiceRows.length + 1, "billing_schedule.completed", "billing_schedule");
    for (const { position, kind, subject, data } of this.events) {
      const row = results[bulk.length + position]?.results?.[0] as { seq: number; data: string } | undefined;
      if (row) out.push({ seq: row.seq, kind, subject, actor: this.actor, at: this.at, data: data ?? JSON.parse(row.data) });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }
}

/** The run as its events carry it, computed in SQL at that point of the batch. */
function runData(runId: string, extra: Record<string, number> = {}): { sql: string; params: unknown[] } {
  const extras = Object.entries(extra).flatMap(([k, v]) => [`'${k}'`, String(Math.trunc(v))]);
  return {
    sql: `(SELECT json_object('billingRun', json_object('id', id, 'asOf', as_of, 'status', status, 'trigger', "trigger", 'schedules', schedules, 'invoicesCreated', invoices_created, 'chunksDone', chunks_done, 'chunksTotal', chunks_total, 'completedAt', completed_at)${extras.length ? ", " + extras.join(", ") : ""}) FROM billing_runs WHERE id = ?)`,
    params: [runId],
  };
}

// A chunk's read, as raw statements mapped with each column's own drizzle mapping (`rawColumns`): at a
// hundred schedules a chunk, drizzle's query building and row mapping were a tenth of a chunk's CPU.
const chunkColumns = {
  run: rawColumns(getTableColumns(billingRuns), "r"),
  schedule: rawColumns(getTableColumns(billingSchedules), "s"),
  price: rawColumns(getTableColumns(prices), "p"),
  product: rawColumns({ id: products.id, name: products.name, taxCategory: products.taxCategory }, "pr"),
  customer: rawColumns(customerColumns, "c"),
  rate: rawColumns(getTableColumns(taxRates), "t"),
  merchant: rawColumns(getTableColumns(merchantTable), "m"),
};

/** A chunk's statements, with an upper bound (every chunk but the last) or without: each an index range on the id. */
function chunkSql(bounded: boolean) {
  const inChunk = `s.id >= ?1${bounded ? " AND s.id < ?2" : ""} AND s.status IN (${BILLABLE.map((b) => `'${b}'`).join(", ")}) AND s.start_date <= ?3`;
  const priceIds = `(SELECT json_extract(l.value, '$.priceId') FROM billing_schedules s, json_each(s.phases) ph, json_each(ph.value, '$.prices') l WHERE ${inChunk})`;
  return {
    run: `SELECT ${chunkColumns.run.list} FROM billing_runs r WHERE r.id = ?`,
    schedules: `SELECT ${chunkColumns.schedule.list} FROM billing_schedules s WHERE ${inChunk} ORDER BY s.id ASC LIMIT ?4`,
    prices: `SELECT ${chunkColumns.price.list} FROM prices p WHERE p.id IN ${priceIds}`,
    products: `SELECT ${chunkColumns.product.list} FROM products pr WHERE pr.id IN (SELECT product_id FROM prices WHERE id IN ${priceIds})`,
    customers: `SELECT ${chunkColumns.customer.list} FROM customers c WHERE c.id IN (SELECT s.customer_id FROM billing_schedules s WHERE ${inChunk})`,
    keys: `SELECT billing_key AS key FROM invoices WHERE billing_schedule_id >= ?1${bounded ? " AND billing_schedule_id < ?2" : ""} AND billing_key IS NOT NULL`,
    rates: `SELECT ${chunkColumns.rate.list} FROM tax_rates t ORDER BY t.created_at ASC, t.id ASC`,
    merchant: `SELECT ${chunkColumns.merchant.list} FROM merchant m LIMIT 1`,
  };
}
const CHUNK_SQL = { bounded: chunkSql(true), last: chunkSql(false) };

/**
 * Everything a chunk reads, in ONE D1 batch: the run, up to `limit` billable schedules of the range,
 * the prices they name (with their product's name and tax category), their customers, the keys already
 * invoiced in the range, the entity's tax rates (oldest first) and the merchant row. The prices and
 * customers are selected by subqueries over the same range, so nothing waits for the schedules first.
 */
export async function loadChunkReads(db: D1Database, runId: string, range: Pick<Chunk, "fromId" | "beforeId">, asOf: IsoDate, limit: number) {
  const q = range.beforeId === null ? CHUNK_SQL.last : CHUNK_SQL.bounded;
  // ?1 from, ?2 before (unused by the last chunk's statements), ?3 asOf, ?4 limit.
  const scope = [range.fromId, range.beforeId ?? "", asOf] as const;
  const [runRows, scheduleRows, priceRows, productRows, customerRows, keyRows, rateRows, merchantRows] = await db.batch<Record<string, unknown>>([
    db.prepare(q.run).bind(runId),
    db.prepare(q.schedules).bind(...scope, limit),
    db.prepare(q.prices).bind(...scope),
    db.prepare(q.products).bind(...scope),
    db.prepare(q.customers).bind(...scope),
    range.beforeId === null ? db.prepare(q.keys).bind(range.fromId) : db.prepare(q.keys).bind(range.fromId, range.beforeId),
    db.prepare(q.rates),
    db.prepare(q.merchant),
  ]);
  const productOf = new Map(productRows!.results.map((r) => chunkColumns.product.row(r)).map((p) => [p.id, p]));
  const priceList = priceRows!.results.map((r) => chunkColumns.price.row(r));
  const run = runRows!.results[0];
  const merchantRow = merchantRows!.results[0];
  return {
    run: run ? chunkColumns.run.row(run) : null,
    schedules: scheduleRows!.results.map((r) => chunkColumns.schedule.row(r)),
    prices: new Map(priceList.map((price) => [price.id, { ...price, productName: productOf.get(price.productId)?.name }])),
    categories: new Map(priceList.map((price) => [price.id, productOf.get(price.productId)?.taxCategory ?? null])),
    customers: new Map(customerRows!.results.map((r) => chunkColumns.customer.row(r)).map((c) => [c.id, c])),
    keys: new Set(keyRows!.results.map((k) => k.key as string)),
    rates: rateRows!.results.map((r) => chunkColumns.rate.row(r)),
    merchantRow: merchantRow ? chunkColumns.merchant.row(merchantRow) : null,
  };
}
