// Bad input on the credit-note routes: a 4xx in the error shape, nothing written (rows, events, counters).
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const UK = "/api/v1/entities/acme-uk";
let finance: ApiClient;
let drafted: any;
let finalized: any;
let sent: any;
let creditDraft: any;

const counts = () =>
  env.ENTITY_ACME_UK.prepare(
    `SELECT (SELECT COUNT(*) FROM invoices) i, (SELECT COUNT(*) FROM credit_notes) c, (SELECT COUNT(*) FROM credit_note_lines) cl, (SELECT MAX(seq) FROM events) e,
     (SELECT group_concat(rev) FROM credit_notes) r, (SELECT group_concat(name || '=' || value) FROM counters) n`,
  ).first();

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  const vat20 = (await finance.post(`${UK}/tax-rates`, { name: "VAT 20%", percentage: "20" })).body;
  const customerId = (await finance.post(`${UK}/customers`, { legalName: unique("CE"), email: "ce@c.test", country: "GB" })).body.id;
  const body = { customerId, currency: "GBP", lines: [{ title: "Work", quantity: "1", rate: "100", taxRateId: vat20.id }] };
  const final = async () => (await finance.post(`${UK}/invoices/${(await finance.post(`${UK}/invoices`, body)).body.id}/finalize`)).body;
  drafted = (await finance.post(`${UK}/invoices`, body)).body;
  finalized = await final();
  sent = (await finance.post(`${UK}/invoices/${(await final()).id}/send`)).body;
  creditDraft = (await finance.post(`${UK}/credit-notes`, { invoiceId: finalized.id, lines: [{ invoiceLineId: finalized.lines[0].id, amount: "10" }] })).body;
  expect(creditDraft.status).toBe("DRAFT");
});

describe("credit notes — bad input writes nothing", () => {
  const cases: [string, () => Promise<any>, number, string, string?][] = [
    ["against a draft invoice", () => finance.post(`${UK}/credit-notes`, { invoiceId: drafted.id, lines: [{ invoiceLineId: drafted.lines[0].id, amount: "1" }] }), 409, "invalid_state", "invoiceId"],
    ["unknown invoice", () => finance.post(`${UK}/credit-notes`, { invoiceId: "inv_nope", lines: [{ invoiceLineId: "x", amount: "1" }] }), 404, "not_found", "invoiceId"],
    ["a line of another invoice", () => finance.post(`${UK}/credit-notes`, { invoiceId: finalized.id, lines: [{ invoiceLineId: sent.lines[0].id, amount: "1" }] }), 404, "not_found", "lines.0.invoiceLineId"],
    ["both quantity and amount", () => finance.post(`${UK}/credit-notes`, { invoiceId: finalized.id, lines: [{ invoiceLineId: finalized.lines[0].id, amount: "1", quantity: "1" }] }), 400, "invalid_request", "lines.0.quantity"],
    ["neither quantity nor amount", () => finance.post(`${UK}/credit-notes`, { invoiceId: finalized.id, lines: [{ invoiceLineId: finalized.lines[0].id }] }), 400, "invalid_request", "lines.0.quantity"],
    ["no lines", () => finance.post(`${UK}/credit-notes`, { invoiceId: finalized.id, lines: [] }), 400, "invalid_request", "lines"],
    ["more than the line", () => finance.post(`${UK}/credit-notes`, { invoiceId: finalized.id, lines: [{ invoiceLineId: finalized.lines[0].id, amount: "90.01" }] }), 422, "credit_exceeds_invoice", "lines.0.amount"],
    ["more than the quantity", () => finance.post(`${UK}/credit-notes`, { invoiceId: sent.id, lines: [{ invoiceLineId: sent.lines[0].id, quantity: "2" }] }), 422, "credit_exceeds_invoice", "lines.0.quantity"],
    ["a zero amount", () => finance.post(`${UK}/credit-notes`, { invoiceId: sent.id, lines: [{ invoiceLineId: sent.lines[0].id, amount: "0" }] }), 400, "invalid_request", "lines.0.amount"],
    ["an amount with too many decimals", () => finance.post(`${UK}/credit-notes`, { invoiceId: sent.id, lines: [{ invoiceLineId: sent.lines[0].id, amount: "1.001" }] }), 400, "invalid_request"],
    ["finalize unknown", () => finance.post(`${UK}/credit-notes/cn_nope/finalize`), 404, "not_found"],
    ["get unknown", () => finance.get(`${UK}/credit-notes/cn_nope`), 404, "not_found"],
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
});

describe("credit notes — state", () => {
  it("a finalized note cannot be finalized again, and a voided invoice cannot be credited", async () => {
    const fin = await finance.post(`${UK}/credit-notes/${creditDraft.id}/finalize`);
    expect(fin.status).toBe(200);
    const before = await counts();
    expectError(await finance.post(`${UK}/credit-notes/${creditDraft.id}/finalize`), 409, "invalid_state");
    expect(await counts()).toEqual(before);
    const voided = (await finance.post(`${UK}/invoices/${drafted.id}/void`)).body;
    expect(voided.status).toBe("VOIDED");
    const before2 = await counts();
    expectError(await finance.post(`${UK}/credit-notes`, { invoiceId: drafted.id, lines: [{ invoiceLineId: drafted.lines[0].id, amount: "1" }] }), 409, "invalid_state");
    expect(await counts()).toEqual(before2);
  });
});
