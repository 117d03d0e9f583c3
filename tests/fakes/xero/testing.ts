// Helpers for tests that drive the fake directly: the OAuth dance a real app does, and signed calls.
import { createHash, randomBytes } from "node:crypto";
import { LOCAL_CLIENT, type XeroFake } from "./index.ts";

export const ORIGIN = "http://xero.test";
export const REDIRECT_URI = "http://app.test/callback";
export const SCOPES = "openid profile email offline_access accounting.contacts accounting.settings accounting.invoices accounting.payments";
const basic = `Basic ${Buffer.from(`${LOCAL_CLIENT.id}:${LOCAL_CLIENT.secret}`).toString("base64")}`;

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(o: { challenge: string; state?: string; scope?: string; tenant?: string; auto?: boolean }) {
  const url = new URL(`${ORIGIN}/identity/connect/authorize`);
  const params: Record<string, string> = { response_type: "code", client_id: LOCAL_CLIENT.id, redirect_uri: REDIRECT_URI, scope: o.scope ?? SCOPES, state: o.state ?? "st-1", code_challenge: o.challenge, code_challenge_method: "S256" };
  if (o.tenant) params.tenant = o.tenant;
  if (o.auto !== false) params.auto = "1";
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export function tokenRequest(form: Record<string, string>, auth = basic) {
  return new Request(`${ORIGIN}/connect/token`, { method: "POST", headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** Consent (auto) for `tenant`, then the code exchange: the tokens of a connected app. */
export async function connect(fake: XeroFake, tenant?: string): Promise<Tokens> {
  const { verifier, challenge } = pkce();
  const consent = await fake.fetch(new Request(authorizeUrl({ challenge, tenant })));
  const code = new URL(consent.headers.get("location")!).searchParams.get("code")!;
  const res = await fake.fetch(tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier }));
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Tokens;
}

export async function api(fake: XeroFake, token: string, tenant: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fake.fetch(
    new Request(`${ORIGIN}/api.xro/2.0${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "xero-tenant-id": tenant, accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as any };
}
