// The fake's identity service: consent, code exchange with PKCE, refresh rotation, connections.
import { describe, expect, it } from "vitest";
import { createXeroFake, DEFAULT_TENANTS } from "./xero/index.ts";
import { authorizeUrl, connect, ORIGIN, pkce, REDIRECT_URI, tokenRequest } from "./xero/testing.ts";

const UK = DEFAULT_TENANTS[0]!.id;

describe("Xero fake: consent and tokens", () => {
  it("shows a consent page that approves with one click, naming the scopes and organisations", async () => {
    const fake = createXeroFake();
    const { challenge } = pkce();
    const page = await fake.fetch(new Request(authorizeUrl({ challenge, auto: false })));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Allow access");
    expect(html).toContain("accounting.invoices");
    expect(html).toContain("Demo Company (UK)");
    // The form posts the same parameters back with the decision.
    const form = new URLSearchParams(new URL(authorizeUrl({ challenge, auto: false, state: "s-9" })).searchParams);
    form.set("tenant", UK);
    form.set("decision", "allow");
    const approved = await fake.fetch(new Request(`${ORIGIN}/identity/connect/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() }));
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get("location")!);
    expect(back.origin + back.pathname).toBe(REDIRECT_URI);
    expect(back.searchParams.get("state")).toBe("s-9");
    expect(back.searchParams.get("code")).toBeTruthy();
  });

  it("Cancel returns access_denied with the state", async () => {
    const fake = createXeroFake();
    const form = new URLSearchParams(new URL(authorizeUrl({ challenge: pkce().challenge, auto: false, state: "s-2" })).searchParams);
    form.set("decision", "deny");
    const res = await fake.fetch(new Request(`${ORIGIN}/identity/connect/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() }));
    const back = new URL(res.headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("s-2");
  });

  it("refuses the deprecated broad scopes (granular scopes only)", async () => {
    const fake = createXeroFake();
    const res = await fake.fetch(new Request(authorizeUrl({ challenge: pkce().challenge, scope: "openid offline_access accounting.transactions" })));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("location")!).searchParams.get("error")).toBe("invalid_scope");
  });

  it("exchanges a code once, only with the right PKCE verifier", async () => {
    const fake = createXeroFake();
    const { verifier, challenge } = pkce();
    const consent = await fake.fetch(new Request(authorizeUrl({ challenge, tenant: UK })));
    const code = new URL(consent.headers.get("location")!).searchParams.get("code")!;
    const wrong = await fake.fetch(tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: pkce().verifier }));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
    // The failed attempt spent the code: a code is single-use whatever happens.
    const again = await fake.fetch(tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier }));
    expect(again.status).toBe(400);

    const tokens = await connect(fake, UK);
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 1800 });
    expect(tokens.refresh_token).toMatch(/^[0-9a-f]{64}$/);
    const claims = JSON.parse(Buffer.from(tokens.access_token.split(".")[1]!, "base64url").toString());
    expect(claims.authentication_event_id).toBeTruthy();
  });

  it("refuses a wrong client secret", async () => {
    const fake = createXeroFake();
    const res = await fake.fetch(tokenRequest({ grant_type: "refresh_token", refresh_token: "x" }, `Basic ${Buffer.from("kontor-local:nope").toString("base64")}`));
    expect(res.status).toBe(401);
  });

  it("rotates refresh tokens: the new one works, the old one is refused", async () => {
    const fake = createXeroFake();
    const first = await connect(fake, UK);
    const refreshed = await fake.fetch(tokenRequest({ grant_type: "refresh_token", refresh_token: first.refresh_token }));
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as { refresh_token: string; access_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const reused = await fake.fetch(tokenRequest({ grant_type: "refresh_token", refresh_token: first.refresh_token }));
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant" });
    const next = await fake.fetch(tokenRequest({ grant_type: "refresh_token", refresh_token: second.refresh_token }));
    expect(next.status).toBe(200);
    expect(fake.state.grants).toEqual({ authorization_code: 1, refresh_token: 2 });
  });

  it("lists the connections of a consent, and a deleted connection stops API access", async () => {
    const fake = createXeroFake();
    const tokens = await connect(fake, UK);
    const authEventId = JSON.parse(Buffer.from(tokens.access_token.split(".")[1]!, "base64url").toString()).authentication_event_id;
    const res = await fake.fetch(new Request(`${ORIGIN}/connections?authEventId=${authEventId}`, { headers: { authorization: `Bearer ${tokens.access_token}` } }));
    const connections = (await res.json()) as { id: string; tenantId: string; tenantName: string }[];
    expect(connections).toEqual([expect.objectContaining({ tenantId: UK, tenantName: "Demo Company (UK)", tenantType: "ORGANISATION" })]);
    const api = () => fake.fetch(new Request(`${ORIGIN}/api.xro/2.0/Accounts`, { headers: { authorization: `Bearer ${tokens.access_token}`, "xero-tenant-id": UK } }));
    expect((await api()).status).toBe(200);
    const del = await fake.fetch(new Request(`${ORIGIN}/connections/${connections[0]!.id}`, { method: "DELETE", headers: { authorization: `Bearer ${tokens.access_token}` } }));
    expect(del.status).toBe(204);
    expect((await api()).status).toBe(403);
  });

  it("expires access tokens on its clock", async () => {
    let t = Date.parse("2026-06-01T10:00:00Z");
    const fake = createXeroFake({ now: () => t });
    const tokens = await connect(fake, UK);
    const api = () => fake.fetch(new Request(`${ORIGIN}/api.xro/2.0/Accounts`, { headers: { authorization: `Bearer ${tokens.access_token}`, "xero-tenant-id": UK } }));
    expect((await api()).status).toBe(200);
    t += 1801 * 1000;
    const expired = await api();
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ Title: "Unauthorized", Detail: "AuthenticationUnsuccessful" });
  });
});
