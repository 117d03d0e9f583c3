// The fake's webhooks: a payment made in Xero (POST /__payments) changes its invoice, and the fake builds,
// signs (base64 HMAC-SHA256 of the body, as xero-webhooks.yaml says) and delivers the INVOICE event; GET
// Invoices with If-Modified-Since returns only what changed since.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { load } from "js-yaml";
import { beforeEach, describe, expect, it } from "vitest";
import { createXeroFake, DEFAULT_TENANTS, type XeroFake } from "./xero/index.ts";
import { specDir } from "./xero/spec.ts";
import { api, connect, ORIGIN } from "./xero/testing.ts";

const UK = DEFAULT_TENANTS[0]!.id;
const KEY = "test-webhook-key";
let fake: XeroFake;
let token: string;
let clock: number;
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => api(fake, token, UK, method, path, body, headers);
const control = async (path: string, body: unknown) => {
  const res = await fake.fetch(new Request(`${ORIGIN}${path}`, { method: "POST", body: JSON.stringify(body) }));
  return { status: res.status, body: (await res.json()) as any };
};

async function authorisedInvoice(number: string) {
  const contact = await call("PUT", "/Contacts", { Contacts: [{ Name: `Globex ${number}` }] });
  const res = await call("PUT", "/Invoices", {
    Invoices: [{ Type: "ACCREC", Contact: { ContactID: contact.body.Contacts[0].ContactID }, InvoiceNumber: number, Date: "2026-06-01", DueDate: "2026-07-01", Status: "AUTHORISED", LineItems: [{ Description: "Platform", Quantity: 1, UnitAmount: 100, AccountCode: "200", TaxType: "OUTPUT2" }] }],
  });
  expect(res.status).toBe(200);
  return res.body.Invoices[0].InvoiceID as string;
}

/** What xero-webhooks.yaml requires of a delivery and of each of its events, and the values it allows. */
function webhookSchema() {
  const doc = load(readFileSync(join(specDir(), "xero-webhooks.yaml"), "utf8")) as any;
  const event = doc.components.schemas.WebhookEvent;
  const item = event.properties.events.items;
  const allowed = (p: string) => (item.properties[p].oneOf as { const: string }[]).map((o) => o.const);
  return { required: event.required as string[], eventRequired: item.required as string[], categories: allowed("eventCategory"), types: allowed("eventType"), tenantTypes: allowed("tenantType") };
}

beforeEach(async () => {
  clock = Date.parse("2026-06-10T09:00:00Z");
  fake = createXeroFake({ now: () => clock });
  token = (await connect(fake, UK)).access_token;
});

describe("Xero fake: webhooks and If-Modified-Since", () => {
  it("a payment made in Xero pays its invoice and yields a signed INVOICE delivery shaped as xero-webhooks.yaml says", async () => {
    expect((await control("/__webhooks", { url: 5, key: KEY })).status).toBe(400);
    expect((await control("/__webhooks", { key: KEY })).status).toBe(200);
    const invoiceId = await authorisedInvoice("INV-W1");
    const paid = await control("/__payments", { tenantId: UK, invoiceId, amount: 50.5 });
    expect(paid.status).toBe(201);
    expect(paid.body.payment).toMatchObject({ Amount: 50.5, Status: "AUTHORISED", Invoice: { InvoiceID: invoiceId } });
    const after = await call("GET", `/Invoices/${invoiceId}`);
    expect(after.body.Invoices[0]).toMatchObject({ Status: "AUTHORISED", AmountPaid: 50.5, AmountDue: 69.5 });

    const { body, signature } = paid.body.delivery;
    expect(signature).toBe(createHmac("sha256", KEY).update(body).digest("base64"));
    const payload = JSON.parse(body);
    const schema = webhookSchema();
    for (const field of schema.required) expect(payload).toHaveProperty(field);
    expect(payload.events).toHaveLength(1);
    const event = payload.events[0];
    for (const field of schema.eventRequired) expect(event).toHaveProperty(field);
    expect(schema.categories).toContain(event.eventCategory);
    expect(schema.types).toContain(event.eventType);
    expect(schema.tenantTypes).toContain(event.tenantType);
    expect(event).toMatchObject({ eventCategory: "INVOICE", eventType: "UPDATE", tenantId: UK, resourceId: invoiceId, resourceUrl: `https://api.xero.com/api.xro/2.0/Invoices/${invoiceId}` });
    expect(payload.firstEventSequence).toBeGreaterThanOrEqual(1);

    // A second payment settles it: PAID, and the next delivery numbers on.
    const rest = await control("/__payments", { tenantId: UK, invoiceId, amount: 69.5 });
    expect(JSON.parse(rest.body.delivery.body).firstEventSequence).toBe(payload.lastEventSequence + 1);
    expect((await call("GET", `/Invoices/${invoiceId}`)).body.Invoices[0]).toMatchObject({ Status: "PAID", AmountDue: 0, AmountPaid: 120 });
    // More than is due is refused, as the API would.
    expect((await control("/__payments", { tenantId: UK, invoiceId, amount: 1 })).status).toBe(400);
  });

  it("delivers to the configured URL with the signature; webhook: false delivers nothing", async () => {
    const received: { signature: string; body: string }[] = [];
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ signature: String(req.headers["x-xero-signature"]), body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      await control("/__webhooks", { url: `http://127.0.0.1:${port}/hook`, key: KEY });
      const invoiceId = await authorisedInvoice("INV-W2");
      const paid = await control("/__payments", { tenantId: UK, invoiceId, amount: 10 });
      expect(paid.body.delivered).toEqual({ status: 200 });
      expect(received).toHaveLength(1);
      expect(received[0]!.body).toBe(paid.body.delivery.body);
      expect(received[0]!.signature).toBe(createHmac("sha256", KEY).update(received[0]!.body).digest("base64"));
      const silent = await control("/__payments", { tenantId: UK, invoiceId, amount: 10, webhook: false });
      expect(silent.status).toBe(201);
      expect(silent.body).toMatchObject({ delivery: null, delivered: null });
      expect(received).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("GET Invoices with If-Modified-Since returns only invoices changed after it (a payment counts as a change)", async () => {
    const old = await authorisedInvoice("INV-OLD");
    const paidLater = await authorisedInvoice("INV-PAID");
    clock += 60_000;
    const since = new Date(clock).toISOString();
    clock += 60_000;
    const fresh = await authorisedInvoice("INV-NEW");
    let listed = await call("GET", "/Invoices", undefined, { "If-Modified-Since": since });
    expect(listed.status).toBe(200);
    expect(listed.body.Invoices.map((i: any) => i.InvoiceID)).toEqual([fresh]);
    await control("/__payments", { tenantId: UK, invoiceId: paidLater, amount: 20, webhook: false });
    listed = await call("GET", "/Invoices?page=1&pageSize=100", undefined, { "If-Modified-Since": since });
    expect(listed.body.Invoices.map((i: any) => i.InvoiceID).sort()).toEqual([fresh, paidLater].sort());
    expect(listed.body.Invoices.map((i: any) => i.InvoiceID)).not.toContain(old);
    expect(fake.state.requests.filter((r) => r.path.startsWith("/api.xro")).every((r) => r.valid)).toBe(true);
  });
});
