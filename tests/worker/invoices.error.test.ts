// Bad input on the invoice, tax-rate and credit-note routes: a 4xx in the error shape, nothing written.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const UK = "/api/v1/entities/acme-uk";
let finance: ApiClient;
let customerId: string;
let eurCustomerId: string;
let archivedCustomerId: string;
let vat20: any;
let usRate: any;
let drafted: any;
let finalized: any;
let sent: any;
let creditDraft: any;

const counts = () =>
  env.ENTITY_ACME_UK.prepare(
    `SELECT (SELECT COUNT(*) FROM invoices) i, (SELECT COUNT(*) FROM invoice_lines) l, (SELECT COUNT(*) FROM credit_notes) c, (SELECT COUNT(*) FROM credit_note_lines) cl,
     (SELECT COUNT(*) FROM tax_rates) t, (SELECT COUNT(*) FROM outbox) o, (SELECT MAX(seq) FROM events) e, (SELECT group_concat(rev) FROM invoices) r,
     (SELECT group_concat(name || '=' || value) FROM counters) n`,
  ).first();

const body = (extra: Record<string, unknown> = {}) => ({ customerId, currency: "GBP", lines: [{ title: "Work", quantity: "1", rate: "100", taxRateId: vat20.id }], ...extra });

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  vat20 = (await finance.post(`${UK}/tax-rates`, { name: "VAT 20%", percentage: "20" })).body;
  usRate = (await finance.post("/api/v1/entities/acme-us/tax-rates", { name: "Sales tax", percentage: "8.875" })).body;
  customerId = (await finance.post(`${UK}/customers`, { legalName: unique("IE"), email: "ie@i.test", country: "GB" })).body.id;
  eurCustomerId = (await finance.post(`${UK}/customers`, { legalName: unique("IE EUR"), email: "ie@i.test", country: "DE", currency: "EUR" })).body.id;
  archivedCustomerId = (await finance.post(`${UK}/customers`, { legalName: unique("IE old"), email: "ie@i.test", country: "GB" })).body.id;
  await finance.post(`${UK}/customers/${archivedCustomerId}/archive`);
  drafted = (await finance.post(`${UK}/invoices`, body())).body;
  finalized = (await finance.post(`${UK}/invoices/${(await finance.post(`${UK}/invoices`, body())).body.id}/finalize`)).body;
  sent = (await finance.post(`${UK}/invoices/${(await finance.post(`${UK}/invoices/${(await finance.post(`${UK}/invoices`, body())).body.id}/finalize`)).body.id}/send`)).body;
  creditDraft = (await finance.post(`${UK}/credit-notes`, { invoiceId: finalized.id, lines: [{ invoiceLineId: finalized.lines[0].id, amount: "10" }] })).body;
  expect(creditDraft.status).toBe("DRAFT");
});

