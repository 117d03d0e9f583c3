// Billing runs through the Worker: a run turns each schedule's due periods into one DRAFT invoice per
// schedule and billing day (all its prices on it), through the real queue; a repeat creates nothing; a
// schedule past its last period is COMPLETED; taxes are chosen; the events come in order.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.ts";
import { activeSchedule, counts, DE, DE_DB, deCustomer, invoicesOf, runToEnd } from "../support/billing-runs.ts";

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

describe("billing runs — dry run and tax", () => {
  it("a dry run lists the invoices it would create with totals and warnings, and writes nothing", async () => {
    const zero = await activeSchedule(finance, customerId, {
      startDate: "2037-01-01",
      endDate: "2037-03-01",
      phases: [{ prices: [{ priceId: "price_de_platform_monthly", quantity: "1", discount: { type: "NOMINAL", value: "1250.00" } }] }],
    });
    const rc = await finance.post(`${DE}/customers`, { legalName: "Sans Numéro SARL", email: "ap@sans.test", country: "FR", currency: "EUR", taxStatus: "REVERSE_CHARGED", taxId: "FR40303265045" });
    expect(rc.status, JSON.stringify(rc.body)).toBe(201);
    // The API no longer lets a reverse-charged customer lose its tax id; rows from before (or an import) can lack it.
    await DE_DB().prepare("UPDATE customers SET tax_id = NULL WHERE id = ?").bind(rc.body.id).run();
    const reverse = await activeSchedule(finance, rc.body.id, { startDate: "2037-01-01", endDate: "2037-03-01" });
    // A product in a category none of the entity's rates covers: its lines would carry no tax.
    const exotic = await finance.post(`${DE}/products`, { name: "Exotic goods", taxCategory: "exotic" });
    const exoticPrice = await finance.post(`${DE}/prices`, { productId: exotic.body.id, name: "Exotic — monthly", currency: "EUR", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "10.00" } });
    expect(exoticPrice.status, JSON.stringify(exoticPrice.body)).toBe(201);
    const untaxed = await activeSchedule(finance, customerId, { startDate: "2037-01-01", endDate: "2037-02-01", phases: [{ prices: [{ priceId: exoticPrice.body.id, quantity: "1" }] }] });
    const before = await counts();
    const res = await finance.post(`${DE}/billing-runs`, { asOf: "2037-02-01", dryRun: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await counts()).toEqual(before);
    expect(res.body).toMatchObject({ asOf: "2037-02-01", dryRun: true });
    const mine = res.body.invoices.filter((i: any) => [zero.id, reverse.id].includes(i.billingScheduleId));
    expect(res.body.invoices.filter((i: any) => i.billingScheduleId === untaxed.id)).toHaveLength(1);
    expect(mine.map((i: any) => [i.billingScheduleId, i.billingDate])).toEqual([
      [zero.id, "2037-01-01"],
      [zero.id, "2037-02-01"],
      [reverse.id, "2037-01-01"],
      [reverse.id, "2037-02-01"],
    ].sort((a, b) => (a[0] === b[0] ? 0 : a[0] < b[0] ? -1 : 1)));
    const rcInvoice = mine.find((i: any) => i.billingScheduleId === reverse.id);
    expect(rcInvoice).toMatchObject({ customerId: rc.body.id, currency: "EUR", subtotal: "1250.00", tax: "0.00", total: "1250.00", billingPeriod: { start: "2037-01-01", end: "2037-02-01" } });
    expect(rcInvoice.notes[0]).toContain("Reverse charge");
    expect(rcInvoice.lines).toEqual([expect.objectContaining({ priceId: "price_de_platform_monthly", quantity: "1", amount: "1250.00", tax: "0.00" })]);
    const codes = (id: string) => res.body.warnings.filter((w: any) => w.billingScheduleId === id).map((w: any) => w.code);
    // The demo platform product has no tax category: standard-rated (USt 19 %), so only the zero totals warn.
    expect(codes(zero.id)).toEqual(["zero_total", "zero_total"]);
    expect(codes(untaxed.id)).toEqual(["no_tax_rate"]);
    expect(codes(reverse.id)).toEqual(["reverse_charge_without_tax_id", "reverse_charge_without_tax_id"]);
    expect(res.body.invoiceCount).toBeGreaterThanOrEqual(4);
    expect(res.body.totals.find((t: any) => t.currency === "EUR").invoices).toBe(res.body.invoiceCount);
  });

  it("run invoices and manual lines without a taxRateId get the entity's rate for the product's category and the customer", async () => {
    const product = await finance.post(`${DE}/products`, { name: "Taxed support", taxCategory: "standard" });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    const price = await finance.post(`${DE}/prices`, {
      productId: product.body.id,
      name: "Support — monthly",
      currency: "EUR",
      billingFrequency: "MONTHLY",
      billingType: "IN_ADVANCE",
      structure: { pricingType: "FIXED", price: "100.00" },
    });
    expect(price.status, JSON.stringify(price.body)).toBe(201);
    const rates = (await finance.get(`${DE}/tax-rates?limit=100`)).body.items;
    const standard = rates.find((r: any) => r.category === "standard" && r.country === "DE");
    const schedule = await activeSchedule(finance, customerId, { startDate: "2038-01-01", endDate: "2038-02-01", phases: [{ prices: [{ priceId: price.body.id, quantity: "2" }] }] });
    await runToEnd(finance, "2038-01-01");
    const [invoice] = await invoicesOf(schedule.id);
    const view = (await finance.get(`${DE}/invoices/${invoice.id}`)).body;
    expect(view.lines[0]).toMatchObject({ taxRateId: standard.id, taxRate: standard.percentage, amount: "200.00", tax: "38.00" });
    expect(view).toMatchObject({ subtotal: "200.00", tax: "38.00", total: "238.00", notes: [] });

    // A manual line naming the price gets the same rate; `taxRateId: null` asks for none.
    const manual = await finance.post(`${DE}/invoices`, {
      customerId,
      currency: "EUR",
      lines: [
        { title: "Support", quantity: "1", rate: "100.00", priceId: price.body.id },
        { title: "Postage", quantity: "1", rate: "5.00", taxRateId: null },
      ],
    });
    expect(manual.status, JSON.stringify(manual.body)).toBe(201);
    expect(manual.body.lines.map((l: any) => [l.taxRateId, l.tax])).toEqual([
      [standard.id, "19.00"],
      [null, "0.00"],
    ]);

    // A reverse-charged buyer: the rate that would apply, at 0 %, with the statement and the buyer's VAT id.
    const rc = await finance.post(`${DE}/customers`, { legalName: "Numéro SARL", email: "ap@num.test", country: "FR", currency: "EUR", taxStatus: "REVERSE_CHARGED", taxId: "FR40303265045" });
    const reverse = await finance.post(`${DE}/invoices`, { customerId: rc.body.id, currency: "EUR", lines: [{ title: "Support", quantity: "1", rate: "100.00", priceId: price.body.id }] });
    expect(reverse.status, JSON.stringify(reverse.body)).toBe(201);
    expect(reverse.body.lines[0]).toMatchObject({ taxRate: "0", tax: "0.00" });
    expect(reverse.body.tax).toBe("0.00");
    expect(reverse.body.notes).toEqual([expect.stringContaining("FR40303265045")]);
  });
});
