// Payment terms (Sequence's names): an invoice's own paymentTermDays, else the merchant's
// defaultDueDateDays, decide its due date at finalize, and the terms applied stay on it. A billing
// schedule's defaultDueDateDays become the paymentTermDays of the invoices its runs make.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { activeSchedule, runToEnd } from "../support/billing-runs.ts";
import { finalizeWithPdf } from "../support/documents.ts";

const UK = "/api/v1/entities/acme-uk";
let finance: ApiClient;
let customerId: string;

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const draft = async (extra: Record<string, unknown> = {}) => {
  const res = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "100", taxRateId: null }], ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
async function setDefaultTerms(days: number | undefined) {
  const current = (await finance.get(`${UK}/merchant`)).body;
  const { rev: _r, updatedAt: _u, defaultDueDateDays: _d, ...input } = current;
  const res = await finance.put(`${UK}/merchant`, days === undefined ? input : { ...input, defaultDueDateDays: days });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  customerId = (await finance.post(`${UK}/customers`, { legalName: unique("Terms Ltd"), email: "ap@terms.test", country: "GB" })).body.id;
});

describe("payment terms", () => {
  it("an invoice's own terms set its due date at finalize, and stay on it", async () => {
    const inv = await draft({ paymentTermDays: 14 });
    expect(inv.paymentTermDays).toBe(14);
    const fin = (await finalizeWithPdf(finance, `${UK}/invoices/${inv.id}`)).body;
    expect(fin).toMatchObject({ status: "FINAL", paymentTermDays: 14, dueDate: addDays(fin.issueDate, 14) });
  });

  it("without its own, the merchant's default applies (30 until set), and is kept as applied", async () => {
    expect((await setDefaultTerms(undefined)).defaultDueDateDays).toBe(30);
    const thirty = (await finalizeWithPdf(finance, `${UK}/invoices/${(await draft()).id}`)).body;
    expect(thirty).toMatchObject({ paymentTermDays: 30, dueDate: addDays(thirty.issueDate, 30) });
    expect((await setDefaultTerms(45)).defaultDueDateDays).toBe(45);
    const inv = await draft();
    expect(inv.paymentTermDays).toBeNull();
    const fin = (await finalizeWithPdf(finance, `${UK}/invoices/${inv.id}`)).body;
    expect(fin).toMatchObject({ paymentTermDays: 45, dueDate: addDays(fin.issueDate, 45) });
    // Due on receipt is terms too.
    const now = (await finalizeWithPdf(finance, `${UK}/invoices/${(await draft({ paymentTermDays: 0 })).id}`)).body;
    expect(now.dueDate).toBe(now.issueDate);
    // A later change of the default leaves issued invoices as they were.
    await setDefaultTerms(60);
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body).toMatchObject({ paymentTermDays: 45, dueDate: fin.dueDate });
  });

  it("a billing schedule's own terms go on the invoices its runs make; without them the merchant's default applies at finalize", async () => {
    await setDefaultTerms(30);
    // One month of the platform in 2047, billed by the run below.
    const terms = { currency: "GBP", startDate: "2047-01-01", endDate: "2047-02-01", phases: [{ prices: [{ priceId: "price_uk_platform_monthly", quantity: "1" }] }] };
    const schedule = (extra: Record<string, unknown>) => activeSchedule(finance, customerId, { ...terms, ...extra }, UK);
    const net14 = await schedule({ defaultDueDateDays: 14 });
    const plain = await schedule({});
    expect([net14.defaultDueDateDays, plain.defaultDueDateDays]).toEqual([14, null]);
    expect((await finance.get(`${UK}/billing-schedules/${net14.id}`)).body.defaultDueDateDays).toBe(14);
    // Past DRAFT (PENDING until 2047, as an executed quote's schedule may be) it still changes its terms: Net 21 from here on.
    const later = await schedule({});
    const net21 = await finance.patch(`${UK}/billing-schedules/${later.id}`, { defaultDueDateDays: 21 }, { "if-match": `"${later.rev}"` });
    expect(net21.status, JSON.stringify(net21.body)).toBe(200);
    expect(net21.body).toMatchObject({ status: "PENDING", defaultDueDateDays: 21, rev: later.rev + 1, phases: later.phases });

    const run = await runToEnd(finance, "2047-01-01", UK);
    const invoices = await Promise.all(run.invoiceIds.map(async (id: string) => (await finance.get(`${UK}/invoices/${id}`)).body));
    const of = (s: { id: string }) => invoices.find((i) => i.billingScheduleId === s.id);
    expect([of(net14)?.paymentTermDays, of(plain)?.paymentTermDays, of(later)?.paymentTermDays]).toEqual([14, null, 21]);
    // Its one period billed, a schedule is COMPLETED: nothing of it changes any more.
    expect((await finance.get(`${UK}/billing-schedules/${net14.id}`)).body.status).toBe("COMPLETED");
    expectError(await finance.patch(`${UK}/billing-schedules/${net14.id}`, { defaultDueDateDays: 30 }), 409, "schedule_not_draft");
    const fourteen = (await finalizeWithPdf(finance, `${UK}/invoices/${of(net14).id}`)).body;
    expect(fourteen).toMatchObject({ status: "FINAL", paymentTermDays: 14, dueDate: addDays(fourteen.issueDate, 14) });
    const thirty = (await finalizeWithPdf(finance, `${UK}/invoices/${of(plain).id}`)).body;
    expect(thirty).toMatchObject({ status: "FINAL", paymentTermDays: 30, dueDate: addDays(thirty.issueDate, 30) });
  });

  it("a draft's terms change with PATCH; null goes back to the default", async () => {
    const inv = await draft({ paymentTermDays: 10 });
    const patched = await finance.patch(`${UK}/invoices/${inv.id}`, { paymentTermDays: 21 });
    expect(patched.body.paymentTermDays).toBe(21);
    const cleared = await finance.patch(`${UK}/invoices/${inv.id}`, { paymentTermDays: null });
    expect(cleared.body.paymentTermDays).toBeNull();
    // Other edits leave them alone.
    const again = await finance.patch(`${UK}/invoices/${inv.id}`, { paymentTermDays: 7 });
    const lines = await finance.patch(`${UK}/invoices/${inv.id}`, { lines: [{ title: "Other", quantity: "2", rate: "5", taxRateId: null }] });
    expect([again.body.paymentTermDays, lines.body.paymentTermDays]).toEqual([7, 7]);
  });

  it("terms that are not whole days from 0 to 365 are a 400 at their field and write nothing", async () => {
    const seq = async () => (await env.ENTITY_ACME_UK.prepare("SELECT MAX(seq) AS s FROM events").first<{ s: number }>())!.s;
    const inv = await draft();
    const before = await seq();
    for (const bad of [366, -1, 1.5, "30"]) {
      const created = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines: [], paymentTermDays: bad });
      expectError(created, 400, "invalid_request");
      expect(created.body.error.details.map((d: { path: string }) => d.path)).toContain("paymentTermDays");
      expectError(await finance.patch(`${UK}/invoices/${inv.id}`, { paymentTermDays: bad }), 400, "invalid_request");
      const merchant = (await finance.get(`${UK}/merchant`)).body;
      const { rev: _r, updatedAt: _u, ...input } = merchant;
      expectError(await finance.put(`${UK}/merchant`, { ...input, defaultDueDateDays: bad }), 400, "invalid_request");
      const schedule = await finance.post(`${UK}/billing-schedules`, { customerId, currency: "GBP", startDate: "2048-01-01", defaultDueDateDays: bad, phases: [{ prices: [{ priceId: "price_uk_platform_monthly", quantity: "1" }] }] });
      expectError(schedule, 400, "invalid_request");
      expect(schedule.body.error.details.map((d: { path: string }) => d.path), String(bad)).toContain("defaultDueDateDays");
    }
    expect(await seq()).toBe(before);
  });
});