describe("invoices — bad input writes nothing", () => {
  const line = (extra: Record<string, unknown>) => body({ lines: [{ title: "Work", quantity: "1", rate: "100", ...extra }] });
  const cases: [string, () => Promise<any>, number, string, string?][] = [
    ["malformed JSON", () => finance.request("POST", `${UK}/invoices`, "{"), 400, "malformed_json"],
    ["missing customer", () => finance.post(`${UK}/invoices`, { currency: "GBP", lines: [] }), 400, "invalid_request", "customerId"],
    ["unknown customer", () => finance.post(`${UK}/invoices`, body({ customerId: "cus_nope" })), 404, "not_found", "customerId"],
    ["archived customer", () => finance.post(`${UK}/invoices`, body({ customerId: archivedCustomerId })), 422, "customer_archived"],
    ["currency differs from the customer's", () => finance.post(`${UK}/invoices`, body({ customerId: eurCustomerId })), 422, "currency_mismatch", "currency"],
    ["unknown currency", () => finance.post(`${UK}/invoices`, body({ currency: "ABC" })), 400, "invalid_request", "currency"],
    ["float quantity", () => finance.post(`${UK}/invoices`, line({ quantity: 1 })), 400, "invalid_request", "lines.0.quantity"],
    ["negative quantity", () => finance.post(`${UK}/invoices`, line({ quantity: "-1" })), 400, "invalid_request", "lines.0.quantity"],
    ["exponent rate", () => finance.post(`${UK}/invoices`, line({ rate: "1e3" })), 400, "invalid_request", "lines.0.rate"],
    ["negative rate", () => finance.post(`${UK}/invoices`, line({ rate: "-5" })), 400, "invalid_request", "lines.0.rate"],
    ["a line beyond what SQL can add exactly", () => finance.post(`${UK}/invoices`, line({ quantity: "1000000000000000", rate: "1000000" })), 422, "amount_out_of_range", "lines.0"],
    ["empty title", () => finance.post(`${UK}/invoices`, line({ title: " " })), 400, "invalid_request", "lines.0.title"],
    ["unknown tax rate", () => finance.post(`${UK}/invoices`, line({ taxRateId: "txr_nope" })), 422, "unknown_tax_rate", "lines.0.taxRateId"],
    ["another entity's tax rate", () => finance.post(`${UK}/invoices`, line({ taxRateId: usRate.id })), 422, "unknown_tax_rate", "lines.0.taxRateId"],
    ["service period backwards", () => finance.post(`${UK}/invoices`, line({ servicePeriod: { start: "2027-02-01", end: "2027-01-01" } })), 400, "invalid_request", "lines.0.servicePeriod.end"],
    // [start, end): a period that ends where it starts covers no day.
    ["service period of no days", () => finance.post(`${UK}/invoices`, line({ servicePeriod: { start: "2027-01-01", end: "2027-01-01" } })), 400, "invalid_request", "lines.0.servicePeriod.end"],
    ["unknown field", () => finance.post(`${UK}/invoices`, body({ status: "PAID" })), 400, "invalid_request", "status"],
    ["stale If-Match", () => finance.patch(`${UK}/invoices/${drafted.id}`, { lines: [] }, { "if-match": '"99"' }), 409, "rev_conflict"],
    ["bad If-Match", () => finance.patch(`${UK}/invoices/${drafted.id}`, { lines: [] }, { "if-match": "yesterday" }), 400, "invalid_request"],
    ["PATCH a final invoice", () => finance.patch(`${UK}/invoices/${finalized.id}`, { lines: [] }), 409, "invoice_not_editable"],
    ["PATCH a bad line", () => finance.patch(`${UK}/invoices/${drafted.id}`, { lines: [{ title: "x", quantity: "abc", rate: "1" }] }), 400, "invalid_request", "lines.0.quantity"],
    ["unknown invoice", () => finance.get(`${UK}/invoices/inv_nope`), 404, "not_found"],
    ["finalize unknown", () => finance.post(`${UK}/invoices/inv_nope/finalize`), 404, "not_found"],
    ["finalize a final invoice", () => finance.post(`${UK}/invoices/${finalized.id}/finalize`), 409, "invalid_state"],
    ["send a draft", () => finance.post(`${UK}/invoices/${drafted.id}/send`), 409, "invalid_state"],
    ["payment on a draft", () => finance.put(`${UK}/invoices/${drafted.id}/payment-status`, { paymentStatus: "PAID" }), 409, "invalid_state"],
    ["partly paid without an amount", () => finance.put(`${UK}/invoices/${finalized.id}/payment-status`, { paymentStatus: "PARTIALLY_PAID" }), 422, "payment_inconsistent", "amountPaid"],
    ["partly paid in full", () => finance.put(`${UK}/invoices/${finalized.id}/payment-status`, { paymentStatus: "PARTIALLY_PAID", amountPaid: "120.00" }), 422, "payment_inconsistent", "amountPaid"],
    ["paid with the wrong amount", () => finance.put(`${UK}/invoices/${finalized.id}/payment-status`, { paymentStatus: "PAID", amountPaid: "1.00" }), 422, "payment_inconsistent", "amountPaid"],
    ["unknown payment status", () => finance.put(`${UK}/invoices/${finalized.id}/payment-status`, { paymentStatus: "REFUNDED" }), 400, "invalid_request", "paymentStatus"],
    ["amount with three decimals", () => finance.put(`${UK}/invoices/${finalized.id}/payment-status`, { paymentStatus: "PARTIALLY_PAID", amountPaid: "1.005" }), 400, "invalid_request"],
    ["invoice list with a bad status", () => finance.get(`${UK}/invoices?status=PAID`), 400, "invalid_request"],
    ["tax rate over 100 %", () => finance.post(`${UK}/tax-rates`, { name: "x", percentage: "101" }), 400, "invalid_request", "percentage"],
    ["tax rate as a number", () => finance.post(`${UK}/tax-rates`, { name: "x", percentage: 20 }), 400, "invalid_request", "percentage"],
    ["tax rate with a bad country", () => finance.post(`${UK}/tax-rates`, { name: "x", percentage: "20", country: "XX" }), 400, "invalid_request", "country"],
    ["public link with a forged token", () => new ApiClient().get("/api/v1/public/invoices/ent_acme_uk.forged"), 404, "not_found"],
    ["public PDF of an unknown entity", () => new ApiClient().get("/api/v1/public/invoices/ent_nope.x/pdf"), 404, "not_found"],
  ];
  for (const [name, call, status, code, path] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const before = await counts();
      const res = await call();
      expectError(res, status, code);
      if (path) expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
      expect(await counts()).toEqual(before);
    });
  }

  it("an empty draft cannot be finalized, and the counter does not move", async () => {
    const empty = (await finance.post(`${UK}/invoices`, body({ lines: [] }))).body;
    const before = await counts();
    expectError(await finance.post(`${UK}/invoices/${empty.id}/finalize`), 422, "invoice_empty");
    expect(await counts()).toEqual(before);
  });
});
