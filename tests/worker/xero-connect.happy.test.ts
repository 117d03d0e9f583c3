// Connecting an entity to Xero, end to end against the fake: consent, code exchange with PKCE, the
// organisation from /connections, sealed tokens, refresh (one at a time), disconnect.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EntityRecord } from "../../worker/env.ts";
import { connectionObject } from "../../worker/integrations/xero/connection.ts";
import { DEMO_ENTITIES } from "../../worker/seed.ts";
import { ApiClient, ORIGIN } from "../support/client.ts";
import { browserGet, connectionRow, connectXero, entityDb, fakeRequests, newTenant as newFakeTenant, openToken, startConnect, XERO } from "../support/xero.ts";

const UK = { ...DEMO_ENTITIES[1], status: "ACTIVE" } as unknown as EntityRecord;
const tenants: string[] = [];
const newTenant = async (name: string) => {
  const id = await newFakeTenant(name);
  tenants.push(id);
  return id;
};

describe("Xero connect", () => {
  it("connects an entity through the consent page: 302 with state, PKCE and granular scopes, then the callback stores the organisation", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const tenant = await newTenant("Acme Ltd (Xero)");
    const consentUrl = await startConnect(admin, "acme-uk");
    expect(consentUrl.origin + consentUrl.pathname).toBe(`${XERO}/identity/connect/authorize`);
    const q = consentUrl.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe("kontor-local");
    expect(q.get("redirect_uri")).toBe(`${ORIGIN}/api/v1/integrations/xero/callback`);
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("state")).toMatch(/^xs_local_ent_acme_uk\./);
    expect(q.get("scope")!.split(" ")).toEqual(expect.arrayContaining(["offline_access", "accounting.invoices", "accounting.payments", "accounting.contacts", "accounting.settings"]));
    expect(q.get("scope")).not.toContain("accounting.transactions");

    // The consent page with one click: the form posts back with the chosen organisation.
    const page = await fetch(consentUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Allow access");
    const form = new URLSearchParams(q);
    form.set("tenant", tenant);
    form.set("decision", "allow");
    const approved = await fetch(`${XERO}/identity/connect/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form, redirect: "manual" });
    expect(approved.status).toBe(302);
    const back = await browserGet(admin, approved.headers.get("location")!);
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe(`${ORIGIN}/acme-uk/integrations?xero=connected`);

    const list = await admin.get("/api/v1/entities/acme-uk/integrations");
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ provider: "xero", connected: true, state: "CONNECTED", tenantId: tenant, tenantName: "Acme Ltd (Xero)", connectedBy: "usr_admin" })]);
    const status = await admin.get("/api/v1/entities/acme-uk/integrations/xero/status");
    expect(status.body).toMatchObject({ connected: true, state: "CONNECTED", tenantName: "Acme Ltd (Xero)", pending: 0, failed: 0, objects: [] });

    // The code exchange carried the PKCE verifier and the client's credentials; /connections named this consent.
    const token = (await fakeRequests({ path: "/connect/token" })).filter((r) => r.body?.redirect_uri === `${ORIGIN}/api/v1/integrations/xero/callback` && r.status === 200).at(-1)!;
    expect(token.body).toMatchObject({ grant_type: "authorization_code" });
    expect(token.body.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token.headers.authorization).toMatch(/^Basic /);
    const connections = (await fakeRequests({ path: "/connections" })).at(-1)!;
    expect(connections.query.authEventId).toBeTruthy();
    expect(connections.valid).toBe(true);

    // The event says who connected which organisation, and no token.
    const events = await admin.get("/api/v1/entities/acme-uk/events?after=0&limit=100");
    const connected = events.body.items.filter((e: { kind: string }) => e.kind === "integration.connected" || e.kind === "integration.reconnected").at(-1);
    expect(connected.data).toMatchObject({ provider: "xero", tenantId: tenant, tenantName: "Acme Ltd (Xero)" });
    expect(JSON.stringify(events.body)).not.toContain((await openToken(UK, "access"))!);
  });

  it("keeps the tokens sealed at rest (AES-GCM), readable only with the environment's key", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-uk", await newTenant("Sealed Ltd"));
    const row = (await connectionRow("ENTITY_ACME_UK"))!;
    expect(row.access_token).toMatch(/^v1\./);
    expect(row.refresh_token).toMatch(/^v1\./);
    const access = await openToken(UK, "access");
    const refresh = await openToken(UK, "refresh");
    expect(access!.split(".")).toHaveLength(3); // Xero's JWT
    expect(refresh).toMatch(/^[0-9a-f]{64}$/);
    expect(row.access_token).not.toContain(access!.slice(0, 20));
    expect(row.refresh_token).not.toContain(refresh!);
    expect(Date.parse(row.access_expires_at)).toBeGreaterThan(Date.now() + 25 * 60_000);
  });

  it("reconnecting replaces the tokens and moves the token version on", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-uk", await newTenant("First Org"));
    const before = (await connectionRow("ENTITY_ACME_UK"))!;
    const second = await newTenant("Second Org");
    await connectXero(admin, "acme-uk", second);
    const after = (await connectionRow("ENTITY_ACME_UK"))!;
    expect(after.tenant_id).toBe(second);
    expect(after.token_version).toBe(before.token_version + 1);
    const events = await admin.get("/api/v1/entities/acme-uk/events?after=0&limit=100");
    expect(events.body.items.some((e: { kind: string; data: { tenantId?: string } }) => e.kind === "integration.reconnected" && e.data.tenantId === second)).toBe(true);
  });

  it("refreshes an expiring token once for many concurrent callers, and stores the rotated refresh token", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const tenant = await newTenant("Refresh Ltd");
    await connectXero(admin, "acme-uk", tenant);
    const oldRefresh = await openToken(UK, "refresh");
    // The access token is about to expire (inside the refresh margin).
    await entityDb("ENTITY_ACME_UK").prepare("UPDATE integration_connections SET access_expires_at = ? WHERE provider = 'xero'").bind(new Date(Date.now() + 30_000).toISOString()).run();
    const object = connectionObject(env, UK);
    const results = await Promise.all(Array.from({ length: 12 }, () => object.accessToken(UK)));
    expect(results.every((r) => r.ok)).toBe(true);
    const tokens = new Set(results.map((r) => (r.ok ? r.value.accessToken : "")));
    expect(tokens.size).toBe(1);
    const refreshes = (await fakeRequests({ path: "/connect/token" })).filter((r) => r.body?.grant_type === "refresh_token" && r.body?.refresh_token === oldRefresh);
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.status).toBe(200);
    const newRefresh = await openToken(UK, "refresh");
    expect(newRefresh).not.toBe(oldRefresh);
    expect(await openToken(UK, "access")).toBe([...tokens][0]);
    // The new token works at Xero for this organisation.
    const res = await fetch(`${XERO}/api.xro/2.0/Accounts`, { headers: { authorization: `Bearer ${[...tokens][0]}`, "xero-tenant-id": tenant } });
    expect(res.status).toBe(200);
    // A token far from expiry is handed out without a refresh.
    const again = await object.accessToken(UK);
    expect(again.ok && again.value.accessToken).toBe([...tokens][0]);
    expect((await fakeRequests({ path: "/connect/token" })).filter((r) => r.body?.refresh_token === newRefresh)).toHaveLength(0);
  });

  it("disconnects: Xero's connection is deleted, the refresh token revoked, and the entity shows not connected", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const tenant = await newTenant("Leaving Ltd");
    await connectXero(admin, "acme-uk", tenant);
    const access = await openToken(UK, "access");
    const res = await admin.request("DELETE", "/api/v1/entities/acme-uk/integrations/xero");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: "xero", connected: false, state: null, tenantName: null });
    expect(await connectionRow("ENTITY_ACME_UK")).toBeNull();
    expect((await fakeRequests({ path: "/connections/" })).filter((r) => r.method === "DELETE").at(-1)!.status).toBe(204);
    // The old access token no longer reaches the organisation.
    const after = await fetch(`${XERO}/api.xro/2.0/Accounts`, { headers: { authorization: `Bearer ${access}`, "xero-tenant-id": tenant } });
    expect([401, 403]).toContain(after.status);
    expect((await admin.get("/api/v1/entities/acme-uk/integrations/xero/status")).body).toMatchObject({ connected: false, state: null });
  });

  it("every request the Worker sent to Xero's Accounting API and /connections was valid against Xero's spec", async () => {
    const mine = new Set(tenants);
    const api = (await fakeRequests({ path: "/api.xro" })).filter((r) => r.tenantId && mine.has(r.tenantId));
    const connections = await fakeRequests({ path: "/connections" });
    expect(api.length + connections.length).toBeGreaterThan(0);
    expect([...api, ...connections].filter((r) => !r.valid)).toEqual([]);
  });
});
