// Xero's OAuth 2.0 endpoints over fetch (XeroClient does not load in workerd, DESIGN §8): the consent URL
// with state and PKCE S256, the code exchange, refresh, revocation and /connections.
import type { XeroConfig } from "./config.ts";
import { XERO_SCOPES } from "./config.ts";

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  scope: string;
}

/** A refusal Xero means (invalid_grant: the grant is gone), or a failure worth retrying (network, 5xx, 429). */
export type TokenResult = { ok: true; tokens: TokenSet } | { ok: false; permanent: boolean; error: string; retryAfterMs?: number };

export interface XeroTenantConnection {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantType: string;
  authEventId?: string;
}

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}

export function consentUrl(config: XeroConfig, o: { state: string; challenge: string; redirectUri: string }): string {
  const url = new URL(`${config.loginUrl}/identity/connect/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: o.redirectUri,
    scope: XERO_SCOPES.join(" "),
    state: o.state,
    code_challenge: o.challenge,
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

const basic = (config: XeroConfig) => `Basic ${btoa(`${config.clientId}:${config.clientSecret}`)}`;

async function tokenCall(config: XeroConfig, form: Record<string, string>): Promise<TokenResult> {
  let res: Response;
  try {
    res = await fetch(`${config.identityUrl}/connect/token`, {
      method: "POST",
      headers: { authorization: basic(config), "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form).toString(),
    });
  } catch (error) {
    return { ok: false, permanent: false, error: `Xero's token endpoint could not be reached: ${String(error)}` };
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok && typeof body.access_token === "string" && typeof body.refresh_token === "string") {
    return { ok: true, tokens: { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: Number(body.expires_in ?? 1800), scope: String(body.scope ?? "") } };
  }
  const error = typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
  const retryAfter = Number(res.headers.get("retry-after"));
  // 400/401 with an OAuth error: the code or refresh token is spent or the app is refused; nothing to retry.
  const permanent = res.status === 400 || res.status === 401;
  return { ok: false, permanent, error, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
}

export const exchangeCode = (config: XeroConfig, o: { code: string; verifier: string; redirectUri: string }) =>
  tokenCall(config, { grant_type: "authorization_code", code: o.code, redirect_uri: o.redirectUri, code_verifier: o.verifier });

export const refreshTokens = (config: XeroConfig, refreshToken: string) => tokenCall(config, { grant_type: "refresh_token", refresh_token: refreshToken });

/** Revoke a refresh token (and so its access tokens); best effort on disconnect. */
export async function revoke(config: XeroConfig, refreshToken: string): Promise<boolean> {
  try {
    const res = await fetch(`${config.identityUrl}/connect/revocation`, {
      method: "POST",
      headers: { authorization: basic(config), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: refreshToken }).toString(),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** The organisations this consent connected (`authEventId` from the access token), or all of the user's. */
export async function tenantConnections(config: XeroConfig, accessToken: string, authEventId: string | null): Promise<XeroTenantConnection[] | null> {
  const url = new URL(`${config.apiUrl}/connections`);
  if (authEventId) url.searchParams.set("authEventId", authEventId);
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } });
    if (!res.ok) return null;
    const list = (await res.json()) as XeroTenantConnection[];
    return Array.isArray(list) ? list : null;
  } catch {
    return null;
  }
}

export async function deleteConnection(config: XeroConfig, accessToken: string, connectionId: string): Promise<boolean> {
  try {
    const res = await fetch(`${config.apiUrl}/connections/${encodeURIComponent(connectionId)}`, { method: "DELETE", headers: { authorization: `Bearer ${accessToken}` } });
    return res.ok || res.status === 404;
  } catch {
    return false;
  }
}

/** The claims of Xero's JWT access token (read, not verified: it came straight from Xero's token endpoint). */
export function accessTokenClaims(accessToken: string): Record<string, unknown> {
  const part = accessToken.split(".")[1];
  if (!part) return {};
  try {
    const plain = part.replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(plain + "=".repeat((4 - (plain.length % 4)) % 4))) as Record<string, unknown>;
  } catch {
    return {};
  }
}
