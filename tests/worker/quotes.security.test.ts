// Quotes never leak across entities, and only the roles that may edit them do.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

let admin: ApiClient;
let usQuote: any;
let token: string;

const snapshot = async () =>
  JSON.stringify(await Promise.all([env.ENTITY_ACME_US, env.ENTITY_ACME_UK].map((db) => db.prepare("SELECT (SELECT COUNT(*) FROM quotes) q, (SELECT group_concat(rev) FROM quotes) r, (SELECT MAX(seq) FROM events) e").first())));

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  const customer = (await admin.post("/api/v1/entities/acme-us/customers", { legalName: unique("Sec Q"), email: "s@q.test", country: "US" })).body;
  usQuote = (await admin.post("/api/v1/entities/acme-us/quotes", { customerId: customer.id, title: "Secret deal", currency: "USD", lines: [{ priceId: "price_us_platform_yearly", quantity: "7" }] })).body;
  const published = (await admin.post(`/api/v1/entities/acme-us/quotes/${usQuote.id}/publish`)).body;
  token = new URL(published.publicUrl).pathname.slice(3);
  usQuote = published;
});

describe("quotes — security", () => {
  it("another entity's quote is 404 under this entity's path, for every route", async () => {
    const before = await snapshot();
    const base = `/api/v1/entities/acme-uk/quotes/${usQuote.id}`;
    for (const res of [
      await admin.get(base),
      await admin.patch(base, { title: "x" }),
      await admin.post(`${base}/submit`),
      await admin.post(`${base}/publish`),
      await admin.post(`${base}/archive`),
      await admin.get(`${base}/pdf`),
    ]) {
      expectError(res, 404, "not_found");
      expect(JSON.stringify(res.body)).not.toContain("Secret deal");
    }
    expect(JSON.stringify((await admin.get("/api/v1/entities/acme-uk/quotes?limit=100")).body)).not.toContain(usQuote.id);
    expect(await snapshot()).toBe(before);
  });

  it("a non-member and another entity's API key get nothing", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    const key = ApiClient.withKey((await uk.post("/api/v1/entities/acme-uk/api-keys", { name: "k", role: "admin" })).body.key);
    const before = await snapshot();
    for (const client of [uk, key]) {
      expectError(await client.get(`/api/v1/entities/acme-us/quotes/${usQuote.id}`), 404, "entity_not_found");
      expectError(await client.get("/api/v1/entities/acme-us/quotes"), 404, "entity_not_found");
      expectError(await client.post(`/api/v1/entities/acme-us/quotes/${usQuote.id}/archive`), 404, "entity_not_found");
    }
    expect(await snapshot()).toBe(before);
  });

  it("finance and approvers read quotes but cannot change them", async () => {
    const before = await snapshot();
    for (const email of ["finance@acme.test", "approver@acme.test"]) {
      const user = await ApiClient.signIn(email);
      expect((await user.get(`/api/v1/entities/acme-us/quotes/${usQuote.id}`)).status).toBe(200);
      expectError(await user.patch(`/api/v1/entities/acme-us/quotes/${usQuote.id}`, { title: "x" }), 403, "forbidden");
      expectError(await user.post(`/api/v1/entities/acme-us/quotes/${usQuote.id}/archive`), 403, "forbidden");
      expectError(await user.post("/api/v1/entities/acme-us/quotes", { customerId: "x", title: "x", currency: "USD" }), 403, "forbidden");
    }
    expect(await snapshot()).toBe(before);
  });

  it("the public link shows the published document only, and a token cannot be bent to another entity", async () => {
    const view = await new ApiClient().get(`/api/v1/public/quotes/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).not.toHaveProperty("customerId");
    expect(JSON.stringify(view.body)).not.toContain("usr_");
    const secret = token.split(".")[1];
    expectError(await new ApiClient().get(`/api/v1/public/quotes/ent_acme_uk.${secret}`), 404, "not_found");
    expectError(await new ApiClient().get(`/api/v1/public/quotes/${secret}`), 404, "not_found");
  });
});
