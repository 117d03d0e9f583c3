// Invoices, credit notes, tax rates and the outbox never leak across entities, and only finance and
// admin change them.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const US = "/api/v1/entities/acme-us";
let admin: ApiClient;
let draft: any;
let sent: any;
let note: any;
let rate: any;
let token: string;

const snapshot = async () =>
  JSON.stringify(
    await Promise.all(
      [env.ENTITY_ACME_US, env.ENTITY_ACME_UK].map((db) =>
        db
          .prepare(
            "SELECT (SELECT COUNT(*) FROM invoices) i, (SELECT group_concat(rev) FROM invoices) r, (SELECT COUNT(*) FROM credit_notes) c, (SELECT COUNT(*) FROM tax_rates) t, (SELECT COUNT(*) FROM outbox) o, (SELECT MAX(seq) FROM events) e",
          )
          .first(),
      ),
    ),
  );

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  rate = (await admin.post(`${US}/tax-rates`, { name: "Secret tax", percentage: "7" })).body;
  const customerId = (await admin.post(`${US}/customers`, { legalName: unique("Secret Buyer"), email: "secret@buyer.test", country: "US" })).body.id;
  const lines = [{ title: "Secret work", quantity: "1", rate: "999", taxRateId: rate.id }];
  draft = (await admin.post(`${US}/invoices`, { customerId, currency: "USD", lines })).body;
  const other = (await admin.post(`${US}/invoices`, { customerId, currency: "USD", lines })).body;
  await admin.post(`${US}/invoices/${other.id}/finalize`);
  sent = (await admin.post(`${US}/invoices/${other.id}/send`)).body;
  token = new URL(sent.publicUrl).pathname.slice(3);
  note = (await admin.post(`${US}/credit-notes`, { invoiceId: sent.id, lines: [{ invoiceLineId: sent.lines[0].id, amount: "1" }] })).body;
  expect(note.status).toBe("DRAFT");
});

/** Every invoice, credit-note, tax-rate and outbox route under `base` for the US records. */
const everyRoute = (client: ApiClient, base: string) => [
  client.get(`${base}/invoices/${draft.id}`),
  client.get(`${base}/invoices`),
  client.post(`${base}/invoices`, { customerId: draft.customerId, currency: "USD", lines: [] }),
  client.patch(`${base}/invoices/${draft.id}`, { lines: [] }),
  client.post(`${base}/invoices/${draft.id}/finalize`),
  client.post(`${base}/invoices/${sent.id}/send`),
  client.post(`${base}/invoices/${draft.id}/void`),
  client.put(`${base}/invoices/${sent.id}/payment-status`, { paymentStatus: "PAID" }),
  client.get(`${base}/invoices/${sent.id}/pdf`),
  client.get(`${base}/outbox`),
  client.post(`${base}/credit-notes`, { invoiceId: sent.id, lines: [{ invoiceLineId: sent.lines[0].id, amount: "1" }] }),
  client.get(`${base}/credit-notes`),
  client.get(`${base}/credit-notes/${note.id}`),
  client.post(`${base}/credit-notes/${note.id}/finalize`),
  client.get(`${base}/credit-notes/${note.id}/pdf`),
  client.get(`${base}/tax-rates`),
  client.post(`${base}/tax-rates`, { name: "x", percentage: "1" }),
];

