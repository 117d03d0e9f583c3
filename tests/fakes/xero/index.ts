// A stateful fake of Xero (identity, consent, Accounting API) as one fetch handler, `(Request) => Promise<Response>`,
// that runs in Node: the vitest pool routes the Worker's outbound requests to it, and `npm start` serves it over
// node:http (server.ts). API.md "Xero" is its contract; its control endpoints start with `/__`.
import { Accounting, API_PREFIX } from "./accounting.ts";
import { Identity } from "./identity.ts";
import { freshState, json, newTenant, type Failure, type FakeState, type RecordedRequest } from "./state.ts";
import { validatorFor } from "./spec.ts";
import { configureWebhooks, paymentMadeInXero, type WebhookConfig } from "./webhooks.ts";

export { DEFAULT_TENANTS, type RecordedRequest } from "./state.ts";
export { FAKE_USER, GRANULAR_SCOPES } from "./identity.ts";
export { LIMITS } from "./limits.ts";
export { sign as signWebhook, type Delivery } from "./webhooks.ts";

export interface XeroFakeOptions {
  /** The clock (ms); tests pass their own so limits and expiries need no waiting. */
  now?: () => number;
  /** client_id → client_secret of the apps the fake knows. */
  clients?: Record<string, string>;
  accessTokenTtlSeconds?: number;
  /** Folder of Xero's OpenAPI specs (default: the copy in ./openapi, see spec.ts). */
  specDir?: string;
  /** Where webhooks are delivered and their signing key from the start (POST /__webhooks sets them too; /__reset goes back to these). */
  webhook?: WebhookConfig;
}

export interface XeroFake {
  fetch(request: Request): Promise<Response>;
  /** The fake's state, for tests that look inside (counting objects, say). */
  readonly state: FakeState;
  /** Move the fake's clock on (on top of `now`). */
  advance(ms: number): void;
  reset(): void;
}

export const LOCAL_CLIENT = { id: "kontor-local", secret: "kontor-local-secret" };

async function readBody(request: Request): Promise<{ raw: string; parsed: unknown }> {
  if (request.method === "GET" || request.method === "HEAD") return { raw: "", parsed: undefined };
  const raw = await request.text();
  if (!raw) return { raw, parsed: undefined };
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) return { raw, parsed: Object.fromEntries(new URLSearchParams(raw)) };
  try {
    return { raw, parsed: JSON.parse(raw) };
  } catch {
    return { raw, parsed: raw };
  }
}

