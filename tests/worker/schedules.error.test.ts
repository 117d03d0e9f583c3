// Billing schedules' bad input and state conflicts: 4xx in the contract's shape, nothing written.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";
import { acceptedQuote, eventKinds, scheduleBody, snapshot, US, usCustomer } from "../support/schedules.ts";

let finance: ApiClient;
let customerId: string;

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  customerId = await usCustomer(finance);
});

const paths = (res: { body: any }) => res.body.error.details.map((d: any) => d.path);
/** The paths of a refusal with this status (and code). */
function refused(res: { status: number; body: any }, status: number, code?: string): string[] {
  expectError(res as never, status, code);
  return paths(res);
}

describe("billing schedules — errors", () => {
  it("invalid schedules are 400 with the field at fault, and write nothing", async () => {
    const before = await snapshot();
    const cases: [Record<string, unknown>, string][] = [
      [{ phases: [] }, "phases"],
      [{ startDate: "2096-02-30" }, "startDate"],
      [{ endDate: "2096-01-01" }, "endDate"],
      [{ recurrenceDayOfMonth: 32 }, "recurrenceDayOfMonth"],
      [{ currency: "XYZ" }, "currency"],
      [{ phases: [{ prices: [{ priceId: "price_nope", quantity: "1" }] }] }, "phases.0.prices.0.priceId"],
      [{ phases: [{ prices: [{ priceId: "price_us_platform_monthly", quantity: "-1" }] }] }, "phases.0.prices.0.quantity"],
      [{ phases: [{ prices: [] }] }, "phases.0.prices"],
      // A ramp may not cut a monthly period: 15 Feb is no boundary of a schedule billing on the 31st.
      [{ phases: [{ endDate: "2096-02-15", prices: [{ priceId: "price_us_platform_monthly", quantity: "1" }] }, { prices: [{ priceId: "price_us_platform_monthly", quantity: "2" }] }] }, "phases.1.startDate"],
      [{ phases: [{ prices: [{ priceId: "price_us_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "120" } }] }] }, "phases.0.prices.0.discount.value"],
      [{ phases: [{ prices: [{ priceId: "price_us_platform_monthly", quantity: "1" }], minimum: { amount: "abc" } }] }, "phases.0.minimum.amount"],
      [{ surprise: true }, "surprise"],
      [{ phases: [{ prices: [{ priceId: "price_us_platform_monthly" }] }] }, "phases.0.prices.0.quantity"],
    ];
    for (const [extra, path] of cases) {
      const res = await finance.post(`${US}/billing-schedules`, scheduleBody(customerId, extra));
      expectError(res, 400, "invalid_request");
      expect(paths(res), JSON.stringify(extra)).toContain(path);
    }
    // A UK price is unknown here; the customer's currency decides the schedule's.
    expect(refused(await finance.post(`${US}/billing-schedules`, scheduleBody(customerId, { phases: [{ prices: [{ priceId: "price_uk_platform_monthly", quantity: "1" }] }] })), 400)).toContain("phases.0.prices.0.priceId");
    expectError(await finance.post(`${US}/billing-schedules`, scheduleBody("cus_nope")), 404, "not_found");
    expect(await snapshot()).toBe(before);
    const eur = (await finance.post(`${US}/customers`, { legalName: "Euro buyer", email: "e@e.test", country: "DE", currency: "EUR" })).body;
    const beforeEur = await snapshot();
    expectError(await finance.post(`${US}/billing-schedules`, scheduleBody(eur.id)), 422, "currency_mismatch");
    expect(await snapshot()).toBe(beforeEur);
  });

  it("a PATCH that makes the schedule invalid is 400 at its field; one at an old revision, or of more than the terms once past DRAFT, is 409; none writes", async () => {
    const draft = (await finance.post(`${US}/billing-schedules`, scheduleBody(customerId))).body;
    let before = await snapshot();
    const cases: [Record<string, unknown>, string][] = [
      [{ defaultDueDateDays: 366 }, "defaultDueDateDays"],
      [{ defaultDueDateDays: "14" }, "defaultDueDateDays"],
      [{ endDate: "2096-01-01" }, "endDate"],
      [{ startDate: "2097-02-28" }, "endDate"],
      [{ phases: [] }, "phases"],
      [{ phases: [{ prices: [{ priceId: "price_nope", quantity: "1" }] }] }, "phases.0.prices.0.priceId"],
      [{ status: "ACTIVE" }, "status"],
      [{ surprise: true }, "surprise"],
    ];
    for (const [patch, path] of cases) {
      const res = await finance.patch(`${US}/billing-schedules/${draft.id}`, patch);
      expect(refused(res, 400, "invalid_request"), JSON.stringify(patch)).toContain(path);
    }
    expectError(await finance.patch(`${US}/billing-schedules/${draft.id}`, { customerId: "cus_nope" }), 404, "not_found");
    expectError(await finance.patch(`${US}/billing-schedules/bsch_nope`, { defaultDueDateDays: 7 }), 404, "not_found");
    expectError(await finance.patch(`${US}/billing-schedules/${draft.id}`, { defaultDueDateDays: 7 }, { "if-match": '"9"' }), 409, "rev_conflict");
    expect(await snapshot()).toBe(before);
    expect((await finance.post(`${US}/billing-schedules/${draft.id}/activate`)).status).toBe(200);
    before = await snapshot();
    // Past DRAFT its dates, prices and customer are the contract's: only the payment terms change.
    for (const patch of [{ startDate: "2096-02-29" }, { defaultDueDateDays: 7, endDate: null }, { phases: [{ prices: [{ priceId: "price_us_platform_monthly", quantity: "2" }] }] }]) {
      expectError(await finance.patch(`${US}/billing-schedules/${draft.id}`, patch), 409, "schedule_not_draft");
    }
    expect(refused(await finance.patch(`${US}/billing-schedules/${draft.id}`, { defaultDueDateDays: 400 }), 400, "invalid_request")).toEqual(["defaultDueDateDays"]);
    expect(await snapshot()).toBe(before);
  });

  it("lifecycle steps from the wrong status are 409 and write nothing", async () => {
    const draft = (await finance.post(`${US}/billing-schedules`, scheduleBody(customerId))).body;
    let before = await snapshot();
    expectError(await finance.post(`${US}/billing-schedules/${draft.id}/suspend`), 409, "schedule_not_active");
    expectError(await finance.post(`${US}/billing-schedules/${draft.id}/resume`), 409, "schedule_not_suspended");
    expectError(await finance.post(`${US}/billing-schedules/${draft.id}/cancel`, { endDate: "2096-06-30" }), 409, "schedule_not_cancellable");
    expectError(await finance.post(`${US}/billing-schedules/sch_nope/activate`), 404, "not_found");
    expectError(await finance.get(`${US}/billing-schedules/sch_nope`), 404, "not_found");
    expect(await snapshot()).toBe(before);

    expect((await finance.post(`${US}/billing-schedules/${draft.id}/activate`)).status).toBe(200);
    before = await snapshot();
    expectError(await finance.post(`${US}/billing-schedules/${draft.id}/activate`), 409, "schedule_not_draft");
    expectError(await finance.post(`${US}/billing-schedules/${draft.id}/resume`), 409, "schedule_not_suspended");
    // Cancel: an end from the start (today at the earliest) to the current end, a date, given.
    expect(refused(await finance.post(`${US}/billing-schedules/${draft.id}/cancel`, { endDate: "2096-01-01" }), 400, "invalid_request")).toEqual(["endDate"]);
    expect(refused(await finance.post(`${US}/billing-schedules/${draft.id}/cancel`, { endDate: "2098-01-01" }), 400, "invalid_request")).toEqual(["endDate"]);
    expect(refused(await finance.post(`${US}/billing-schedules/${draft.id}/cancel`, { endDate: "soon" }), 400, "invalid_request")).toEqual(["endDate"]);
    expectError(await finance.post(`${US}/billing-schedules/${draft.id}/cancel`, {}), 400, "invalid_request");
    expect(await snapshot()).toBe(before);

    expect((await finance.post(`${US}/billing-schedules/${draft.id}/cancel`, { endDate: "2096-06-30" })).status).toBe(200);
    before = await snapshot();
    expectError(await finance.post(`${US}/billing-schedules/${draft.id}/cancel`, { endDate: "2096-05-31" }), 409, "schedule_not_cancellable");
    expectError(await finance.post(`${US}/billing-schedules/${draft.id}/suspend`), 409, "schedule_not_active");
    expect(await snapshot()).toBe(before);
  });

  it("concurrent activations of one DRAFT: one wins, the others are 409 and write nothing", async () => {
    const draft = (await finance.post(`${US}/billing-schedules`, scheduleBody(customerId))).body;
    const results = await Promise.all(Array.from({ length: 6 }, () => finance.post(`${US}/billing-schedules/${draft.id}/activate`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectError(r, 409, "schedule_not_draft");
    expect(await eventKinds(draft.id)).toEqual(["billing_schedule.created", "billing_schedule.activated"]);
  });

  it("only an ACCEPTED quote executes: a DRAFT or PUBLISHED one is 409 quote_not_accepted, an unknown one 404", async () => {
    const sales = await ApiClient.signIn("sales@acme.test");
    const draft = (await sales.post(`${US}/quotes`, { customerId, title: "Not yet", currency: "USD", lines: [{ priceId: "price_us_platform_monthly", quantity: "1" }] })).body;
    const before = await snapshot();
    expectError(await finance.post(`${US}/quotes/${draft.id}/execute`), 409, "quote_not_accepted");
    await sales.post(`${US}/quotes/${draft.id}/publish`);
    const published = await snapshot();
    expectError(await finance.post(`${US}/quotes/${draft.id}/execute`), 409, "quote_not_accepted");
    expectError(await finance.post(`${US}/quotes/q_nope/execute`), 404, "not_found");
    expect(await snapshot()).toBe(published);
    expect(before).not.toBe(published);
    // Executed once, a quote stays executed: no second schedule.
    const accepted = await acceptedQuote(sales, customerId);
    const first = (await finance.post(`${US}/quotes/${accepted}/execute`)).body.billingScheduleId;
    const after = await snapshot();
    expect((await finance.post(`${US}/quotes/${accepted}/execute`)).body.billingScheduleId).toBe(first);
    expect(await snapshot()).toBe(after);
  });
});
