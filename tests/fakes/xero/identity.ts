// Xero's identity service as the fake plays it: the consent page (`/identity/connect/authorize`), the
// token endpoint (authorization code with PKCE S256, refresh with rotation), revocation and `/connections`.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { json, problem, type FakeState, type Grant } from "./state.ts";

/** The scopes an app created after March 2026 may ask for: Xero's granular ones (no accounting.transactions). */
export const GRANULAR_SCOPES = new Set([
  "openid", "profile", "email", "offline_access",
  "accounting.contacts", "accounting.contacts.read", "accounting.settings", "accounting.settings.read",
  "accounting.invoices", "accounting.invoices.read", "accounting.payments", "accounting.payments.read",
  "accounting.banktransactions", "accounting.banktransactions.read", "accounting.manualjournals", "accounting.manualjournals.read",
  "accounting.attachments", "accounting.attachments.read", "accounting.budgets.read", "accounting.reports.aged.read",
  "accounting.reports.balancesheet.read", "accounting.reports.profitandloss.read", "accounting.reports.trialbalance.read",
]);

export const FAKE_USER = { id: "7d0c1f1e-3a55-4c2b-9f0e-0a1b2c3d4e5f", email: "demo.user@xero.test", name: "Demo User" };
const CODE_TTL_MS = 5 * 60 * 1000;
const REFRESH_TTL_MS = 60 * 24 * 60 * 60 * 1000;
const SIGNING_KEY = "xero-fake-signing-key";

