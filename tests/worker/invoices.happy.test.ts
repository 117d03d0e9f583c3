// The invoice lifecycle through the Worker: draft, edit, finalize (gapless numbers, frozen parties,
// reverse charge), send (outbox, public link), payments, void; the events in the same batches.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, ORIGIN, unique } from "../support/client.ts";
import { finalizeWithPdf, untilPdf } from "../support/documents.ts";
import { sha256Of } from "../../worker/actions/documents.ts";

const UK = "/api/v1/entities/acme-uk";
let finance: ApiClient;
let vat20: any;
let vat5: any;
let customer: any;
let reverseCharged: any;

const eventsOf = async (id: string) =>
  (await env.ENTITY_ACME_UK.prepare("SELECT kind FROM events WHERE subject_id = ? ORDER BY seq").bind(id).all<{ kind: string }>()).results.map((r) => r.kind);

const draft = async (lines: unknown[] = [{ title: "Consulting", quantity: "3", rate: "33.335", taxRateId: vat20.id }], customerId = customer.id) => {
  const res = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  vat20 = (await finance.post(`${UK}/tax-rates`, { name: "VAT 20%", percentage: "20.00", country: "GB", category: "standard" })).body;
  vat5 = (await finance.post(`${UK}/tax-rates`, { name: "VAT 5%", percentage: "5", country: "GB" })).body;
  customer = (
    await finance.post(`${UK}/customers`, {
      legalName: unique("Wayne Enterprises Ltd"),
      email: "ap@wayne.test",
      country: "GB",
      address: { line1: "1 Manor Road", city: "Bristol", postalCode: "BS1 1AA", country: "GB" },
    })
  ).body;
  reverseCharged = (await finance.post(`${UK}/customers`, { legalName: unique("Oscorp BV"), email: "ap@oscorp.test", country: "NL", currency: "GBP", taxStatus: "REVERSE_CHARGED", taxId: "NL999999999B01" })).body;
});

describe("tax rates", () => {
  it("are created in their shortest form and listed", async () => {
    expect(vat20).toMatchObject({ name: "VAT 20%", percentage: "20", country: "GB", category: "standard" });
    const list = await finance.get(`${UK}/tax-rates?limit=100`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: any) => r.id)).toEqual(expect.arrayContaining([vat20.id, vat5.id]));
  });
});

