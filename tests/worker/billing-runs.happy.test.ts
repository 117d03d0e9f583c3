// Billing runs through the Worker: a run turns each schedule's due periods into one DRAFT invoice per
// schedule and billing day (all its prices on it), through the real queue; a repeat creates nothing; a
// schedule past its last period is COMPLETED; taxes are chosen; the events come in order.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.ts";
import { activeSchedule, DE, DE_DB, deCustomer, invoicesOf, runToEnd } from "../support/billing-runs.ts";

let finance: ApiClient;
let customerId: string;

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  customerId = await deCustomer(finance);
});

describe("billing runs — happy paths", () => {
  it("bills every due period once, all prices of a day on one invoice; the same asOf again creates nothing", async () => {
    const schedule = await activeSchedule(finance, customerId, {
      phases: [{ prices: [{ priceId: "price_de_platform_monthly", quantity: "1" }, { priceId: "price_de_onboarding_once", quantity: "1" }] }],
    });
    const run = await runToEnd(finance, "2030-02-15");
    expect(run).toMatchObject({ object: "billing_run", asOf: "2030-02-15", status: "COMPLETED", trigger: "MANUAL" });
    expect(run.chunksDone).toBe(run.chunksTotal);
    const invoices = await invoicesOf(schedule.id);
    expect(invoices.map((i) => i.key)).toEqual([`${schedule.id}:2030-01-01`, `${schedule.id}:2030-02-01`]);
    expect(invoices.every((i) => i.status === "DRAFT" && i.runId === run.id)).toBe(true);
    expect(run.invoiceIds).toEqual(expect.arrayContaining(invoices.map((i) => i.id)));
    const created = await DE_DB().prepare("SELECT COUNT(*) n FROM invoices WHERE billing_run_id = ?").bind(run.id).first<{ n: number }>();
    expect(run.invoicesCreated).toBe(created!.n);
    expect(run.invoiceIds).toHaveLength(created!.n);

    // The first invoice carries the monthly fee and the one-time onboarding; the second the fee alone.
    const first = (await finance.get(`${DE}/invoices/${invoices[0].id}`)).body;
    expect(first).toMatchObject({ status: "DRAFT", billingScheduleId: schedule.id, billingPeriod: { start: "2030-01-01", end: "2030-02-01" }, subtotal: "6250.00" });
    expect(first.lines.map((l: any) => [l.priceId, l.amount])).toEqual([
      ["price_de_platform_monthly", "1250.00"],
      ["price_de_onboarding_once", "5000.00"],
    ]);
    const second = (await finance.get(`${DE}/invoices/${invoices[1].id}`)).body;
    expect(second.lines.map((l: any) => l.priceId)).toEqual(["price_de_platform_monthly"]);
    expect(second.lines[0].servicePeriod).toEqual({ start: "2030-02-01", end: "2030-03-01" });

    const again = await runToEnd(finance, "2030-02-15");
    expect(again).toMatchObject({ status: "COMPLETED", invoicesCreated: 0, invoiceIds: [] });
    expect(again.id).not.toBe(run.id);
    expect(await invoicesOf(schedule.id)).toEqual(invoices);
  });

  it("a schedule whose last period is billed becomes COMPLETED, with its event", async () => {
    const schedule = await activeSchedule(finance, customerId);
    const run = await runToEnd(finance, "2030-03-01");
    expect(run.status).toBe("COMPLETED");
    expect((await invoicesOf(schedule.id)).map((i) => i.start)).toEqual(["2030-01-01", "2030-02-01", "2030-03-01"]);
    const got = await finance.get(`${DE}/billing-schedules/${schedule.id}`);
    expect(got.body).toMatchObject({ status: "COMPLETED", rev: schedule.rev + 1, nextInvoiceDate: null });
    const kinds = (await DE_DB().prepare("SELECT kind FROM events WHERE subject_id = ? ORDER BY seq").bind(schedule.id).all<{ kind: string }>()).results.map((e) => e.kind);
    expect(kinds).toEqual(["billing_schedule.created", "billing_schedule.activated", "billing_schedule.completed"]);
  });

  it("emits billing_run.started, the invoices, progress and billing_run.completed in that order, each with an audit row", async () => {
    const schedule = await activeSchedule(finance, customerId, { startDate: "2030-05-01", endDate: null });
    const run = await runToEnd(finance, "2030-05-01");
    const events = (
      await DE_DB()
        .prepare("SELECT seq, kind, subject_id AS id, data FROM events WHERE (subject_type = 'billing_run' AND subject_id = ?) OR (kind = 'invoice.created' AND json_extract(data, '$.billingRunId') = ?) ORDER BY seq")
        .bind(run.id, run.id)
        .all<{ seq: number; kind: string; id: string; data: string }>()
    ).results;
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe("billing_run.started");
    expect(kinds[kinds.length - 1]).toBe("billing_run.completed");
    expect(kinds.filter((k) => k === "billing_run.progress")).toHaveLength(run.chunksTotal);
    expect(kinds.filter((k) => k === "invoice.created")).toHaveLength(run.invoicesCreated);
    expect(kinds.indexOf("billing_run.progress")).toBeGreaterThan(kinds.lastIndexOf("invoice.created") - run.invoicesCreated);
    expect(run.invoicesCreated).toBeGreaterThanOrEqual(1);
    expect((await invoicesOf(schedule.id)).map((i) => i.runId)).toEqual([run.id]);
    const completed = JSON.parse(events[events.length - 1].data);
    expect(completed.billingRun).toMatchObject({ id: run.id, status: "COMPLETED", invoicesCreated: run.invoicesCreated, chunksDone: run.chunksTotal });
    const audits = await DE_DB().prepare("SELECT action FROM audit_log WHERE subject_id = ? ORDER BY at, rowid").bind(run.id).all<{ action: string }>();
    expect(audits.results.map((a) => a.action)).toEqual(kinds.filter((k) => k.startsWith("billing_run.")));
  });

  it("lists runs newest first, paged", async () => {
    const page = await finance.get(`${DE}/billing-runs?limit=2`);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0].id > page.body.items[1].id).toBe(true);
    expect(page.body.pagination.after).toBe(page.body.items[1].id);
    const next = await finance.get(`${DE}/billing-runs?limit=2&after=${page.body.pagination.after}`);
    expect(next.body.items.every((r: any) => r.id < page.body.pagination.after)).toBe(true);
  });
});
