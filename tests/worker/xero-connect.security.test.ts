// The connect flow's guards: a state is single-use, short-lived, bound to its user, entity and
// environment; only an admin connects; another entity sees nothing; sealed tokens open only in place.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EntityRecord } from "../../worker/env.ts";
import { connectionObject } from "../../worker/integrations/xero/connection.ts";
import { DEMO_ENTITIES } from "../../worker/seed.ts";
import { ApiClient, expectError, ORIGIN } from "../support/client.ts";
import { browserGet, connectionRow, connectXero, consent, entityDb, newTenant, startConnect } from "../support/xero.ts";

const [US, UK, DE] = DEMO_ENTITIES.map((e) => ({ ...e, status: "ACTIVE" }) as unknown as EntityRecord);

async function body(res: Response) {
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

describe("Xero connect: security", () => {
  it("a state works once: the same callback again is refused", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const callback = await consent(await startConnect(admin, "acme-uk"), await newTenant("Once Ltd"));
    expect((await browserGet(admin, callback)).status).toBe(302);
    expectError(await body(await browserGet(admin, callback)), 400, "invalid_oauth_state");
  });

  it("an expired state is refused, and nothing is stored", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await admin.request("DELETE", "/api/v1/entities/acme-de/integrations/xero");
    const callback = await consent(await startConnect(admin, "acme-de"), await newTenant("Late GmbH"));
    await entityDb("ENTITY_ACME_DE").prepare("UPDATE oauth_states SET expires_at = ?").bind(new Date(Date.now() - 1000).toISOString()).run();
    expectError(await body(await browserGet(admin, callback)), 400, "invalid_oauth_state");
    expect(await connectionRow("ENTITY_ACME_DE")).toBeNull();
  });

  it("a state belongs to the user who started the connect: another admin of the entity cannot finish it", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const other = await ApiClient.signIn("uk@acme.test");
    const callback = await consent(await startConnect(admin, "acme-uk"), await newTenant("Hijack Ltd"));
    expectError(await body(await browserGet(other, callback)), 400, "invalid_oauth_state");
    // Nor does the attempt use it up for its owner.
    expect((await browserGet(admin, callback)).status).toBe(302);
  });

  it("a state names its entity and environment: tampered, foreign or sandbox-minted states are refused", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const callback = new URL(await consent(await startConnect(admin, "acme-uk"), await newTenant("Tamper Ltd")));
    const state = callback.searchParams.get("state")!;
    const variants = [
      state.replace("ent_acme_uk", "ent_acme_us"), // another entity's database holds no such state
      state.replace("xs_local_", "xs_sandbox_"), // minted (or forged) for another environment
      state.replace("xs_local_", "xs_production_"),
      `${state.slice(0, -4)}AAAA`,
      "xs_local_ent_acme_uk.short",
    ];
    for (const v of variants) {
      const url = new URL(callback);
      url.searchParams.set("state", v);
      expectError(await body(await browserGet(admin, url.toString())), 400, "invalid_oauth_state");
    }
    expect((await browserGet(admin, callback.toString())).status).toBe(302);
  });

  it("the callback needs the browser's session: none, or a bearer key, is 401", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const callback = await consent(await startConnect(admin, "acme-uk"), await newTenant("Anon Ltd"));
    expectError(await body(await browserGet(new ApiClient(), callback)), 401, "unauthenticated");
    const key = await admin.post("/api/v1/entities/acme-uk/api-keys", { name: "xero", role: "admin" });
    expectError(await body(await browserGet(ApiClient.withKey(key.body.key), callback)), 401, "unauthenticated");
  });

  it("a non-member of the state's entity gets the same refusal as a bad state", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const sales = await ApiClient.signIn("sales@acme.test"); // not a member of acme-de
    const callback = await consent(await startConnect(admin, "acme-de"), await newTenant("Outsider GmbH"));
    expectError(await body(await browserGet(sales, callback)), 400, "invalid_oauth_state");
  });

  it("only an admin may connect or disconnect; finance, sales and API keys may not", async () => {
    for (const email of ["finance@acme.test", "sales@acme.test"]) {
      const client = await ApiClient.signIn(email);
      expectError(await body(await browserGet(client, `${ORIGIN}/api/v1/entities/acme-uk/integrations/xero/connect`)), 403, "forbidden");
      expectError(await client.request("DELETE", "/api/v1/entities/acme-uk/integrations/xero"), 403, "forbidden");
    }
    const admin = await ApiClient.signIn("admin@acme.test");
    const key = await admin.post("/api/v1/entities/acme-uk/api-keys", { name: "xero-admin", role: "admin" });
    expectError(await body(await browserGet(ApiClient.withKey(key.body.key), `${ORIGIN}/api/v1/entities/acme-uk/integrations/xero/connect`)), 403, "forbidden");
    // Everyone in the entity may see whether it is connected.
    expect((await (await ApiClient.signIn("finance@acme.test")).get("/api/v1/entities/acme-uk/integrations")).status).toBe(200);
  });

  it("another entity sees nothing of this entity's connection, and a non-member gets 404", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await admin.request("DELETE", "/api/v1/entities/acme-us/integrations/xero");
    await connectXero(admin, "acme-uk", await newTenant("Private Ltd"));
    const us = await admin.get("/api/v1/entities/acme-us/integrations");
    expect(us.body.items[0]).toMatchObject({ connected: false, tenantId: null, tenantName: null });
    expect((await admin.get("/api/v1/entities/acme-us/integrations/xero/status")).body).toMatchObject({ connected: false, tenantName: null });
    const ukOnly = await ApiClient.signIn("uk@acme.test");
    expectError(await ukOnly.get("/api/v1/entities/acme-us/integrations"), 404, "entity_not_found");
    const approver = await ApiClient.signIn("approver@acme.test");
    expectError(await approver.get("/api/v1/entities/acme-uk/integrations/xero/status"), 404, "entity_not_found");
    expectError(await approver.request("DELETE", "/api/v1/entities/acme-uk/integrations/xero"), 404, "entity_not_found");
    expect(await connectionRow("ENTITY_ACME_US")).toBeNull();
  });

  it("sealed tokens open only in their own entity: a row copied into another entity's database gives no token", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-uk", await newTenant("Copied Ltd"));
    const row = (await connectionRow("ENTITY_ACME_UK"))!;
    const cols = Object.keys(row);
    await entityDb("ENTITY_ACME_US").prepare("DELETE FROM integration_connections").run();
    await entityDb("ENTITY_ACME_US")
      .prepare(`INSERT INTO integration_connections (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`)
      .bind(...cols.map((c) => row[c]))
      .run();
    const copied = await connectionObject(env, US).accessToken(US);
    expect(copied).toMatchObject({ ok: false, code: "reconnect_required" });
    await entityDb("ENTITY_ACME_US").prepare("DELETE FROM integration_connections").run();
    // A row another environment wrote is not this environment's connection.
    await entityDb("ENTITY_ACME_DE").prepare("DELETE FROM integration_connections").run();
    await entityDb("ENTITY_ACME_DE")
      .prepare(`INSERT INTO integration_connections (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`)
      .bind(...cols.map((c) => (c === "environment" ? "sandbox" : row[c])))
      .run();
    expect((await admin.get("/api/v1/entities/acme-de/integrations")).body.items[0]).toMatchObject({ connected: false, tenantName: null });
    expect(await connectionObject(env, DE).accessToken(DE)).toMatchObject({ ok: false, code: "integration_not_connected" });
    await entityDb("ENTITY_ACME_DE").prepare("DELETE FROM integration_connections").run();
    void UK;
  });
});
