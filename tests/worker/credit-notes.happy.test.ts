// Credit notes through the Worker: against a final invoice, by quantity or amount, never more than is
// left (also when two are written at once), finalized with their own gapless number and stored PDF;
// the invoice's amountDue counts FINAL notes.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { finalizeWithPdf, untilPdf } from "../support/documents.ts";

const UK = "/api/v1/entities/acme-uk";
let finance: ApiClient;
let vat20: any;
let customerId: string;

const eventsOf = async (id: string) =>
  (await env.ENTITY_ACME_UK.prepare("SELECT kind FROM events WHERE subject_id = ? ORDER BY seq").bind(id).all<{ kind: string }>()).results.map((r) => r.kind);

async function finalInvoice() {
  const inv = await finance.post(`${UK}/invoices`, {
    customerId,
    currency: "GBP",
    lines: [
      { title: "Consulting", quantity: "3", rate: "33.335", taxRateId: vat20.id },
      { title: "Licence", quantity: "1", rate: "500", taxRateId: vat20.id },
    ],
  });
  const fin = await finalizeWithPdf(finance, `${UK}/invoices/${inv.body.id}`);
  expect(fin.status, JSON.stringify(fin.body)).toBe(200);
  return fin.body;
}

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  vat20 = (await finance.post(`${UK}/tax-rates`, { name: "VAT 20%", percentage: "20" })).body;
  customerId = (await finance.post(`${UK}/customers`, { legalName: unique("Cyberdyne Ltd"), email: "ap@cyberdyne.test", country: "GB" })).body.id;
});

