// Billing runs are the entity's own: another entity's run is 404 under this entity's path, a non-member
// and another entity's API key get nothing, and only finance and admin start runs (or preview them).
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";
import { counts, DE, DE_DB, runToEnd } from "../support/billing-runs.ts";

const US = "/api/v1/entities/acme-us";
const UK = "/api/v1/entities/acme-uk";
let admin: ApiClient;
let finance: ApiClient;
let deRun: any;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  finance = await ApiClient.signIn("finance@acme.test");
  deRun = await runToEnd(finance, "2029-01-01");
});

describe("billing runs — security", () => {
  it("another entity's run is 404 under this entity's path, never its data", async () => {
    for (const base of [US, UK]) {
      const res = await admin.get(`${base}/billing-runs/${deRun.id}`);
      expectError(res, 404, "not_found");
      expect(JSON.stringify(res.body)).not.toContain(deRun.asOf);
      expect((await admin.get(`${base}/billing-runs?limit=100`)).body.items.map((r: any) => r.id)).not.toContain(deRun.id);
    }
    expect((await admin.get(`${DE}/billing-runs/${deRun.id}`)).status).toBe(200);
  });

  it("a non-member and another entity's API key get entity_not_found and write nothing", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    const key = ApiClient.withKey((await uk.post(`${UK}/api-keys`, { name: "runs", role: "admin" })).body.key);
    const before = await counts();
    for (const client of [uk, key]) {
      for (const res of [
        await client.get(`${DE}/billing-runs`),
        await client.get(`${DE}/billing-runs/${deRun.id}`),
        await client.post(`${DE}/billing-runs`, { asOf: "2029-02-01" }),
        await client.post(`${DE}/billing-runs`, { asOf: "2029-02-01", dryRun: true }),
      ]) {
        expectError(res, 404, "entity_not_found");
      }
    }
    expectError(await new ApiClient().get(`${DE}/billing-runs`), 401);
    expect(await counts()).toEqual(before);
  });

  it("sales, approvers and viewer keys read runs but cannot start or preview one; finance and admin keys can", async () => {
    const viewer = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "viewer", role: "viewer" })).body.key);
    const salesKey = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "sales", role: "sales" })).body.key);
    const before = await counts(DE_DB());
    const usRuns = async () => (await admin.get(`${US}/billing-runs?limit=100`)).body.items.length;
    const runsBefore = await usRuns();
    for (const client of [await ApiClient.signIn("sales@acme.test"), await ApiClient.signIn("approver@acme.test"), viewer, salesKey]) {
      expect((await client.get(`${US}/billing-runs`)).status).toBe(200);
      expectError(await client.post(`${US}/billing-runs`, { asOf: "2029-01-01" }), 403, "forbidden");
      expectError(await client.post(`${US}/billing-runs`, { asOf: "2029-01-01", dryRun: true }), 403, "forbidden");
    }
    expect(await usRuns()).toBe(runsBefore);
    expect(await counts(DE_DB())).toEqual(before);
    const financeKey = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "finance", role: "finance" })).body.key);
    const preview = await financeKey.post(`${US}/billing-runs`, { asOf: "2000-01-01", dryRun: true });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, asOf: "2000-01-01" });
  });
});
