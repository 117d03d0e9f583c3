// The connect flow when things go wrong: consent refused, a bad code, Xero down or refusing the refresh.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EntityRecord } from "../../worker/env.ts";
import { connectionObject } from "../../worker/integrations/xero/connection.ts";
import { DEMO_ENTITIES } from "../../worker/seed.ts";
import { ApiClient, expectError, ORIGIN } from "../support/client.ts";
import { browserGet, connectionRow, connectXero, consent, entityDb, fakeRequests, newTenant, openToken, startConnect, XERO } from "../support/xero.ts";

const DE = { ...DEMO_ENTITIES[2], status: "ACTIVE" } as unknown as EntityRecord;

async function expire(binding: string) {
  await entityDb(binding).prepare("UPDATE integration_connections SET access_expires_at = ? WHERE provider = 'xero'").bind(new Date(Date.now() - 1000).toISOString()).run();
}

describe("Xero connect: errors", () => {
  it("consent refused at Xero: back to the integrations page with access_denied, nothing stored, the state spent", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await admin.request("DELETE", "/api/v1/entities/acme-de/integrations/xero");
    const consentUrl = await startConnect(admin, "acme-de");
    const form = new URLSearchParams(consentUrl.searchParams);
    form.set("decision", "deny");
    const denied = await fetch(`${XERO}/identity/connect/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form, redirect: "manual" });
    const callback = denied.headers.get("location")!;
    const res = await browserGet(admin, callback);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${ORIGIN}/acme-de/integrations?xero=error&code=access_denied`);
    expect(await connectionRow("ENTITY_ACME_DE")).toBeNull();
    const again = await browserGet(admin, callback);
    expect(again.status).toBe(400);
  });

  it("a code Xero refuses: back with token_exchange_failed, nothing stored", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await admin.request("DELETE", "/api/v1/entities/acme-de/integrations/xero");
    const callback = new URL(await consent(await startConnect(admin, "acme-de"), await newTenant("Bad Code GmbH")));
    callback.searchParams.set("code", "not-a-code-xero-issued");
    const res = await browserGet(admin, callback.toString());
    expect(res.headers.get("location")).toBe(`${ORIGIN}/acme-de/integrations?xero=error&code=token_exchange_failed`);
    expect(await connectionRow("ENTITY_ACME_DE")).toBeNull();
  });

  it("a callback without state, or disconnecting what is not connected, is refused in the error shape", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    expectError(await admin.get("/api/v1/integrations/xero/callback?code=x"), 400, "invalid_request");
    await admin.request("DELETE", "/api/v1/entities/acme-de/integrations/xero");
    expectError(await admin.request("DELETE", "/api/v1/entities/acme-de/integrations/xero"), 404, "integration_not_connected");
  });

  it("Xero down during a refresh: the caller is told to retry, the connection stays CONNECTED with its tokens", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-de", await newTenant("Flaky GmbH"));
    const refresh = (await openToken(DE, "refresh"))!;
    await expire("ENTITY_ACME_DE");
    await fetch(`${XERO}/__fail`, { method: "POST", body: JSON.stringify({ status: 503, count: 1, scope: "token", bodyIncludes: refresh }) });
    const result = await connectionObject(env, DE).accessToken(DE);
    expect(result).toMatchObject({ ok: false, code: "xero_unavailable" });
    expect((await connectionRow("ENTITY_ACME_DE"))!.state).toBe("CONNECTED");
    expect(await openToken(DE, "refresh")).toBe(refresh);
    // The next attempt refreshes with the same (unspent) refresh token.
    const retried = await connectionObject(env, DE).accessToken(DE);
    expect(retried.ok).toBe(true);
    expect((await fakeRequests({ path: "/connect/token" })).filter((r) => r.body?.refresh_token === refresh).map((r) => r.status)).toEqual([503, 200]);
  });

  it("Xero refuses the refresh (the grant is gone): RECONNECT_REQUIRED, an event, and connecting again mends it", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const tenant = await newTenant("Revoked GmbH");
    await connectXero(admin, "acme-de", tenant);
    const refresh = (await openToken(DE, "refresh"))!;
    // The user revoked the app in Xero: the refresh token is dead.
    const basic = `Basic ${btoa(`${env.XERO_CLIENT_ID}:${env.XERO_CLIENT_SECRET}`)}`;
    await fetch(`${XERO}/connect/revocation`, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: refresh }) });
    await expire("ENTITY_ACME_DE");
    const results = await Promise.all([1, 2, 3].map(() => connectionObject(env, DE).accessToken(DE)));
    expect(results.every((r) => !r.ok && r.code === "reconnect_required")).toBe(true);
    expect((await fakeRequests({ path: "/connect/token" })).filter((r) => r.body?.refresh_token === refresh)).toHaveLength(1);
    const status = await admin.get("/api/v1/entities/acme-de/integrations/xero/status");
    expect(status.body).toMatchObject({ connected: false, state: "RECONNECT_REQUIRED", tenantName: "Revoked GmbH" });
    const list = await admin.get("/api/v1/entities/acme-de/integrations");
    expect(list.body.items[0].lastError).toContain("invalid_grant");
    const events = await admin.get("/api/v1/entities/acme-de/events?after=0&limit=100");
    expect(events.body.items.some((e: { kind: string }) => e.kind === "integration.reconnect_required")).toBe(true);
    // Later callers are told at once, without calling Xero.
    expect(await connectionObject(env, DE).accessToken(DE)).toMatchObject({ ok: false, code: "reconnect_required" });
    await connectXero(admin, "acme-de", tenant);
    expect((await admin.get("/api/v1/entities/acme-de/integrations/xero/status")).body).toMatchObject({ connected: true, state: "CONNECTED" });
    expect((await connectionObject(env, DE).accessToken(DE)).ok).toBe(true);
  });

  it("the connection's call budget: 60 in any minute, corrected by Xero's remaining counts and Retry-After", async () => {
    const object = env.XeroConnection.get(env.XeroConnection.idFromName("budget-test"));
    const t = Date.parse("2026-06-01T12:00:00Z");
    for (let i = 0; i < 60; i++) expect((await object.acquire(1, t)).granted).toBe(true);
    // None until the minute's calls have left the window (61 s after they were granted).
    expect(await object.acquire(1, t + 1000)).toEqual({ granted: false, waitMs: 60_000 });
    expect((await object.acquire(1, t + 61_000)).granted).toBe(true);
    // Xero says others used this organisation's minute too: none left.
    await object.observe({ minRemaining: 0, dayRemaining: 4000 }, t + 70_000);
    expect((await object.acquire(1, t + 70_000)).granted).toBe(false);
    // A 429 with Retry-After of 200 s blocks until then, even once the minute has passed.
    await object.observe({ retryAfter: 200 }, t + 80_000);
    expect(await object.acquire(1, t + 279_000)).toEqual({ granted: false, waitMs: 1000 });
    expect((await object.acquire(1, t + 280_000)).granted).toBe(true);
    // The day's limit reached: no calls for a while.
    await object.observe({ dayRemaining: 0 }, t + 281_000);
    expect((await object.acquire(1, t + 400_000)).granted).toBe(false);
  });
});
