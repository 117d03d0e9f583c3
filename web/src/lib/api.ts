// The HTTP client for /api. Same-origin relative URLs only: the session cookie is HttpOnly and
// cookie-authenticated state changes are checked against the Origin header by the Worker.
import type { Customer, CustomerUpdate, Entity, ErrorDetail, Me, Page, User } from "$worker/api/types.ts";

type Fetch = typeof fetch;

/** Dispatched on window when an API call answers 401 outside sign-in. */
export const UNAUTHENTICATED_EVENT = "kontor:unauthenticated";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly requestId: string | null;
  /** Seconds, from Retry-After (429 / 503). */
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: ErrorDetail[];
    requestId?: string | null;
    retryAfter?: number | null;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.requestId = init.requestId ?? null;
    this.retryAfter = init.retryAfter ?? null;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: "The request was not valid.",
  401: "Please sign in.",
  403: "You don't have access to this.",
  404: "Not found.",
  409: "This was changed by someone else.",
  422: "This can't be done.",
  429: "Too many attempts. Please wait and try again.",
  503: "The service is temporarily unavailable.",
};

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  fetch?: Fetch;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(path, {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === "AbortError") throw e;
    throw new ApiError({
      status: 0,
      code: "network_error",
      message: "Can't reach Kontor. Check your connection and try again.",
    });
  }

  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }

  if (!res.ok) {
    if (res.status === 401 && !path.startsWith("/api/auth/") && !path.startsWith("/api/v1/me") && typeof window !== "undefined") {
      // The session ended (expired, signed out elsewhere): the root layout sends the user to sign-in.
      window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
    }
    const err = (json as { error?: Partial<ApiError> & { details?: ErrorDetail[] } } | undefined)?.error;
    throw new ApiError({
      status: res.status,
      code: typeof err?.code === "string" ? err.code : `http_${res.status}`,
      message:
        typeof err?.message === "string" && err.message
          ? err.message
          : (FALLBACK_MESSAGES[res.status] ?? `Request failed (${res.status}).`),
      details: Array.isArray(err?.details) ? err.details : [],
      requestId: typeof err?.requestId === "string" ? err.requestId : null,
      retryAfter: parseRetryAfter(res.headers.get("Retry-After")),
    });
  }
  return json as T;
}

export const enc = encodeURIComponent;
/** The API base of one entity's resources. */
export const entityPath = (entity: string) => `/api/v1/entities/${enc(entity)}`;

/** A query string from the set values (undefined, null, "" and false are left out). */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

type QueryValue = string | number | boolean | null | undefined;
export interface ListParams {
  after?: string | null;
  limit?: number;
  includeArchived?: boolean;
}

/**
 * The operations an entity's resource has in the contract (API.md): list with cursor paging, get,
 * create with an Idempotency-Key, PATCH with If-Match, archive. `defaultLimit` is the list's page.
 */
export function entityResource<T, Input, Filters extends Record<string, QueryValue> = Record<never, QueryValue>>(collection: string, defaultLimit = 25) {
  const path = (entity: string, id?: string) => `${entityPath(entity)}/${collection}${id === undefined ? "" : `/${enc(id)}`}`;
  return {
    list: (entity: string, params: Filters & ListParams, f?: Fetch) => {
      const values: Record<string, QueryValue> = { ...params, limit: params.limit ?? defaultLimit, includeArchived: params.includeArchived ? "true" : undefined };
      for (const [k, v] of Object.entries(values)) if (typeof v === "string") values[k] = v.trim();
      return request<Page<T>>("GET", `${path(entity)}${query(values)}`, { fetch: f });
    },
    get: (entity: string, id: string, f?: Fetch) => request<T>("GET", path(entity, id), { fetch: f }),
    create: (entity: string, body: Input, idempotencyKey: string) =>
      request<T>("POST", path(entity), { body, headers: { "Idempotency-Key": idempotencyKey } }),
    /** `rev`: the revision edited (If-Match); null to change whatever is latest. */
    update: (entity: string, id: string, body: Input, rev: number | null) =>
      request<T>("PATCH", path(entity, id), { body, headers: rev === null ? {} : { "If-Match": `"${rev}"` } }),
    archive: (entity: string, id: string) =>
      request<T>("POST", `${path(entity, id)}/archive`, { headers: { "Idempotency-Key": newIdempotencyKey() } }),
    unarchive: (entity: string, id: string) =>
      request<T>("POST", `${path(entity, id)}/unarchive`, { headers: { "Idempotency-Key": newIdempotencyKey() } }),
  };
}

export const api = {
  signIn: (email: string, password: string, f?: Fetch) =>
    request<{ user: User }>("POST", "/api/auth/sign-in/email", { body: { email, password }, fetch: f }),
  signOut: (f?: Fetch) => request<unknown>("POST", "/api/auth/sign-out", { fetch: f }),
  me: (f?: Fetch) => request<Me>("GET", "/api/v1/me", { fetch: f }),
  entities: (f?: Fetch) => request<Page<Entity>>("GET", "/api/v1/entities?limit=100", { fetch: f }),

  latestSeq: (entity: string, f?: Fetch) =>
    request<{ seq: number }>("GET", `${entityPath(entity)}/events/latest`, { fetch: f }),

  // The form sends one partial shape for create and edit; the server checks what create requires.
  customers: entityResource<Customer, CustomerUpdate, { q?: string }>("customers"),
};

/** A random id; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