describe("credit notes — happy path", () => {
  it("a DRAFT by quantity and by amount; finalize numbers it; the invoice's amountDue counts it", async () => {
    const inv = await finalInvoice();
    const [consulting, licence] = inv.lines;
    const res = await finance.post(`${UK}/credit-notes`, {
      invoiceId: inv.id,
      reason: "One day not delivered",
      lines: [
        { invoiceLineId: consulting.id, quantity: "1" },
        { invoiceLineId: licence.id, amount: "100" },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const note = res.body;
    expect(note).toMatchObject({ object: "credit_note", status: "DRAFT", creditNoteNumber: null, invoiceId: inv.id, invoiceNumber: inv.invoiceNumber, currency: "GBP", reason: "One day not delivered" });
    expect(note.lines.map((l: any) => [l.invoiceLineId, l.quantity, l.amount, l.tax])).toEqual([
      [consulting.id, "1", "33.34", "6.67"],
      [licence.id, null, "100.00", "20.00"],
    ]);
    expect([note.subtotal, note.tax, note.total]).toEqual(["133.34", "26.67", "160.01"]);
    // A DRAFT note does not lower what is due yet.
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body.amountDue).toBe(inv.total);

    const fin = await finalizeWithPdf(finance, `${UK}/credit-notes/${note.id}`);
    expect(fin.status, JSON.stringify(fin.body)).toBe(200);
    expect(fin.body.status).toBe("FINAL");
    expect(fin.body.creditNoteNumber).toMatch(/^ACME-UK-CN-\d{6}$/);
    expect(fin.body.pdfSha256).toMatch(/^[0-9a-f]{64}$/);
    const after = (await finance.get(`${UK}/invoices/${inv.id}`)).body;
    expect(after.amountCredited).toBe("160.01");
    expect(after.amountDue).toBe("560.00"); // 720.01 − 160.01
    expect((await finance.get(`${UK}/credit-notes/${note.id}`)).body).toEqual(fin.body);
    expect((await finance.get(`${UK}/credit-notes?invoiceId=${inv.id}`)).body.items.map((n: any) => n.id)).toEqual([note.id]);
    expect(await eventsOf(note.id)).toEqual(["credit_note.created", "credit_note.finalized", "credit_note.updated"]);
    // A FINAL note cannot be finalized twice; an invoice with notes cannot be voided.
    expectError(await finance.post(`${UK}/credit-notes/${note.id}/finalize`), 409, "invalid_state");
    expectError(await finance.post(`${UK}/invoices/${inv.id}/void`), 409, "invalid_state");
    const pdf = await finance.get(`${UK}/credit-notes/${note.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
  });

  it("what is left: DRAFT and FINAL notes count; the rest of a line credits its tax exactly", async () => {
    const inv = await finalInvoice();
    const [consulting] = inv.lines;
    const first = await finance.post(`${UK}/credit-notes`, { invoiceId: inv.id, lines: [{ invoiceLineId: consulting.id, quantity: "2" }] });
    expect(first.status).toBe(201);
    const over = await finance.post(`${UK}/credit-notes`, { invoiceId: inv.id, lines: [{ invoiceLineId: consulting.id, quantity: "1.5" }] });
    expectError(over, 422, "credit_exceeds_invoice");
    expect(over.body.error.details.map((d: any) => d.path)).toContain("lines.0.quantity");
    const rest = await finance.post(`${UK}/credit-notes`, { invoiceId: inv.id, lines: [{ invoiceLineId: consulting.id, quantity: "1" }] });
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect(first.body.lines[0].amount).toBe("66.67");
    expect(rest.body.lines[0].amount).toBe("33.34"); // the last unit takes what is left: 100.01 in all
    expect(Number(first.body.lines[0].tax) * 100 + Number(rest.body.lines[0].tax) * 100).toBe(Number(consulting.tax) * 100);
    expectError(await finance.post(`${UK}/credit-notes`, { invoiceId: inv.id, lines: [{ invoiceLineId: consulting.id, amount: "0.01" }] }), 422, "credit_exceeds_invoice");
  });

  it("credit notes for the same line written at once never together exceed it", async () => {
    const inv = await finalInvoice();
    const licence = inv.lines[1];
    const before = await env.ENTITY_ACME_UK.prepare("SELECT COUNT(*) AS n FROM credit_notes WHERE invoice_id = ?").bind(inv.id).first<{ n: number }>();
    const results = await Promise.all(Array.from({ length: 8 }, () => finance.post(`${UK}/credit-notes`, { invoiceId: inv.id, lines: [{ invoiceLineId: licence.id, amount: "200" }] })));
    const created = results.filter((r) => r.status === 201);
    for (const r of results.filter((r) => r.status !== 201)) expectError(r, 422, "credit_exceeds_invoice");
    expect(created).toHaveLength(2); // 2 × 200 ≤ 500 < 3 × 200
    const sum = await env.ENTITY_ACME_UK.prepare("SELECT SUM(l.amount_minor) AS minor, COUNT(DISTINCT n.id) AS notes FROM credit_note_lines l JOIN credit_notes n ON n.id = l.credit_note_id WHERE n.invoice_id = ?")
      .bind(inv.id)
      .first<{ minor: number; notes: number }>();
    expect(sum).toEqual({ minor: 40000, notes: before!.n + 2 });
    // The guard compares integers (text would compare greater than any number and never refuse).
    const types = await env.ENTITY_ACME_UK.prepare("SELECT (SELECT group_concat(DISTINCT typeof(amount_minor)) FROM invoice_lines WHERE invoice_id = ?1) i, (SELECT group_concat(DISTINCT typeof(l.amount_minor)) FROM credit_note_lines l JOIN credit_notes n ON n.id = l.credit_note_id WHERE n.invoice_id = ?1) c")
      .bind(inv.id)
      .first();
    expect(types).toEqual({ i: "integer", c: "integer" });
  });

  it("concurrent finalizations of credit notes take distinct, gapless numbers", async () => {
    const inv = await finalInvoice();
    const notes = [];
    for (let i = 0; i < 5; i++) notes.push((await finance.post(`${UK}/credit-notes`, { invoiceId: inv.id, lines: [{ invoiceLineId: inv.lines[1].id, amount: "10" }] })).body);
    const results = await Promise.all(notes.map((n) => finance.post(`${UK}/credit-notes/${n.id}/finalize`)));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const numbers = results.map((r) => Number(r.body.creditNoteNumber.slice(-6))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(5);
    expect(numbers[4] - numbers[0]).toBe(4);
  }, 60_000);
});
