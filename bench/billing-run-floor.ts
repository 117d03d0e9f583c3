// The billing-run bench's endpoints inside the bench Worker (bench-worker.ts mounts them):
// - POST /__bench/billing-seed {prefix, count, startDate}: `count` ACTIVE monthly schedules of one
//   customer in acme-de, written straight to D1 (seeding is not what is measured); bench schedules of
//   earlier scenarios are COMPLETED first so they do not bill again.
// - POST /__bare/billing-floor {runId}: the floor. Reads the invoices (and lines) the run created, then
//   times bare INSERTs of exactly those rows into twin tables, in the run's batch size (INVOICES_PER_BATCH
//   invoices with their lines per D1 batch), one batch after the other: what writing the invoices costs
//   with nothing else (no domain, no keys, no events, no queue). Twice: into heap twins (no key, no index:
//   the floor the issue's ratio is taken against) and into twins of the real tables' shape (their primary
//   key, unique keys, indexes and foreign key), printed beside it; and a third time into those twins with
//   every row the run wrote for each invoice — its invoice.created event and its audit row too.
import { Hono } from "hono";
import { INVOICES_PER_BATCH } from "../worker/domain/billing-run-plan.ts";
import type { Env } from "../worker/env.ts";

type BenchEnv = Env & { ENTITY_ACME_DE: D1Database };

export const billingRunBench = new Hono<{ Bindings: BenchEnv }>();

billingRunBench.post("/__bench/billing-seed", async (c) => {
  const { prefix, count, startDate } = await c.req.json<{ prefix: string; count: number; startDate: string }>();
  const db = c.env.ENTITY_ACME_DE;
  const at = new Date().toISOString();
  const customerId = `cus_bench_${prefix}`;
  await db.batch([
    db.prepare("UPDATE billing_schedules SET status = 'COMPLETED' WHERE id LIKE 'bsch_bench_%' AND status = 'ACTIVE'"),
    db
      .prepare("INSERT OR IGNORE INTO customers (id, legal_name, email, country, currency, tax_status, search, created_at, updated_at, rev) VALUES (?, ?, 'bench@bench.test', 'DE', 'EUR', 'TAXED', '', ?, ?, 1)")
      .bind(customerId, `Bench ${prefix} GmbH`, at, at),
  ]);
  const phases = JSON.stringify([{ startDate, endDate: null, prices: [{ priceId: "price_de_platform_monthly", quantity: "1" }], discounts: [], minimum: null }]);
  const insert = db.prepare(
    "INSERT INTO billing_schedules (id, customer_id, currency, status, start_date, end_date, recurrence_day_of_month, phases, quote_id, activated_at, cancelled_at, created_at, updated_at, rev) VALUES (?, ?, 'EUR', 'ACTIVE', ?, NULL, NULL, ?, NULL, ?, NULL, ?, ?, 1)",
  );
  for (let i = 0; i < count; i += 500) {
    const rows = Array.from({ length: Math.min(500, count - i) }, (_, k) => insert.bind(`bsch_bench_${prefix}_${String(i + k).padStart(6, "0")}`, customerId, startDate, phases, at, at, at));
    await db.batch(rows);
  }
  return c.json({ customerId, count });
});