export function createXeroFake(options: XeroFakeOptions = {}): XeroFake {
  const base = options.now ?? Date.now;
  let offset = 0;
  const now = () => base() + offset;
  const fresh = () => ({ ...freshState(now()), webhook: options.webhook ?? null });
  let state = fresh();
  const current = () => state;
  const identity = new Identity(current, { now, clients: options.clients ?? { [LOCAL_CLIENT.id]: LOCAL_CLIENT.secret }, accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 1800 });
  const accounting = new Accounting(current, identity, validatorFor("xero_accounting.yaml", options.specDir), now);
  const identitySpec = validatorFor("xero-identity.yaml", options.specDir);

  /** A failure queued by POST /__fail that this request matches, used up as it is served. */
  function takeFailure(kind: "api" | "token", tenantId: string | null, body: string): Failure | null {
    const failure = state.failures.find((f) => f.count > 0 && (f.scope === "all" || f.scope === kind) && (!f.tenantId || f.tenantId === tenantId) && (!f.bodyIncludes || body.includes(f.bodyIncludes)));
    if (!failure) return null;
    failure.count--;
    state.failures = state.failures.filter((f) => f.count > 0);
    return failure;
  }

  async function control(request: Request, url: URL, body: unknown): Promise<Response> {
    const input = (body ?? {}) as Record<string, unknown>;
    if (url.pathname === "/__requests" && request.method === "GET") {
      const tenant = url.searchParams.get("tenant");
      const prefix = url.searchParams.get("path");
      return json(200, { items: state.requests.filter((r) => (!tenant || r.tenantId === tenant) && (!prefix || r.path.startsWith(prefix))) });
    }
    if (url.pathname === "/__reset" && request.method === "POST") {
      state = fresh();
      return json(200, { reset: true });
    }
    if (url.pathname === "/__fail" && request.method === "POST") {
      const status = Number(input.status);
      const count = Number(input.count ?? 1);
      if (![429, 500, 502, 503, 504].includes(status) || !Number.isInteger(count) || count < 1) return json(400, { error: "status must be 429, 500, 502, 503 or 504 and count a positive integer" });
      const scope = (input.scope as Failure["scope"] | undefined) ?? "api";
      state.failures.push({ status, count, retryAfter: Number(input.retryAfter ?? 1), scope, tenantId: (input.tenantId as string | undefined) ?? null, bodyIncludes: (input.bodyIncludes as string | undefined) ?? null });
      return json(200, { failures: state.failures });
    }
    if (url.pathname === "/__tenants" && request.method === "POST") {
      const name = typeof input.name === "string" && input.name ? input.name : `Demo Company ${state.tenants.size + 1}`;
      const tenant = newTenant(name, typeof input.baseCurrency === "string" ? input.baseCurrency : "GBP", now());
      state.tenants.set(tenant.id, tenant);
      return json(201, { tenantId: tenant.id, tenantName: tenant.name });
    }
    if (url.pathname === "/__tenants" && request.method === "GET") {
      return json(200, { items: [...state.tenants.values()].map((t) => ({ tenantId: t.id, tenantName: t.name, contacts: t.contacts.size, invoices: t.invoices.size, creditNotes: t.creditNotes.size, payments: t.payments.size, allocations: t.allocations.size })) });
    }
    if (url.pathname === "/__webhooks" && request.method === "POST") return configureWebhooks(state, input);
    if (url.pathname === "/__payments" && request.method === "POST") return paymentMadeInXero(state, input, now());
    if (url.pathname === "/__clock" && request.method === "POST") {
      offset += Number(input.advanceMs ?? 0);
      return json(200, { now: new Date(now()).toISOString() });
    }
    return json(404, { error: `no control endpoint ${request.method} ${url.pathname}` });
  }

  async function serve(request: Request, url: URL, body: { raw: string; parsed: unknown }): Promise<{ response: Response; valid: boolean; errors: string[]; tenantId: string | null }> {
    const path = url.pathname;
    const plain = (response: Response) => ({ response, valid: true, errors: [] as string[], tenantId: null });
    const failed = (failure: Failure, tenantId: string | null) => {
      const headers: Record<string, string> = failure.status === 429 ? { "Retry-After": String(failure.retryAfter), "X-Rate-Limit-Problem": "minute" } : {};
      return { response: json(failure.status, { Title: failure.status === 429 ? "Too Many Requests" : "Service Unavailable", Status: failure.status }, headers), valid: true, errors: [], tenantId };
    };
    if (path === "/identity/connect/authorize") return plain(request.method === "POST" ? await identity.decide(new Request(request.url, { method: "POST", body: body.raw })) : identity.authorize(url));
    if (path === "/connect/token" && request.method === "POST") {
      const failure = takeFailure("token", null, body.raw);
      return failure ? failed(failure, null) : plain(await identity.token(request, body.raw));
    }
    if (path === "/connect/revocation" && request.method === "POST") return plain(await identity.revoke(request, body.raw));
    if (path === "/connections" || path.startsWith("/connections/")) {
      const failure = takeFailure("api", null, body.raw);
      if (failure) return failed(failure, null);
      const check = await identitySpec.check({ method: request.method, path: path.replace(/^\/connections/, "/Connections"), query: Object.fromEntries(url.searchParams), headers: Object.fromEntries(request.headers) });
      if (!check.valid) return { response: json(400, { error: "invalid_request", error_description: check.errors.join("; ") }), valid: false, errors: check.errors, tenantId: null };
      return plain(identity.connections(request, url));
    }
    if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
      const tenantId = request.headers.get("xero-tenant-id")?.toLowerCase() ?? null;
      const failure = takeFailure("api", tenantId, body.raw);
      if (failure) return failed(failure, tenantId);
      return accounting.handle(request, url, body.parsed);
    }
    return plain(json(404, { Title: "Not Found", Status: 404, Detail: `${request.method} ${path} is not served by the Xero fake` }));
  }

  return {
    get state() {
      return state;
    },
    advance(ms: number) {
      offset += ms;
    },
    reset() {
      state = fresh();
    },
    async fetch(request: Request): Promise<Response> {
      const url = new URL(request.url);
      const body = await readBody(request);
      if (url.pathname.startsWith("/__")) return control(request, url, body.parsed);
      let outcome;
      try {
        outcome = await serve(request, url, body);
      } catch (error) {
        console.error("[xero-fake]", error);
        outcome = { response: json(500, { Title: "Internal Server Error", Status: 500, Detail: String(error) }), valid: true, errors: [], tenantId: null };
      }
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(request.headers),
        body: body.parsed ?? null,
        status: outcome.response.status,
        valid: outcome.valid,
        errors: outcome.errors,
        tenantId: outcome.tenantId,
        at: new Date(now()).toISOString(),
      };
      state.requests.push(recorded);
      return outcome.response;
    },
  };
}
