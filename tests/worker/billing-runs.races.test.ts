// Billing runs that overlap, repeat or fail halfway: every invoice exists once per schedule and billing
// day (the unique key in D1), the run's counters count each chunk once, and it still completes.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import * as runs from "../../worker/actions/billing-runs.ts";
import { CHUNK_SCHEDULES } from "../../worker/domain/billing-run-plan.ts";
import { startCronRuns } from "../../worker/jobs/scheduled.ts";
import { ApiClient } from "../support/client.ts";
import { activeSchedule, DE, DE_DB, deContexts, deCustomer, followRun, invoicesOf, keptQueue } from "../support/billing-runs.ts";

let finance: ApiClient;
let customerId: string;

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  customerId = await deCustomer(finance);
});

const runRow = (id: string) => DE_DB().prepare("SELECT status, invoices_created AS created, chunks_done AS done, chunks_total AS total FROM billing_runs WHERE id = ?").bind(id).first<any>();
const eventCount = (id: string, kind: string) => DE_DB().prepare("SELECT COUNT(*) n FROM events WHERE subject_id = ? AND kind = ?").bind(id, kind).first<{ n: number }>().then((r) => r!.n);
const madeBy = (id: string) => DE_DB().prepare("SELECT COUNT(*) n FROM invoices WHERE billing_run_id = ?").bind(id).first<{ n: number }>().then((r) => r!.n);

