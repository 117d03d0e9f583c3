// Billing schedules through the Worker: a DRAFT, its lifecycle, month-end billing days, ramps, and
// executing an accepted quote into its schedule (once, however often or concurrently it is asked).
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.ts";
import { acceptedQuote, eventKinds, scheduleBody, US, usCustomer } from "../support/schedules.ts";

let finance: ApiClient;
let sales: ApiClient;
let customerId: string;

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  sales = await ApiClient.signIn("sales@acme.test");
  customerId = await usCustomer(finance);
});

const dates = (schedule: any) => schedule.upcomingInvoices.map((i: any) => i.billingDate);

describe("billing schedules — happy paths", () => {
  it("a schedule from 31 January bills on each month's last day: 29 February in a leap year, then 31 March, 30 April", async () => {
    const created = await finance.post(`${US}/billing-schedules`, scheduleBody(customerId));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: "DRAFT", customerId, currency: "USD", startDate: "2096-01-31", endDate: "2097-01-31", recurrenceDayOfMonth: null, quoteId: null, rev: 1, nextInvoiceDate: null });
    expect(created.body.phases).toEqual([{ startDate: "2096-01-31", endDate: "2097-01-31", prices: [{ priceId: "price_us_platform_monthly", quantity: "1" }], discounts: [], minimum: null }]);
    // A DRAFT previews what it would bill once active.
    expect(dates(created.body)).toEqual(["2096-01-31", "2096-02-29", "2096-03-31", "2096-04-30", "2096-05-31", "2096-06-30", "2096-07-31", "2096-08-31", "2096-09-30", "2096-10-31", "2096-11-30", "2096-12-31"]);
    expect(created.body.upcomingInvoices[1]).toEqual({ billingDate: "2096-02-29", billingPeriod: { start: "2096-02-29", end: "2096-03-31" }, total: "1250.00" });

    const got = await finance.get(`${US}/billing-schedules/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    // 2097 is no leap year: a schedule from 31 January 2097 bills on 28 February.
    const plain = await finance.post(`${US}/billing-schedules`, scheduleBody(customerId, { startDate: "2097-01-31", endDate: null }));
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
    expect(dates(plain.body).slice(0, 4)).toEqual(["2097-01-31", "2097-02-28", "2097-03-31", "2097-04-30"]);
    expect(plain.body.endDate).toBeNull();
  });

  it("a DRAFT changes with PATCH: its terms, its start (the phases move with it), its phases whole; one event and audit row each", async () => {
    const created = (await finance.post(`${US}/billing-schedules`, scheduleBody(customerId))).body;
    const terms = await finance.patch(`${US}/billing-schedules/${created.id}`, { defaultDueDateDays: 14 });
    expect(terms.status, JSON.stringify(terms.body)).toBe(200);
    expect(terms.body).toMatchObject({ status: "DRAFT", rev: 2, defaultDueDateDays: 14, startDate: "2096-01-31", phases: [{ startDate: "2096-01-31", endDate: "2097-01-31" }] });
    // A later start: the one phase starts with it; null terms go back to the merchant's default.
    const moved = await finance.patch(`${US}/billing-schedules/${created.id}`, { startDate: "2096-03-31", defaultDueDateDays: null }, { "if-match": '"2"' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ rev: 3, startDate: "2096-03-31", defaultDueDateDays: null, phases: [{ startDate: "2096-03-31", endDate: "2097-01-31" }] });
    expect(moved.body.upcomingInvoices[0]).toMatchObject({ billingDate: "2096-03-31" });
    // New phases replace the old: a ramp of two seats, then five.
    const ramp = await finance.patch(`${US}/billing-schedules/${created.id}`, {
      phases: [
        { endDate: "2096-06-30", prices: [{ priceId: "price_us_seats_monthly", quantity: "2" }] },
        { prices: [{ priceId: "price_us_seats_monthly", quantity: "5" }] },
      ],
    });
    expect(ramp.status, JSON.stringify(ramp.body)).toBe(200);
    expect(ramp.body.phases.map((p: any) => [p.startDate, p.endDate, p.prices[0].quantity])).toEqual([
      ["2096-03-31", "2096-06-30", "2"],
      ["2096-06-30", "2097-01-31", "5"],
    ]);
    expect((await finance.get(`${US}/billing-schedules/${created.id}`)).body).toEqual(ramp.body);
    expect(await eventKinds(created.id)).toEqual(["billing_schedule.created", "billing_schedule.updated", "billing_schedule.updated", "billing_schedule.updated"]);
    const audit = await env.ENTITY_ACME_US.prepare("SELECT action, before, after FROM audit_log WHERE subject_id = ? ORDER BY at, rowid").bind(created.id).all<{ action: string; before: string; after: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(["billing_schedule.created", "billing_schedule.updated", "billing_schedule.updated", "billing_schedule.updated"]);
    expect([JSON.parse(audit.results[1].before).defaultDueDateDays, JSON.parse(audit.results[1].after).defaultDueDateDays]).toEqual([null, 14]);
    const event = await env.ENTITY_ACME_US.prepare("SELECT data FROM events WHERE subject_id = ? AND kind = 'billing_schedule.updated' ORDER BY seq LIMIT 1").bind(created.id).first<{ data: string }>();
    expect(JSON.parse(event!.data)).toMatchObject({ billingSchedule: { id: created.id, rev: 2, defaultDueDateDays: 14 }, changed: ["defaultDueDateDays"] });
  });

  it("activate (PENDING before a future start), suspend, resume, cancel: each one event and audit row", async () => {
    const id = (await finance.post(`${US}/billing-schedules`, scheduleBody(customerId))).body.id;
    const activated = await finance.post(`${US}/billing-schedules/${id}/activate`);
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    expect(activated.body).toMatchObject({ status: "PENDING", rev: 2, nextInvoiceDate: "2096-01-31" });
    expect(activated.body.activatedAt).toBeTruthy();

    const pending = await finance.get(`${US}/billing-schedules?status=PENDING&customerId=${customerId}&limit=100`);
    expect(pending.body.items.map((s: any) => s.id)).toContain(id);
    expect(pending.body.items.every((s: any) => s.status === "PENDING" && s.customerId === customerId)).toBe(true);
    expect((await finance.get(`${US}/billing-schedules?status=ACTIVE&limit=100`)).body.items.map((s: any) => s.id)).not.toContain(id);

    const suspended = await finance.post(`${US}/billing-schedules/${id}/suspend`);
    expect(suspended.body).toMatchObject({ status: "SUSPENDED", rev: 3, nextInvoiceDate: null, upcomingInvoices: [] });
    const resumed = await finance.post(`${US}/billing-schedules/${id}/resume`);
    expect(resumed.body).toMatchObject({ status: "PENDING", rev: 4, nextInvoiceDate: "2096-01-31" });

    const cancelled = await finance.post(`${US}/billing-schedules/${id}/cancel`, { endDate: "2096-06-30" });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "CANCELLED", endDate: "2096-06-30", rev: 5 });
    expect(dates(cancelled.body)).toEqual(["2096-01-31", "2096-02-29", "2096-03-31", "2096-04-30", "2096-05-31"]);
    // The last period the end cuts is billed whole (decisions.md), its service ending on the end date.
    expect(cancelled.body.upcomingInvoices[4]).toEqual({ billingDate: "2096-05-31", billingPeriod: { start: "2096-05-31", end: "2096-06-30" }, total: "1250.00" });

    expect(await eventKinds(id)).toEqual(["billing_schedule.created", "billing_schedule.activated", "billing_schedule.suspended", "billing_schedule.resumed", "billing_schedule.cancelled"]);
    const audit = await env.ENTITY_ACME_US.prepare("SELECT action, actor FROM audit_log WHERE subject_id = ? ORDER BY at, rowid").bind(id).all<{ action: string; actor: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(["billing_schedule.created", "billing_schedule.activated", "billing_schedule.suspended", "billing_schedule.resumed", "billing_schedule.cancelled"]);
    expect(JSON.parse(audit.results[0].actor)).toMatchObject({ type: "user" });
  });

  it("a schedule that started in the past activates ACTIVE and its next invoice is the coming recurrence day", async () => {
    const created = await finance.post(`${US}/billing-schedules`, scheduleBody(customerId, { startDate: "2020-01-15", endDate: null }));
    const activated = await finance.post(`${US}/billing-schedules/${created.body.id}/activate`);
    expect(activated.body.status).toBe("ACTIVE");
    const next: string = activated.body.nextInvoiceDate;
    expect(next.slice(8)).toBe("15");
    const days = (Date.parse(next) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(-2);
    expect(days).toBeLessThan(32);
    expect((await finance.get(`${US}/billing-schedules?status=ACTIVE&limit=100`)).body.items.map((s: any) => s.id)).toContain(created.body.id);
  });

  it("a ramp: quarterly phases at different seat counts, each billed at its own terms", async () => {
    const res = await finance.post(`${US}/billing-schedules`, {
      customerId,
      currency: "USD",
      startDate: "2096-01-01",
      endDate: "2096-07-01",
      phases: [
        { endDate: "2096-04-01", prices: [{ priceId: "price_us_seats_monthly", quantity: "10" }] },
        { prices: [{ priceId: "price_us_seats_monthly", quantity: "20" }], discounts: [{ type: "PERCENTAGE", value: "10" }] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.phases.map((p: any) => [p.startDate, p.endDate])).toEqual([["2096-01-01", "2096-04-01"], ["2096-04-01", "2096-07-01"]]);
    expect(res.body.upcomingInvoices.map((i: any) => [i.billingDate, i.total])).toEqual([
      ["2096-01-01", "150.00"],
      ["2096-02-01", "150.00"],
      ["2096-03-01", "150.00"],
      ["2096-04-01", "270.00"],
      ["2096-05-01", "270.00"],
      ["2096-06-01", "270.00"],
    ]);
  });

  it("executing an accepted quote makes its schedule and the quote EXECUTED in one batch; again: the same schedule", async () => {
    const quoteId = await acceptedQuote(sales, customerId, { startDate: "2096-01-31", contractLengthMonths: 12 });
    const executed = await finance.post(`${US}/quotes/${quoteId}/execute`);
    expect(executed.status, JSON.stringify(executed.body)).toBe(200);
    const schedule = executed.body.billingSchedule;
    expect(executed.body).toMatchObject({ id: quoteId, status: "EXECUTED", billingScheduleId: schedule.id });
    expect(schedule).toMatchObject({ status: "PENDING", quoteId, customerId, startDate: "2096-01-31", endDate: "2097-01-31", nextInvoiceDate: "2096-01-31" });
    expect(schedule.phases[0].prices).toEqual([
      { priceId: "price_us_platform_monthly", quantity: "1" },
      { priceId: "price_us_onboarding_once", quantity: "1", discount: { type: "NOMINAL", value: "500.00" } },
    ]);
    // The first invoice carries the one-time onboarding (5000 − 500); February ends on the 29th.
    expect(schedule.upcomingInvoices.slice(0, 3).map((i: any) => [i.billingDate, i.total])).toEqual([
      ["2096-01-31", "5750.00"],
      ["2096-02-29", "1250.00"],
      ["2096-03-31", "1250.00"],
    ]);
    expect(await eventKinds(schedule.id)).toEqual(["billing_schedule.activated"]);
    expect((await eventKinds(quoteId)).at(-1)).toBe("quote.executed");

    const again = await finance.post(`${US}/quotes/${quoteId}/execute`);
    expect(again.status).toBe(200);
    expect(again.body.billingScheduleId).toBe(schedule.id);
    expect((await finance.get(`${US}/quotes/${quoteId}`)).body).toMatchObject({ status: "EXECUTED", billingScheduleId: schedule.id });
    expect((await finance.get(`${US}/billing-schedules/${schedule.id}`)).body.quoteId).toBe(quoteId);
    expect(await eventKinds(schedule.id)).toEqual(["billing_schedule.activated"]);
  });

  it("a quote without a startDate starts on its acceptance day: ACTIVE at once", async () => {
    const quoteId = await acceptedQuote(sales, customerId);
    const executed = await finance.post(`${US}/quotes/${quoteId}/execute`);
    expect(executed.status, JSON.stringify(executed.body)).toBe(200);
    const schedule = executed.body.billingSchedule;
    expect(schedule.status).toBe("ACTIVE");
    expect(Math.abs(Date.parse(schedule.startDate) - Date.now()) / 86_400_000).toBeLessThan(2);
    expect(schedule.nextInvoiceDate).toBe(schedule.startDate);
  });

  it("executing one quote concurrently makes one schedule, and every call answers with it", async () => {
    const quoteId = await acceptedQuote(sales, customerId);
    const admin = await ApiClient.signIn("admin@acme.test");
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? admin : finance).post(`${US}/quotes/${quoteId}/execute`)));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const ids = new Set(results.map((r) => r.body.billingScheduleId));
    expect(ids.size).toBe(1);
    const rows = await env.ENTITY_ACME_US.prepare("SELECT id FROM billing_schedules WHERE quote_id = ?").bind(quoteId).all<{ id: string }>();
    expect(rows.results.map((r) => r.id)).toEqual([...ids]);
    expect((await eventKinds(quoteId)).filter((k) => k === "quote.executed")).toHaveLength(1);
  });
});