describe("invoices — security", () => {
  it("another entity's invoice, credit note and tax rate are 404 under this entity's path, and its lists do not show them", async () => {
    const before = await snapshot();
    const base = "/api/v1/entities/acme-uk";
    for (const res of [
      await admin.get(`${base}/invoices/${draft.id}`),
      await admin.patch(`${base}/invoices/${draft.id}`, { lines: [] }),
      await admin.post(`${base}/invoices/${draft.id}/finalize`),
      await admin.post(`${base}/invoices/${sent.id}/send`),
      await admin.post(`${base}/invoices/${draft.id}/void`),
      await admin.put(`${base}/invoices/${sent.id}/payment-status`, { paymentStatus: "PAID" }),
      await admin.get(`${base}/invoices/${sent.id}/pdf`),
      await admin.post(`${base}/credit-notes`, { invoiceId: sent.id, lines: [{ invoiceLineId: sent.lines[0].id, amount: "1" }] }),
      await admin.get(`${base}/credit-notes/${note.id}`),
      await admin.post(`${base}/credit-notes/${note.id}/finalize`),
      await admin.get(`${base}/credit-notes/${note.id}/pdf`),
    ]) {
      expectError(res, 404);
      expect(JSON.stringify(res.body)).not.toContain("Secret");
    }
    // A US tax rate cannot be put on a UK invoice line (it does not exist there).
    const ukCustomer = (await admin.get(`${base}/customers?limit=100`)).body.items.find((c: any) => c.currency === "GBP");
    const before2 = await snapshot();
    expectError(await admin.post(`${base}/invoices`, { customerId: ukCustomer.id, currency: "GBP", lines: [{ title: "x", quantity: "1", rate: "1", taxRateId: rate.id }] }), 422, "unknown_tax_rate");
    expectError(await admin.post(`${base}/invoices`, { customerId: draft.customerId, currency: "USD", lines: [] }), 404, "not_found");
    expect(await snapshot()).toBe(before2);
    for (const list of ["invoices", "credit-notes", "tax-rates", "outbox"]) {
      const text = JSON.stringify((await admin.get(`${base}/${list}?limit=100`)).body);
      expect(text).not.toContain(draft.id);
      expect(text).not.toContain(sent.id);
      expect(text).not.toContain(rate.id);
      expect(text).not.toContain("secret@buyer.test");
    }
    expect(await snapshot()).toBe(before);
  });

  it("a non-member and another entity's API key get nothing, on every route", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    const key = ApiClient.withKey((await uk.post("/api/v1/entities/acme-uk/api-keys", { name: "k", role: "admin" })).body.key);
    const before = await snapshot();
    for (const client of [uk, key]) {
      for (const res of await Promise.all(everyRoute(client, US))) expectError(res, 404, "entity_not_found");
    }
    expect(await snapshot()).toBe(before);
  });

  it("sales, approvers and viewers read invoices, credit notes and tax rates but cannot change them", async () => {
    const viewerKey = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "viewer", role: "viewer" })).body.key);
    const clients = [await ApiClient.signIn("sales@acme.test"), await ApiClient.signIn("approver@acme.test"), viewerKey];
    const before = await snapshot();
    for (const client of clients) {
      expect((await client.get(`${US}/invoices/${draft.id}`)).status).toBe(200);
      expect((await client.get(`${US}/credit-notes/${note.id}`)).status).toBe(200);
      expect((await client.get(`${US}/tax-rates`)).status).toBe(200);
      for (const res of [
        await client.post(`${US}/invoices`, { customerId: draft.customerId, currency: "USD", lines: [] }),
        await client.patch(`${US}/invoices/${draft.id}`, { lines: [] }),
        await client.post(`${US}/invoices/${draft.id}/finalize`),
        await client.post(`${US}/invoices/${sent.id}/send`),
        await client.post(`${US}/invoices/${draft.id}/void`),
        await client.put(`${US}/invoices/${sent.id}/payment-status`, { paymentStatus: "PAID" }),
        await client.post(`${US}/credit-notes`, { invoiceId: sent.id, lines: [{ invoiceLineId: sent.lines[0].id, amount: "1" }] }),
        await client.post(`${US}/credit-notes/${note.id}/finalize`),
        await client.post(`${US}/tax-rates`, { name: "x", percentage: "1" }),
      ]) {
        expectError(res, 403, "forbidden");
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it("finance and an admin API key may write", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    expect((await finance.post(`${US}/tax-rates`, { name: unique("Finance rate"), percentage: "3" })).status).toBe(201);
    const adminKey = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "admin", role: "admin" })).body.key);
    expect((await adminKey.post(`${US}/invoices`, { customerId: draft.customerId, currency: "USD", lines: [] })).status).toBe(201);
  });

  it("the public link shows a sent invoice only, and a token cannot be bent to another entity", async () => {
    const anonymous = new ApiClient();
    const view = await anonymous.get(`/api/v1/public/invoices/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).not.toHaveProperty("customerId");
    expect(JSON.stringify(view.body)).not.toContain("usr_");
    const secret = token.split(".")[1];
    expectError(await anonymous.get(`/api/v1/public/invoices/ent_acme_uk.${secret}`), 404, "not_found");
    expectError(await anonymous.get(`/api/v1/public/invoices/${secret}`), 404, "not_found");
    expectError(await anonymous.get(`/api/v1/public/invoices/ent_acme_uk.${secret}/pdf`), 404, "not_found");
    // Voided after it was sent: the link stops showing it.
    const other = (await admin.post(`${US}/invoices`, { customerId: draft.customerId, currency: "USD", lines: [{ title: "x", quantity: "1", rate: "1" }] })).body;
    await admin.post(`${US}/invoices/${other.id}/finalize`);
    const otherToken = new URL((await admin.post(`${US}/invoices/${other.id}/send`)).body.publicUrl).pathname.slice(3);
    expect((await anonymous.get(`/api/v1/public/invoices/${otherToken}`)).status).toBe(200);
    expect((await admin.post(`${US}/invoices/${other.id}/void`)).status).toBe(200);
    expectError(await anonymous.get(`/api/v1/public/invoices/${otherToken}`), 404, "not_found");
    expectError(await anonymous.get(`/api/v1/public/invoices/${otherToken}/pdf`), 404, "not_found");
  });
});