describe("billing runs — races and retries", () => {
  it("two runs started at once for the same asOf create each invoice once between them", async () => {
    const schedules = await Promise.all([0, 1, 2].map(() => activeSchedule(finance, customerId, { startDate: "2031-01-01", endDate: null })));
    const [a, b] = await Promise.all([finance.post(`${DE}/billing-runs`, { asOf: "2031-03-01" }), finance.post(`${DE}/billing-runs`, { asOf: "2031-03-01" })]);
    expect([a.status, b.status]).toEqual([202, 202]);
    const [ra, rb] = await Promise.all([followRun(finance, a.body.id), followRun(finance, b.body.id)]);
    expect([ra.status, rb.status]).toEqual(["COMPLETED", "COMPLETED"]);
    for (const s of schedules) {
      const invoices = await invoicesOf(s.id);
      expect(invoices.map((i) => i.start)).toEqual(["2031-01-01", "2031-02-01", "2031-03-01"]);
      expect(invoices.every((i) => i.runId === ra.id || i.runId === rb.id)).toBe(true);
    }
    // Each run counts what it made, and the invoice.created events are exactly the invoices.
    expect(ra.invoicesCreated).toBe(await madeBy(ra.id));
    expect(rb.invoicesCreated).toBe(await madeBy(rb.id));
    for (const s of schedules) for (const i of await invoicesOf(s.id)) expect(await eventCount(i.id, "invoice.created")).toBe(1);
  });

  it("a chunk delivered twice (in sequence and concurrently) is billed and counted once; the run completes once", async () => {
    const schedule = await activeSchedule(finance, customerId, { startDate: "2032-01-01", endDate: null });
    const { messages, queue } = keptQueue();
    const { action, chunk } = await deContexts(queue);
    const run = await runs.start(action, { asOf: "2032-02-01" }, queue);
    expect(messages.length).toBe(run.chunksTotal);
    for (const m of messages) await Promise.all([runs.billChunk(chunk, m), runs.billChunk(chunk, m)]);
    for (const m of messages) await runs.billChunk(chunk, m);
    const row = await runRow(run.id);
    expect(row).toMatchObject({ status: "COMPLETED", done: run.chunksTotal, total: run.chunksTotal });
    expect(row.created).toBe(await madeBy(run.id));
    expect((await invoicesOf(schedule.id)).map((i) => i.start)).toEqual(["2032-01-01", "2032-02-01"]);
    expect(await eventCount(run.id, "billing_run.completed")).toBe(1);
    expect(await eventCount(run.id, "billing_run.progress")).toBe(run.chunksTotal);
    const got = await finance.get(`${DE}/billing-runs/${run.id}`);
    expect(got.body).toMatchObject({ status: "COMPLETED", invoicesCreated: row.created });
    expect(got.body.invoiceIds).toHaveLength(row.created);
  });

  it("a chunk that fails halfway (after its first batch) and is retried completes without duplicates", async () => {
    const schedules = await Promise.all(Array.from({ length: 3 }, () => activeSchedule(finance, customerId, { startDate: "2033-01-01", endDate: null })));
    const { messages, queue } = keptQueue();
    const { action, chunk } = await deContexts(queue);
    const run = await runs.start(action, { asOf: "2035-01-01" }, queue);
    // The first batch commits, then the worker dies before the rest (its publish fails after commit).
    let batches = 0;
    const dying = { ...chunk, publish: async () => void (batches++ === 0 && (() => { throw new Error("worker evicted"); })()) };
    await expect(runs.billChunk(dying, messages[messages.length - 1])).rejects.toThrow("worker evicted");
    const partial = await madeBy(run.id);
    expect(partial).toBeGreaterThan(0);
    expect((await runRow(run.id)).status).toBe("RUNNING");
    for (let i = 0; i < messages.length; i++) await runs.billChunk(chunk, messages[i]); // follow-ups land in `messages` too
    const row = await runRow(run.id);
    expect(row).toMatchObject({ status: "COMPLETED", done: run.chunksTotal });
    expect(row.created).toBe(await madeBy(run.id));
    for (const s of schedules) {
      const invoices = await invoicesOf(s.id);
      expect(invoices).toHaveLength(25); // 2033-01 … 2035-01, monthly
      expect(new Set(invoices.map((i) => i.key)).size).toBe(25);
    }
  });

  it("a schedule with a long backlog continues in follow-up messages within the row budget", async () => {
    const schedule = await activeSchedule(finance, customerId, { startDate: "2000-01-01", endDate: "2036-01-01" });
    const { messages, queue } = keptQueue();
    const { action, chunk } = await deContexts(queue);
    const run = await runs.start(action, { asOf: "2036-01-01" }, queue);
    let resumed = 0;
    for (let i = 0; i < messages.length; i++) if ((await runs.billChunk(chunk, messages[i])).resumed) resumed++;
    expect(resumed).toBeGreaterThan(0);
    expect(messages.some((m) => m.resumeFromId === schedule.id)).toBe(true);
    expect(await invoicesOf(schedule.id)).toHaveLength(36 * 12);
    expect((await runRow(run.id)).status).toBe("COMPLETED");
    expect((await finance.get(`${DE}/billing-schedules/${schedule.id}`)).body.status).toBe("COMPLETED");
  });

  it("the cron starts one run per entity for its local date, however many ticks race", async () => {
    const { messages, queue } = keptQueue();
    // 23:30 UTC on 30 June: already 1 July in Berlin and London, still 30 June in New York.
    const at = new Date("2040-06-30T23:30:00Z");
    const [first, second] = await Promise.all([startCronRuns(env, at, queue), startCronRuns(env, at, queue)]);
    const third = await startCronRuns(env, at, queue);
    expect(Object.values(third).every((id) => id === null)).toBe(true);
    const expected: Record<string, [string, D1Database]> = { ent_acme_de: ["2040-07-01", DE_DB()], ent_acme_uk: ["2040-07-01", env.ENTITY_ACME_UK], ent_acme_us: ["2040-06-30", env.ENTITY_ACME_US] };
    for (const [entityId, [day, db]] of Object.entries(expected)) {
      const started = [first[entityId], second[entityId]].filter(Boolean);
      expect(started).toHaveLength(1);
      const rows = await db.prepare("SELECT id, as_of, trigger FROM billing_runs WHERE trigger = 'CRON' AND as_of LIKE '2040-%'").all<any>();
      expect(rows.results).toEqual([{ id: started[0], as_of: day, trigger: "CRON" }]);
    }
    expect(messages.every((m) => m.asOf.startsWith("2040-0"))).toBe(true);
  });
  it("a run of several chunks completes once, when its last chunk finishes first and the rest side by side", async () => {
    // More schedules than two chunks hold, written straight to D1 (as the bench seeds them): ACTIVE, monthly, from 2038-01-01.
    const owner = await deCustomer(finance);
    const count = 2 * CHUNK_SCHEDULES + 50;
    const at = new Date().toISOString();
    const phases = JSON.stringify([{ startDate: "2038-01-01", endDate: null, prices: [{ priceId: "price_de_platform_monthly", quantity: "1" }], discounts: [], minimum: null }]);
    const insert = DE_DB().prepare(
      "INSERT INTO billing_schedules (id, customer_id, currency, status, start_date, end_date, recurrence_day_of_month, phases, quote_id, activated_at, cancelled_at, created_at, updated_at, rev) VALUES (?, ?, 'EUR', 'ACTIVE', '2038-01-01', NULL, NULL, ?, NULL, ?, NULL, ?, ?, 1)",
    );
    await DE_DB().batch(Array.from({ length: count }, (_, i) => insert.bind(`bsch_many_${String(i).padStart(4, "0")}`, owner, phases, at, at, at)));
    const { messages, queue } = keptQueue();
    const { action, chunk } = await deContexts(queue);
    const run = await runs.start(action, { asOf: "2038-01-01" }, queue);
    expect(run.chunksTotal).toBeGreaterThanOrEqual(3);
    const sent = messages.length;
    await runs.billChunk(chunk, messages[sent - 1]);
    expect((await runRow(run.id)).status).toBe("RUNNING");
    await Promise.all(messages.slice(0, sent - 1).map((m) => runs.billChunk(chunk, m)));
    for (let i = sent; i < messages.length; i++) await runs.billChunk(chunk, messages[i]); // follow-ups of older schedules' backlogs
    const row = await runRow(run.id);
    expect(row).toMatchObject({ status: "COMPLETED", done: run.chunksTotal, total: run.chunksTotal });
    const perSchedule = await DE_DB().prepare("SELECT COUNT(*) n FROM invoices WHERE billing_schedule_id LIKE 'bsch_many_%' GROUP BY billing_schedule_id").all<{ n: number }>();
    expect(perSchedule.results).toHaveLength(count);
    expect(perSchedule.results.every((r) => r.n === 1)).toBe(true);
    expect(row.created).toBe(await madeBy(run.id));
    expect(await eventCount(run.id, "billing_run.completed")).toBe(1);
    expect(await eventCount(run.id, "billing_run.progress")).toBe(run.chunksTotal);
  });
});