billingRunBench.post("/__bare/billing-floor", async (c) => {
  const { runId } = await c.req.json<{ runId: string }>();
  const db = c.env.ENTITY_ACME_DE;
  await db.batch([
    db.prepare("CREATE TABLE IF NOT EXISTS bench_invoices AS SELECT * FROM invoices WHERE 0"),
    db.prepare("CREATE TABLE IF NOT EXISTS bench_invoice_lines AS SELECT * FROM invoice_lines WHERE 0"),
  ]);
  await shapedTwins(db);
  const invoices = (await db.prepare("SELECT * FROM invoices WHERE billing_run_id = ? ORDER BY id").bind(runId).all<Record<string, unknown>>()).results;
  const lines = (await db.prepare("SELECT l.* FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.billing_run_id = ? ORDER BY l.invoice_id, l.position").bind(runId).all<Record<string, unknown>>()).results;
  const linesOf = new Map<string, Record<string, unknown>[]>();
  for (const l of lines) linesOf.set(l.invoice_id as string, [...(linesOf.get(l.invoice_id as string) ?? []), l]);
  const statement = (table: string, row: Record<string, unknown>, suffix: string) => {
    const columns = Object.keys(row);
    const values = columns.map((k) => (UNIQUE_COLUMNS.has(k) && row[k] !== null ? `${row[k]}${suffix}` : row[k]));
    return db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...values);
  };
  // Each invoice's own event and audit row, as the run wrote them (the events' seq is the twin's to assign).
  const eventOf = new Map<string, Record<string, unknown>>();
  const auditOf = new Map<string, Record<string, unknown>>();
  const ofRun = "subject_id IN (SELECT id FROM invoices WHERE billing_run_id = ?)";
  for (const { seq: _seq, ...e } of (await db.prepare(`SELECT * FROM events WHERE kind = 'invoice.created' AND ${ofRun}`).bind(runId).all<Record<string, unknown>>()).results) eventOf.set(e.subject_id as string, e);
  for (const a of (await db.prepare(`SELECT * FROM audit_log WHERE action = 'invoice.created' AND ${ofRun}`).bind(runId).all<Record<string, unknown>>()).results) auditOf.set(a.subject_id as string, a);
  const timed = async (invoiceTable: string, lineTable: string, withRecords?: { events: string; audit: string }) => {
    const suffix = `~${crypto.randomUUID().slice(0, 8)}`;
    const started = performance.now();
    for (let i = 0; i < invoices.length; i += INVOICES_PER_BATCH) {
      const batch = invoices.slice(i, i + INVOICES_PER_BATCH).flatMap((inv) => {
        const id = inv.id as string;
        const rows = [statement(invoiceTable, inv, suffix), ...(linesOf.get(id) ?? []).map((l) => statement(lineTable, l, suffix))];
        if (withRecords && eventOf.has(id)) rows.push(statement(withRecords.events, eventOf.get(id)!, suffix));
        if (withRecords && auditOf.has(id)) rows.push(statement(withRecords.audit, auditOf.get(id)!, suffix));
        return rows;
      });
      await db.batch(batch);
    }
    return performance.now() - started;
  };
  const ms = await timed("bench_invoices", "bench_invoice_lines");
  const shapedMs = await timed("bench_shaped_invoices", "bench_shaped_invoice_lines");
  const allRowsMs = await timed("bench_shaped_invoices", "bench_shaped_invoice_lines", { events: "bench_shaped_events", audit: "bench_shaped_audit_log" });
  return c.json({ invoices: invoices.length, lines: lines.length, events: eventOf.size, auditRows: auditOf.size, perBatch: INVOICES_PER_BATCH, ms, shapedMs, allRowsMs });
});

/** Values made distinct per floor pass, so that the twins' unique indexes take every row. */
const UNIQUE_COLUMNS = new Set(["id", "invoice_id", "billing_key", "public_token", "invoice_number", "subject_id"]);

/**
 * Twins of invoices and invoice_lines with the real tables' own DDL — primary key, unique keys, indexes
 * and the lines' foreign key — read from sqlite_master: the same rows into tables of the same shape.
 */
async function shapedTwins(db: D1Database) {
  const { results } = await db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('invoices', 'invoice_lines', 'events', 'audit_log') AND sql IS NOT NULL ORDER BY type DESC")
    .all<{ type: string; name: string; sql: string }>();
  const twin = (sql: string) =>
    sql
      .replace(/(CREATE (?:UNIQUE )?INDEX [`"]?)(\w+)/, "$1bench_shaped_$2")
      .replace(/\b(ON|TABLE) [`"]?(invoices|invoice_lines|events|audit_log)[`"]?/g, "$1 bench_shaped_$2")
      .replace(/REFERENCES [`"]?invoices[`"]?/g, "REFERENCES bench_shaped_invoices")
      .replace(/^CREATE (TABLE|UNIQUE INDEX|INDEX) /, "CREATE $1 IF NOT EXISTS ");
  await db.batch(results.map((r) => db.prepare(twin(r.sql))));
}
