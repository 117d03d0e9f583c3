// The Xero-sync bench's endpoints inside the bench Worker (bench-worker.ts mounts them):
// - POST /__bench/xero-seed {binding, templateInvoiceId, prefix, count}: `count` copies of one invoice
//   finalized through the API, each for its own copy of the template's customer (own id, name, e-mail),
//   with its own id, number and lines, written straight to D1 in batches: seeding is not what is
//   measured, and the copies are final invoices row for row as finalize left the template.
// - POST /__bench/xero-forget {binding, every}: every `every`-th SYNCED contact and invoice goes back to
//   PENDING with no Xero id and an error — what a run killed after Xero wrote, before we recorded, leaves.
import { Hono } from "hono";
import type { Env } from "../worker/env.ts";

export const xeroSyncBench = new Hono<{ Bindings: Env }>();

type Row = Record<string, unknown>;

function copy(db: D1Database, table: string, row: Row, overrides: Row): D1PreparedStatement {
  const columns = Object.keys(row);
  return db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...columns.map((k) => (k in overrides ? overrides[k] : row[k])));
}

xeroSyncBench.post("/__bench/xero-seed", async (c) => {
  const { binding, templateInvoiceId, prefix, count } = await c.req.json<{ binding: string; templateInvoiceId: string; prefix: string; count: number }>();
  const db = (c.env as unknown as Record<string, D1Database>)[binding]!;
  const invoice = await db.prepare("SELECT * FROM invoices WHERE id = ? AND status = 'FINAL'").bind(templateInvoiceId).first<Row>();
  if (!invoice) return c.json({ error: "the template must be a FINAL invoice" }, 400);
  const lines = (await db.prepare("SELECT * FROM invoice_lines WHERE invoice_id = ?").bind(templateInvoiceId).all<Row>()).results;
  const customer = (await db.prepare("SELECT * FROM customers WHERE id = ?").bind(invoice.customer_id).first<Row>())!;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(5, "0");
    const customerId = `cus_xb_${prefix}_${n}`;
    const invoiceId = `inv_xb_${prefix}_${n}`;
    const name = `XB ${prefix} Customer ${n} Ltd`;
    statements.push(copy(db, "customers", customer, { id: customerId, legal_name: name, email: `ap${n}@xb-${prefix}.test`, search: name.toLowerCase() }));
    statements.push(copy(db, "invoices", invoice, { id: invoiceId, invoice_number: `XB-${prefix}-${n}`, customer_id: customerId, public_token: `xb_${prefix}_${n}_${crypto.randomUUID()}` }));
    for (const line of lines) statements.push(copy(db, "invoice_lines", line, { id: `${line.id}_xb_${prefix}_${n}`, invoice_id: invoiceId }));
  }
  for (let i = 0; i < statements.length; i += 200) await db.batch(statements.slice(i, i + 200));
  return c.json({ invoices: count, customers: count, lines: count * lines.length });
});

xeroSyncBench.post("/__bench/xero-forget", async (c) => {
  const { binding, every } = await c.req.json<{ binding: string; every: number }>();
  const db = (c.env as unknown as Record<string, D1Database>)[binding]!;
  const result = await db
    .prepare(
      `UPDATE sync_objects SET state = 'PENDING', xero_id = NULL, error = 'the run was killed before its answer was recorded', updated_at = ?
       WHERE provider = 'xero' AND state = 'SYNCED' AND object_type IN ('contact', 'invoice') AND rowid % ? = 0`,
    )
    .bind(new Date().toISOString(), every)
    .run();
  return c.json({ forgotten: result.meta.changes });
});
