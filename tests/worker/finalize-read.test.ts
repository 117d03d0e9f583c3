// finalize's read (db/invoices.ts loadForFinalize) runs raw statements with each column's own mapping:
// what it answers must be exactly what the drizzle reads answer, for every invoice the demo data has.
import { env } from "cloudflare:test";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { findEntity } from "../../worker/db/control.ts";
import { customerColumns } from "../../worker/db/customers.ts";
import { loadForFinalize, loadInvoice } from "../../worker/db/invoices.ts";
import { getMerchant } from "../../worker/db/merchant.ts";
import { orm } from "../../worker/db/orm.ts";
import { customers, taxRates } from "../../worker/db/schema/entity.ts";
import { invoiceView } from "../../worker/db/invoices.ts";
import { ApiClient, unique } from "../support/client.ts";

describe("finalize's read", () => {
  it("answers what the drizzle reads answer: invoice and lines, customer, merchant, the lines' tax rates", async () => {
    let compared = 0;
    for (const slug of ["acme-us", "acme-uk", "acme-de"]) {
      const entity = (await findEntity(env.CONTROL, slug, "local"))!;
      const db = (env as unknown as Record<string, D1Database>)[entity.binding];
      const { results } = await db.prepare("SELECT id FROM invoices ORDER BY id").all<{ id: string }>();
      for (const { id } of results) {
        const fast = await loadForFinalize(db, id, entity);
        const { invoice } = (await loadInvoice(db, id))!;
        const [customer] = await orm(db).select(customerColumns).from(customers).where(eq(customers.id, invoice.customerId));
        const rateIds = invoice.lines.map((l) => l.taxRateId).filter((x): x is string => x !== null);
        const rates = rateIds.length ? await orm(db).select().from(taxRates).where(inArray(taxRates.id, rateIds)) : [];
        expect(fast).toEqual({ invoice, customer: customer ?? null, merchant: await getMerchant(db, entity), rates: new Map(rates.map((r) => [r.id, r])) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
    expect(await loadForFinalize(env.ENTITY_ACME_US as D1Database, "inv_none", (await findEntity(env.CONTROL, "acme-us", "local"))!)).toBeNull();
  });

  it("finalize's write stores what it answers: number, snapshots, totals and lines read back equal", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    const UK = "/api/v1/entities/acme-uk";
    const customer = await finance.post(`${UK}/customers`, { legalName: unique("Finalize Ltd"), email: "ap@finalize.test", country: "GB", address: { line1: "1 High St", city: "London", postalCode: "EC1A 1BB", country: "GB" } });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    const draft = await finance.post(`${UK}/invoices`, { customerId: customer.body.id, currency: "GBP", lines: [{ title: 'Work "A"', quantity: "3", rate: "33.335" }, { title: "Licence", quantity: "1", rate: "990.00" }] });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const final = await finance.post(`${UK}/invoices/${draft.body.id}/finalize`, {});
    expect(final.status, JSON.stringify(final.body)).toBe(200);
    expect(final.body.invoiceNumber).toMatch(/-\d{6}$/);
    const stored = (await loadInvoice(env.ENTITY_ACME_UK as D1Database, draft.body.id))!;
    const { pdfSha256: _a, ...answered } = final.body;
    const { pdfSha256: _b, ...read } = invoiceView(stored.invoice, stored.credited, null);
    expect({ ...read, publicUrl: answered.publicUrl }).toEqual(answered);
    expect(stored.invoice.customerSnapshot).toMatchObject({ legalName: customer.body.legalName, addressLines: expect.arrayContaining(["1 High St"]) });
  });
});
