// xero-node's AccountingApi (the client the Worker uses) against the fake over HTTP: what it sends is
// valid against Xero's spec, and what the fake answers is what the client's models read.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountingApi } from "xero-node/dist/gen/api/accountingApi.js";
import { Invoice } from "xero-node/dist/gen/model/accounting/invoice.js";
import { DEFAULT_TENANTS, type XeroFake } from "./xero/index.ts";
import { serveXeroFake } from "./xero/server.ts";
import { connect } from "./xero/testing.ts";

const UK = DEFAULT_TENANTS[0]!.id;
let server: Server;
let fake: XeroFake;
let client: AccountingApi;

beforeAll(async () => {
  const served = await serveXeroFake(0);
  server = served.server;
  fake = served.fake;
  client = new AccountingApi(`${served.url}/api.xro/2.0`);
  client.accessToken = (await connect(fake, UK)).access_token;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("xero-node's AccountingApi against the fake", () => {
  it("reads settings, writes a contact, an invoice and a payment, each request valid against Xero's spec", async () => {
    const accounts = await client.getAccounts(UK, undefined, 'Type=="BANK"');
    expect(accounts.body.accounts?.map((a) => a.code)).toEqual(["090", "091"]);
    const rates = await client.getTaxRates(UK);
    expect(rates.body.taxRates?.some((t) => t.taxType === "OUTPUT2")).toBe(true);

    const contacts = await client.createContacts(UK, { contacts: [{ name: "Wayne Enterprises", emailAddress: "ap@wayne.test", contactNumber: "cus_wayne" }] }, false, "k:contact:1");
    const contactID = contacts.body.contacts![0]!.contactID!;
    const invoices = await client.createInvoices(
      UK,
      {
        invoices: [
          {
            type: Invoice.TypeEnum.ACCREC,
            contact: { contactID },
            invoiceNumber: "ACME-UK-000001",
            date: "2026-06-01",
            dueDate: "2026-07-01",
            status: Invoice.StatusEnum.AUTHORISED,
            lineItems: [{ description: "Platform", quantity: 1, unitAmount: 500, accountCode: "210", taxType: "OUTPUT2" }],
          },
        ],
      },
      false,
      undefined,
      "k:invoice:1",
    );
    const created = invoices.body.invoices![0]!;
    expect(created.total).toBe(600);
    expect(created.hasErrors).toBe(false);
    const payment = await client.createPayment(UK, { invoice: { invoiceID: created.invoiceID }, account: { code: "090" }, amount: 600, date: "2026-06-10" });
    expect(payment.body.payments![0]!.amount).toBe(600);
    const paid = await client.getInvoice(UK, created.invoiceID!);
    expect(String(paid.body.invoices![0]!.status)).toBe("PAID");

    const sent = fake.state.requests.filter((r) => r.path.startsWith("/api.xro/"));
    expect(sent.length).toBe(6);
    expect(sent.filter((r) => !r.valid)).toEqual([]);
    expect(sent[2]!.headers["idempotency-key"]).toBe("k:contact:1");
  });
});
