// Billing runs through the Worker: schedules of one's own, a run started and followed until it ends,
// a queue stand-in that keeps chunk messages for a test to deliver itself, and row counts.
import { env } from "cloudflare:test";
import { expect, vi } from "vitest";
import type { BillingRunMessage, ChunkContext, ChunkQueue } from "../../worker/actions/billing-runs.ts";
import type { ActionContext } from "../../worker/actions/context.ts";
import { findEntity } from "../../worker/db/control.ts";
import type { EntityEvent } from "../../party/protocol.ts";
import { ApiClient, unique } from "./client.ts";

export const DE = "/api/v1/entities/acme-de";
export const DE_DB = () => env.ENTITY_ACME_DE as D1Database;

export async function deCustomer(client: ApiClient, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await client.post(`${DE}/customers`, { legalName: unique("Run customer GmbH"), email: "ap@run.test", country: "DE", ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** An activated schedule of `customerId`: platform monthly (1250.00 EUR) plus `extra` over the body; in acme-de unless `base` says. */
export async function activeSchedule(client: ApiClient, customerId: string, extra: Record<string, unknown> = {}, base = DE): Promise<any> {
  const created = await client.post(`${base}/billing-schedules`, {
    customerId,
    currency: "EUR",
    startDate: "2030-01-01",
    endDate: "2030-04-01",
    phases: [{ prices: [{ priceId: "price_de_platform_monthly", quantity: "1" }] }],
    ...extra,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const activated = await client.post(`${base}/billing-schedules/${created.body.id}/activate`);
  expect(activated.status, JSON.stringify(activated.body)).toBe(200);
  return activated.body;
}

/** POST a run and follow it (the real queue delivers its chunks) until it is no longer RUNNING. */
export async function runToEnd(client: ApiClient, asOf: string, base = DE): Promise<any> {
  const started = await client.post(`${base}/billing-runs`, { asOf });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return followRun(client, started.body.id, base);
}

export async function followRun(client: ApiClient, id: string, base = DE): Promise<any> {
  return vi.waitFor(
    async () => {
      const got = await client.get(`${base}/billing-runs/${id}`);
      expect(got.status).toBe(200);
      expect(got.body.status).not.toBe("RUNNING");
      return got.body;
    },
    { timeout: 60_000, interval: 100 },
  );
}

/** The invoices of a schedule: billing key and status, oldest billing day first. */
export const invoicesOf = async (scheduleId: string, db = DE_DB()) =>
  (
    await db
      .prepare("SELECT id, billing_key AS key, billing_run_id AS runId, billing_period_start AS start, total, status FROM invoices WHERE billing_schedule_id = ? ORDER BY billing_key")
      .bind(scheduleId)
      .all<{ id: string; key: string; runId: string; start: string; total: string; status: string }>()
  ).results;

/** Rows of everything a run or a preview could write in one entity: equal before and after means nothing was written. */
export const counts = async (db = DE_DB()) =>
  db
    .prepare(
      "SELECT (SELECT COUNT(*) FROM invoices) invoices, (SELECT COUNT(*) FROM invoice_lines) lines, (SELECT COUNT(*) FROM billing_runs) runs, (SELECT COUNT(*) FROM billing_run_chunks) chunks, (SELECT MAX(seq) FROM events) seq, (SELECT COUNT(*) FROM audit_log) audit, (SELECT group_concat(status || rev, ',') FROM billing_schedules) schedules",
    )
    .first();

/** A queue stand-in: keeps what is sent, for the test to deliver (twice, out of order, after a failure). */
export function keptQueue() {
  const messages: BillingRunMessage[] = [];
  const queue: ChunkQueue & { send(body: BillingRunMessage): Promise<void> } = {
    async sendBatch(batch) {
      for (const m of batch) messages.push(m.body);
    },
    async send(body) {
      messages.push(body);
    },
  };
  return { messages, queue };
}

/** The acme-de action and chunk contexts with a system actor; events are kept, not broadcast. */
export async function deContexts(queue: ReturnType<typeof keptQueue>["queue"]) {
  const entity = (await findEntity(env.CONTROL, "acme-de", "local"))!;
  const published: EntityEvent[] = [];
  const action: ActionContext = { entity, db: DE_DB(), actor: { type: "system", id: "test", name: "Test" }, requestId: null, origin: null };
  const chunk: ChunkContext = { entity, db: DE_DB(), publish: async (events) => void published.push(...events), queue };
  return { entity, action, chunk, published };
}