describe("invoices — happy path", () => {
  it("a DRAFT carries its lines, the tax per rate on the sum of its lines, and totals", async () => {
    const inv = await draft([
      { title: "Seats", quantity: "3", rate: "0.125", taxRateId: vat20.id },
      { title: "Support", quantity: "1", rate: "0.125", taxRateId: vat20.id },
      { title: "Books", quantity: "2", rate: "10", taxRateId: vat5.id },
      // taxRateId null: no tax (an absent one would be chosen: VAT 5% has no category and fits).
      { title: "Postage", quantity: "1", rate: "2.50", taxRateId: null, description: "Royal Mail", servicePeriod: { start: "2027-01-01", end: "2027-01-31" } },
    ]);
    expect(inv).toMatchObject({ object: "invoice", status: "DRAFT", paymentStatus: "UNPAID", invoiceNumber: null, currency: "GBP", rev: 1, customer: null, merchant: null });
    expect(inv.lines.map((l: any) => [l.amount, l.taxRate, l.tax])).toEqual([
      // 0.10 on the sum 0.51, spread by share: 0.0745… and 0.0254… → the larger remainder takes the cent.
      ["0.38", "20", "0.07"],
      ["0.13", "20", "0.03"],
      ["20.00", "5", "1.00"],
      ["2.50", "0", "0.00"],
    ]);
    expect(inv.lines[3]).toMatchObject({ taxRateId: null, description: "Royal Mail", servicePeriod: { start: "2027-01-01", end: "2027-01-31" } });
    expect(inv.taxSummary).toEqual([
      { taxRateId: vat20.id, name: "VAT 20%", percentage: "20", taxable: "0.51", tax: "0.10" },
      { taxRateId: vat5.id, name: "VAT 5%", percentage: "5", taxable: "20.00", tax: "1.00" },
    ]);
    expect([inv.subtotal, inv.tax, inv.total, inv.amountDue]).toEqual(["23.01", "1.10", "24.11", "0.00"]);
    expect(await eventsOf(inv.id)).toEqual(["invoice.created"]);
    const listed = await finance.get(`${UK}/invoices?status=DRAFT&limit=100`);
    expect(listed.body.items.map((i: any) => i.id)).toContain(inv.id);
    expect(listed.body.items.every((i: any) => i.status === "DRAFT")).toBe(true);
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body).toEqual(inv);
  });

  it("PATCH changes a DRAFT under If-Match; a stale revision is a conflict", async () => {
    const inv = await draft();
    const res = await finance.patch(`${UK}/invoices/${inv.id}`, { lines: [{ title: "Audit", quantity: "2", rate: "500", taxRateId: vat20.id }] }, { "if-match": `"${inv.rev}"` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ rev: 2, subtotal: "1000.00", tax: "200.00", total: "1200.00" });
    expect(res.body.lines).toHaveLength(1);
    expect((await finance.patch(`${UK}/invoices/${inv.id}`, { lines: [] }, { "if-match": '"1"' })).status).toBe(409);
    expect(await eventsOf(inv.id)).toEqual(["invoice.created", "invoice.updated"]);
  });

  it("finalize numbers it, freezes both parties, dates it and stores its PDF; then it is read-only", async () => {
    const inv = await draft();
    const res = await finance.post(`${UK}/invoices/${inv.id}/finalize`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const fin = res.body;
    // The PDF is drawn by the documents queue, from the snapshot just frozen.
    const attached = await untilPdf(finance, `${UK}/invoices/${inv.id}`);
    expect(fin.status).toBe("FINAL");
    expect(fin.invoiceNumber).toMatch(/^ACME-UK-\d{6}$/);
    expect(fin.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const due = new Date(`${fin.issueDate}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + 30);
    expect(fin.dueDate).toBe(due.toISOString().slice(0, 10));
    expect(fin.customer).toMatchObject({ id: customer.id, legalName: customer.legalName, taxStatus: "TAXED", addressLines: expect.arrayContaining(["1 Manor Road", "Bristol"]) });
    expect(fin.merchant).toMatchObject({ legalName: expect.any(String), country: "GB" });
    expect(attached.pdfSha256).toMatch(/^[0-9a-f]{64}$/);
    expect([attached.invoiceNumber, attached.total, attached.status]).toEqual([fin.invoiceNumber, fin.total, "FINAL"]);
    expect([fin.subtotal, fin.tax, fin.total, fin.amountDue]).toEqual(["100.01", "20.00", "120.01", "120.01"]);
    expect(fin.notes).toEqual([]);
    const edit = await finance.patch(`${UK}/invoices/${inv.id}`, { lines: [] });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe("invoice_not_editable");
    expect((await finance.post(`${UK}/invoices/${inv.id}/finalize`)).body.error.code).toBe("invalid_state");
    const event = await env.ENTITY_ACME_UK.prepare("SELECT data FROM events WHERE subject_id = ? AND kind = 'invoice.finalized'").bind(inv.id).first<{ data: string }>();
    expect(JSON.parse(event!.data).invoice.invoiceNumber).toBe(fin.invoiceNumber);
  });

  it("finalize with an Idempotency-Key: a repeat answers the first response, number included", async () => {
    const inv = await draft();
    const key = { "idempotency-key": unique("fin") };
    const first = await finance.post(`${UK}/invoices/${inv.id}/finalize`, {}, key);
    await untilPdf(finance, `${UK}/invoices/${inv.id}`);
    expect(first.status).toBe(200);
    expect(first.body.invoiceNumber).toMatch(/^ACME-UK-\d{6}$/);
    const again = await finance.post(`${UK}/invoices/${inv.id}/finalize`, {}, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await eventsOf(inv.id)).toEqual(["invoice.created", "invoice.finalized", "invoice.updated"]);
  });

  it("a reverse-charged buyer: 0 % on every rate, the statement and the buyer's tax id in notes", async () => {
    const inv = await draft([{ title: "Licence", quantity: "1", rate: "1000", taxRateId: vat20.id }], reverseCharged.id);
    expect(inv.tax).toBe("0.00");
    const fin = (await finalizeWithPdf(finance, `${UK}/invoices/${inv.id}`)).body;
    expect(fin.lines[0]).toMatchObject({ taxRateId: vat20.id, taxRate: "0", tax: "0.00" });
    expect(fin.taxSummary).toEqual([{ taxRateId: vat20.id, name: "VAT 20% (reverse charge)", percentage: "0", taxable: "1000.00", tax: "0.00" }]);
    expect(fin.total).toBe("1000.00");
    expect(fin.notes.join(" ")).toContain("Reverse charge");
    expect(fin.notes.join(" ")).toContain("NL999999999B01");
    expect(fin.customer).toMatchObject({ taxStatus: "REVERSE_CHARGED", taxId: "NL999999999B01" });
  });

  it("send: SENT, an e-mail in the outbox with the public link, which shows the invoice and its PDF without login", async () => {
    const inv = await draft();
    const fin = (await finalizeWithPdf(finance, `${UK}/invoices/${inv.id}`)).body;
    const sent = await finance.post(`${UK}/invoices/${inv.id}/send`);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.status).toBe("SENT");
    expect(sent.body.publicUrl).toMatch(/\/i\/ent_acme_uk\.[A-Za-z0-9_-]+$/);
    const outbox = (await finance.get(`${UK}/outbox?limit=100`)).body.items;
    const mail = outbox.find((m: any) => m.subjectId === inv.id);
    expect(mail).toMatchObject({ to: "ap@wayne.test", subjectType: "invoice", link: sent.body.publicUrl });
    expect(mail.subject).toContain(fin.invoiceNumber);
    expect(mail.body).toContain(sent.body.publicUrl);
    const token = new URL(sent.body.publicUrl).pathname.slice(3);
    const anonymous = new ApiClient();
    const pub = await anonymous.get(`/api/v1/public/invoices/${token}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ invoiceNumber: fin.invoiceNumber, status: "SENT", total: "120.01", amountDue: "120.01" });
    expect(pub.body).not.toHaveProperty("customerId");
    const pdf = await anonymous.get(`/api/v1/public/invoices/${token}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(await eventsOf(inv.id)).toEqual(["invoice.created", "invoice.finalized", "invoice.updated", "invoice.sent"]);
  });

  it("payments: PARTIALLY_PAID and PAID agree with amountPaid; amountDue follows", async () => {
    const inv = await draft();
    await finalizeWithPdf(finance, `${UK}/invoices/${inv.id}`);
    const partly = await finance.put(`${UK}/invoices/${inv.id}/payment-status`, { paymentStatus: "PARTIALLY_PAID", amountPaid: "20.01" });
    expect(partly.status, JSON.stringify(partly.body)).toBe(200);
    expect(partly.body).toMatchObject({ paymentStatus: "PARTIALLY_PAID", amountPaid: "20.01", amountDue: "100.00" });
    const paid = await finance.put(`${UK}/invoices/${inv.id}/payment-status`, { paymentStatus: "PAID" });
    expect(paid.body).toMatchObject({ paymentStatus: "PAID", amountPaid: "120.01", amountDue: "0.00" });
    expect(await eventsOf(inv.id)).toEqual(["invoice.created", "invoice.finalized", "invoice.updated", "invoice.payment_status_changed", "invoice.payment_status_changed"]);
  });

  it("void: a final invoice keeps its number; a voided draft takes the next one", async () => {
    const a = await draft();
    const fin = (await finalizeWithPdf(finance, `${UK}/invoices/${a.id}`)).body;
    const voided = await finance.post(`${UK}/invoices/${a.id}/void`);
    expect(voided.body).toMatchObject({ status: "VOIDED", invoiceNumber: fin.invoiceNumber, amountDue: "0.00" });
    const b = await draft();
    const voidedDraft = (await finance.post(`${UK}/invoices/${b.id}/void`)).body;
    expect(voidedDraft.status).toBe("VOIDED");
    expect(Number(voidedDraft.invoiceNumber.slice(-6))).toBe(Number(fin.invoiceNumber.slice(-6)) + 1);
    expect(await eventsOf(b.id)).toEqual(["invoice.created", "invoice.voided"]);
  });

  it("a final invoice whose PDF was not attached (the finalizing request ended) gets it on its first download, once", async () => {
    const inv = await draft();
    const fin = (await finalizeWithPdf(finance, `${UK}/invoices/${inv.id}`)).body;
    await env.ENTITY_ACME_UK.prepare("UPDATE invoices SET pdf_key = NULL, pdf_sha256 = NULL WHERE id = ?").bind(inv.id).run();
    const downloads = await Promise.all([1, 2, 3].map(() => SELF.fetch(`${ORIGIN}${UK}/invoices/${inv.id}/pdf`, { headers: { cookie: finance.cookie! } })));
    for (const d of downloads) expect(d.status).toBe(200);
    const hashes = new Set(await Promise.all(downloads.map(async (d) => sha256Of(new Uint8Array(await d.arrayBuffer())))));
    expect(hashes.size).toBe(1);
    const again = (await finance.get(`${UK}/invoices/${inv.id}`)).body;
    expect(again.pdfSha256).toBe([...hashes][0]);
    expect(again.pdfSha256).toBe(fin.pdfSha256); // the same document as the one first drawn: drawn from the snapshot
  });

  it("30 concurrent finalizations of 30 drafts take 30 distinct, gapless numbers", async () => {
    const drafts = [];
    for (let i = 0; i < 30; i++) drafts.push(await draft([{ title: `Item ${i}`, quantity: "1", rate: "10", taxRateId: vat20.id }]));
    const results = await Promise.all(drafts.map((d) => finance.post(`${UK}/invoices/${d.id}/finalize`)));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const numbers = results.map((r) => Number(r.body.invoiceNumber.slice(-6))).sort((x, y) => x - y);
    expect(new Set(numbers).size).toBe(30);
    expect(numbers[29] - numbers[0]).toBe(29);
    const counter = await env.ENTITY_ACME_UK.prepare("SELECT value FROM counters WHERE name = 'invoice_number'").first<{ value: number }>();
    expect(counter!.value).toBe(numbers[29]);
    // Every PDF was stored under its own hash, and each is the one recorded.
    const attached = await Promise.all(drafts.map((d) => untilPdf(finance, `${UK}/invoices/${d.id}`)));
    expect(new Set(attached.map((a) => a.pdfSha256)).size).toBe(30);
  }, 120_000);
});
