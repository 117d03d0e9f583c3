// Credit notes never leak across entities, cannot be written against another entity's invoice, and
// only finance and admin create or finalize them.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const US = "/api/v1/entities/acme-us";
const UK = "/api/v1/entities/acme-uk";
let admin: ApiClient;
let invoice: any;
let note: any;

const snapshot = async () =>
  JSON.stringify(
    await Promise.all(
      [env.ENTITY_ACME_US, env.ENTITY_ACME_UK].map((db) =>
        db.prepare("SELECT (SELECT COUNT(*) FROM credit_notes) c, (SELECT group_concat(rev) FROM credit_notes) r, (SELECT COUNT(*) FROM credit_note_lines) l, (SELECT MAX(seq) FROM events) e").first(),
      ),
    ),
  );

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  const customerId = (await admin.post(`${US}/customers`, { legalName: unique("Credit Secret"), email: "cs@secret.test", country: "US" })).body.id;
  const draft = (await admin.post(`${US}/invoices`, { customerId, currency: "USD", lines: [{ title: "Secret credit work", quantity: "2", rate: "50" }] })).body;
  invoice = (await admin.post(`${US}/invoices/${draft.id}/finalize`)).body;
  note = (await admin.post(`${US}/credit-notes`, { invoiceId: invoice.id, reason: "Secret reason", lines: [{ invoiceLineId: invoice.lines[0].id, quantity: "1" }] })).body;
  expect(note.status).toBe("DRAFT");
});

describe("credit notes — security", () => {
  it("another entity's credit note is 404 under this entity's path; its invoice cannot be credited from here", async () => {
    const before = await snapshot();
    for (const res of [
      await admin.get(`${UK}/credit-notes/${note.id}`),
      await admin.post(`${UK}/credit-notes/${note.id}/finalize`),
      await admin.get(`${UK}/credit-notes/${note.id}/pdf`),
      await admin.post(`${UK}/credit-notes`, { invoiceId: invoice.id, lines: [{ invoiceLineId: invoice.lines[0].id, amount: "1" }] }),
    ]) {
      expectError(res, 404, "not_found");
      expect(JSON.stringify(res.body)).not.toContain("Secret");
    }
    const list = JSON.stringify((await admin.get(`${UK}/credit-notes?limit=100`)).body);
    expect(list).not.toContain(note.id);
    expect(JSON.stringify((await admin.get(`${UK}/credit-notes?invoiceId=${invoice.id}`)).body.items)).toBe("[]");
    expect(await snapshot()).toBe(before);
  });

  it("a non-member and another entity's API key get entity_not_found", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    const key = ApiClient.withKey((await uk.post(`${UK}/api-keys`, { name: "k", role: "admin" })).body.key);
    const before = await snapshot();
    for (const client of [uk, key]) {
      for (const res of [
        await client.get(`${US}/credit-notes`),
        await client.get(`${US}/credit-notes/${note.id}`),
        await client.get(`${US}/credit-notes/${note.id}/pdf`),
        await client.post(`${US}/credit-notes/${note.id}/finalize`),
        await client.post(`${US}/credit-notes`, { invoiceId: invoice.id, lines: [{ invoiceLineId: invoice.lines[0].id, amount: "1" }] }),
      ]) {
        expectError(res, 404, "entity_not_found");
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it("sales, approvers and viewer keys read credit notes but cannot create or finalize them", async () => {
    const viewer = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "viewer", role: "viewer" })).body.key);
    const sales = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "sales", role: "sales" })).body.key);
    const before = await snapshot();
    for (const client of [await ApiClient.signIn("sales@acme.test"), await ApiClient.signIn("approver@acme.test"), viewer, sales]) {
      expect((await client.get(`${US}/credit-notes/${note.id}`)).status).toBe(200);
      expect((await client.get(`${US}/credit-notes?invoiceId=${invoice.id}`)).body.items.map((n: any) => n.id)).toEqual([note.id]);
      expectError(await client.post(`${US}/credit-notes`, { invoiceId: invoice.id, lines: [{ invoiceLineId: invoice.lines[0].id, amount: "1" }] }), 403, "forbidden");
      expectError(await client.post(`${US}/credit-notes/${note.id}/finalize`), 403, "forbidden");
    }
    expect(await snapshot()).toBe(before);
    const finance = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "finance", role: "finance" })).body.key);
    expect((await finance.post(`${US}/credit-notes/${note.id}/finalize`)).status).toBe(200);
  });
});