export interface IdentityOptions {
  now: () => number;
  /** client_id → client_secret */
  clients: Record<string, string>;
  accessTokenTtlSeconds: number;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");
const html = (status: number, body: string) =>
  new Response(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Xero (fake) – Allow access</title></head><body>${body}</body></html>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A JWT like Xero's access tokens: the app reads `authentication_event_id` to find this consent's connections. */
function jwt(claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${createHmac("sha256", SIGNING_KEY).update(`${head}.${body}`).digest("base64url")}`;
}

function redirectWith(uri: string, params: Record<string, string>): Response {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return new Response(null, { status: 302, headers: { location: url.toString() } });
}

interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

export class Identity {
  private readonly state: () => FakeState;
  private readonly options: IdentityOptions;

  constructor(state: () => FakeState, options: IdentityOptions) {
    this.state = state;
    this.options = options;
  }

  /** Problems with an authorize request that must not go back to the redirect_uri (it may not be the app's). */
  private checkAuthorize(q: URLSearchParams): { params: AuthorizeParams } | { page: Response } | { redirect: Response } {
    const clientId = q.get("client_id") ?? "";
    const redirectUri = q.get("redirect_uri") ?? "";
    if (!(clientId in this.options.clients)) return { page: html(400, `<h1>unauthorized_client</h1><p>Unknown client_id.</p>`) };
    if (!/^https?:\/\/[^/]+/.test(redirectUri)) return { page: html(400, `<h1>invalid_request</h1><p>redirect_uri must be an absolute http(s) URL.</p>`) };
    const state = q.get("state") ?? "";
    const fail = (error: string, description: string) => ({ redirect: redirectWith(redirectUri, { error, error_description: description, ...(state ? { state } : {}) }) });
    if (q.get("response_type") !== "code") return fail("unsupported_response_type", "response_type must be code");
    const scope = (q.get("scope") ?? "").split(/\s+/).filter(Boolean);
    const unknown = scope.filter((s) => !GRANULAR_SCOPES.has(s));
    if (!scope.length || unknown.length) return fail("invalid_scope", `Unknown or deprecated scopes: ${unknown.join(" ") || "(none asked)"}`);
    const codeChallenge = q.get("code_challenge") ?? "";
    const codeChallengeMethod = q.get("code_challenge_method") ?? "";
    if (codeChallenge && codeChallengeMethod !== "S256") return fail("invalid_request", "code_challenge_method must be S256");
    return { params: { clientId, redirectUri, scope, state, codeChallenge, codeChallengeMethod } };
  }

  /** GET /identity/connect/authorize: the consent page, or (`auto=1`) straight back to the app. */
  authorize(url: URL): Response {
    const checked = this.checkAuthorize(url.searchParams);
    if ("page" in checked) return checked.page;
    if ("redirect" in checked) return checked.redirect;
    const tenants = [...this.state().tenants.values()];
    const chosen = url.searchParams.get("tenant") ?? tenants[0]?.id ?? "";
    if (url.searchParams.get("auto") === "1") return this.approve(checked.params, [chosen]);
    const hidden = [...url.searchParams.entries()]
      .filter(([k]) => k !== "tenant" && k !== "auto")
      .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
      .join("");
    const options = tenants
      .map((t) => `<label><input type="radio" name="tenant" value="${t.id}"${t.id === chosen ? " checked" : ""}> ${escape(t.name)}</label><br>`)
      .join("");
    return html(
      200,
      `<main><h1>Kontor wants to access your Xero organisation</h1><p>Signed in as ${FAKE_USER.email}.</p>` +
        `<p>It asks for: ${checked.params.scope.map(escape).join(", ")}</p>` +
        `<form method="post" action="/identity/connect/authorize">${hidden}<fieldset><legend>Organisation</legend>${options}</fieldset>` +
        `<button type="submit" name="decision" value="allow">Allow access</button> <button type="submit" name="decision" value="deny">Cancel</button></form></main>`,
    );
  }

  /** POST /identity/connect/authorize: the consent form's answer. */
  async decide(request: Request): Promise<Response> {
    const form = new URLSearchParams(await request.text());
    const checked = this.checkAuthorize(form);
    if ("page" in checked) return checked.page;
    if ("redirect" in checked) return checked.redirect;
    if (form.get("decision") !== "allow") {
      return redirectWith(checked.params.redirectUri, { error: "access_denied", ...(checked.params.state ? { state: checked.params.state } : {}) });
    }
    return this.approve(checked.params, form.getAll("tenant"));
  }

  private approve(params: AuthorizeParams, tenantIds: string[]): Response {
    const s = this.state();
    const now = this.options.now();
    const authEventId = randomUUID();
    for (const tenantId of tenantIds.filter((id) => s.tenants.has(id))) {
      const stamp = new Date(now).toISOString();
      const existing = s.connections.find((c) => c.userId === FAKE_USER.id && c.clientId === params.clientId && c.tenantId === tenantId);
      if (existing) Object.assign(existing, { authEventId, updatedDateUtc: stamp });
      else s.connections.push({ id: randomUUID(), userId: FAKE_USER.id, clientId: params.clientId, tenantId, authEventId, createdDateUtc: stamp, updatedDateUtc: stamp });
    }
    const code = randomBytes(24).toString("base64url");
    s.codes.set(code, {
      code,
      userId: FAKE_USER.id,
      clientId: params.clientId,
      scopes: params.scope,
      authEventId,
      redirectUri: params.redirectUri,
      codeChallenge: params.codeChallenge,
      codeChallengeMethod: params.codeChallengeMethod,
      expiresAt: now + CODE_TTL_MS,
      used: false,
    });
    return redirectWith(params.redirectUri, { code, scope: params.scope.join(" "), ...(params.state ? { state: params.state } : {}) });
  }

  /** Client authentication: HTTP Basic (Xero's way for web apps) or client_id/client_secret in the form. */
  private client(request: Request, form: URLSearchParams): string | null {
    const basic = /^Basic\s+(.+)$/i.exec(request.headers.get("authorization") ?? "");
    const [id, secret] = basic ? Buffer.from(basic[1]!, "base64").toString("utf8").split(":") : [form.get("client_id"), form.get("client_secret")];
    if (!id || !(id in this.options.clients) || this.options.clients[id] !== secret) return null;
    return id;
  }

  /** POST /connect/token */
  async token(request: Request, body: string): Promise<Response> {
    const form = new URLSearchParams(body);
    const fail = (status: number, error: string, description?: string) => json(status, { error, ...(description ? { error_description: description } : {}) });
    const clientId = this.client(request, form);
    if (!clientId) return fail(401, "invalid_client");
    const s = this.state();
    const now = this.options.now();
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = s.codes.get(form.get("code") ?? "");
      if (!code || code.used || code.expiresAt <= now || code.clientId !== clientId) return fail(400, "invalid_grant", "The code is unknown, used or expired");
      code.used = true; // single use, even when what follows fails
      if (code.redirectUri !== form.get("redirect_uri")) return fail(400, "invalid_grant", "redirect_uri does not match the authorization request");
      if (code.codeChallenge) {
        const verifier = form.get("code_verifier") ?? "";
        const challenge = createHash("sha256").update(verifier).digest("base64url");
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || challenge !== code.codeChallenge) return fail(400, "invalid_grant", "PKCE verification failed");
      }
      s.grants.authorization_code++;
      return json(200, this.issue(code));
    }
    if (grantType === "refresh_token") {
      const token = form.get("refresh_token") ?? "";
      const grant = s.refreshTokens.get(token);
      // Xero rotates refresh tokens: the one just used is spent, and a second use of it is refused.
      if (!grant || grant.rotated || grant.expiresAt <= now || grant.clientId !== clientId) return fail(400, "invalid_grant");
      grant.rotated = true;
      s.grants.refresh_token++;
      return json(200, this.issue(grant));
    }
    return fail(400, "unsupported_grant_type");
  }

  private issue(grant: Grant) {
    const s = this.state();
    const now = this.options.now();
    const ttl = this.options.accessTokenTtlSeconds;
    const refreshToken = randomBytes(32).toString("hex");
    const claims = { nbf: Math.floor(now / 1000), exp: Math.floor(now / 1000) + ttl, iss: "https://identity.xero.com", aud: "https://identity.xero.com/resources", client_id: grant.clientId, sub: grant.userId, xero_userid: grant.userId, jti: randomUUID(), authentication_event_id: grant.authEventId, scope: grant.scopes };
    const accessToken = jwt(claims);
    const base: Grant = { userId: grant.userId, clientId: grant.clientId, scopes: grant.scopes, authEventId: grant.authEventId };
    s.accessTokens.set(accessToken, { ...base, expiresAt: now + ttl * 1000, refreshToken });
    const offline = grant.scopes.includes("offline_access");
    if (offline) s.refreshTokens.set(refreshToken, { ...base, expiresAt: now + REFRESH_TTL_MS, rotated: false });
    return {
      id_token: jwt({ ...claims, aud: grant.clientId, email: FAKE_USER.email, name: FAKE_USER.name }),
      access_token: accessToken,
      expires_in: ttl,
      token_type: "Bearer",
      ...(offline ? { refresh_token: refreshToken } : {}),
      scope: grant.scopes.join(" "),
    };
  }

  /** POST /connect/revocation: the refresh token (and the access tokens it begot) stop working. */
  async revoke(request: Request, body: string): Promise<Response> {
    const form = new URLSearchParams(body);
    if (!this.client(request, form)) return json(401, { error: "invalid_client" });
    const s = this.state();
    const token = form.get("token") ?? "";
    s.refreshTokens.delete(token);
    for (const [access, grant] of s.accessTokens) if (grant.refreshToken === token) s.accessTokens.delete(access);
    return new Response(null, { status: 200 });
  }

  /** The grant behind a bearer access token, if it is live. */
  bearer(request: Request): (Grant & { expiresAt: number }) | null {
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const grant = token ? this.state().accessTokens.get(token) : undefined;
    if (!grant || grant.expiresAt <= this.options.now()) return null;
    return grant;
  }

  /** GET /connections[?authEventId=] and DELETE /connections/{id} */
  connections(request: Request, url: URL): Response {
    const grant = this.bearer(request);
    if (!grant) return problem(401, "AuthenticationUnsuccessful");
    const s = this.state();
    const mine = s.connections.filter((c) => c.userId === grant.userId && c.clientId === grant.clientId);
    const id = url.pathname.split("/")[2];
    if (request.method === "DELETE" && id) {
      const found = mine.find((c) => c.id === id);
      if (!found) return json(404, { Title: "Not Found", Status: 404 });
      s.connections = s.connections.filter((c) => c !== found);
      return new Response(null, { status: 204 });
    }
    const authEventId = url.searchParams.get("authEventId");
    return json(
      200,
      mine
        .filter((c) => !authEventId || c.authEventId === authEventId)
        .map((c) => ({ id: c.id, authEventId: c.authEventId, tenantId: c.tenantId, tenantType: "ORGANISATION", tenantName: s.tenants.get(c.tenantId)?.name ?? "", createdDateUtc: c.createdDateUtc, updatedDateUtc: c.updatedDateUtc })),
    );
  }

  /** The tenants the bearer may act on (its user's connections for its app). */
  connectedTenants(grant: Grant): Set<string> {
    return new Set(this.state().connections.filter((c) => c.userId === grant.userId && c.clientId === grant.clientId).map((c) => c.tenantId));
  }
}
