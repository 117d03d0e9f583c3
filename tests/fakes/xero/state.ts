// The fake's state: organisations (tenants) with their ledgers, and the identity service's grants.
import { randomUUID } from "node:crypto";
import { seedAccounts, seedItems, seedTaxRates, seedTrackingCategories, type FakeAccount, type FakeItem, type FakeTaxRate, type FakeTrackingCategory } from "./seed.ts";

export type Doc = Record<string, unknown>;

export interface Tenant {
  id: string;
  name: string;
  baseCurrency: string;
  contacts: Map<string, Doc>;
  invoices: Map<string, Doc>;
  creditNotes: Map<string, Doc>;
  payments: Map<string, Doc>;
  allocations: Map<string, Doc>;
  accounts: FakeAccount[];
  items: FakeItem[];
  taxRates: FakeTaxRate[];
  trackingCategories: FakeTrackingCategory[];
  /** Idempotency-Key → the first response to it (and the request it answered). */
  idempotency: Map<string, { fingerprint: string; status: number; body: unknown; at: number }>;
  /** When each counted API call was made (ms), for the per-tenant minute and day limits. */
  calls: number[];
}

export interface Grant {
  userId: string;
  clientId: string;
  scopes: string[];
  authEventId: string;
}

export interface AuthorizationCode extends Grant {
  code: string;
  redirectUri: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  expiresAt: number;
  used: boolean;
}

export interface Connection {
  id: string;
  userId: string;
  clientId: string;
  tenantId: string;
  authEventId: string;
  createdDateUtc: string;
  updatedDateUtc: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  valid: boolean;
  errors: string[];
  tenantId: string | null;
  at: string;
}

export interface Failure {
  status: number;
  count: number;
  retryAfter: number;
  /** Which requests fail: the Accounting API and /connections ("api", the default), the token endpoint, or both. */
  scope: "api" | "token" | "all";
  tenantId: string | null;
  /** Only requests whose body contains this text (a test's own refresh token, say). */
  bodyIncludes: string | null;
}

export interface FakeState {
  tenants: Map<string, Tenant>;
  codes: Map<string, AuthorizationCode>;
  accessTokens: Map<string, Grant & { expiresAt: number; refreshToken: string }>;
  refreshTokens: Map<string, Grant & { expiresAt: number; rotated: boolean }>;
  connections: Connection[];
  requests: RecordedRequest[];
  failures: Failure[];
  /** All API calls of the app (the app-wide minute limit). */
  appCalls: number[];
  /** How many token grants the token endpoint has issued, by grant type. */
  grants: { authorization_code: number; refresh_token: number };
  /** Where webhooks go and their signing key (POST /__webhooks); null: none configured. */
  webhook: { url: string | null; key: string } | null;
  /** The last webhook event's sequence number. */
  eventSequence: number;
}

/** The organisations every fresh fake has (fixed ids, so local runs are predictable). */
export const DEFAULT_TENANTS = [
  { id: "a3b9a7e2-6c1d-4b55-9a1e-0d7c5e2f4a01", name: "Demo Company (UK)", baseCurrency: "GBP" },
  { id: "b4c0b8f3-7d2e-4c66-8b2f-1e8d6f3a5b02", name: "Demo Company (US)", baseCurrency: "USD" },
  { id: "c5d1c9a4-8e3f-4d77-9c3a-2f9e7a4b6c03", name: "Demo Company (DE)", baseCurrency: "EUR" },
];

export const msDate = (ms: number) => `/Date(${ms}+0000)/`;

export function newTenant(name: string, baseCurrency: string, now: number, id: string = randomUUID()): Tenant {
  const updated = msDate(now);
  return {
    id,
    name,
    baseCurrency,
    contacts: new Map(),
    invoices: new Map(),
    creditNotes: new Map(),
    payments: new Map(),
    allocations: new Map(),
    accounts: seedAccounts(updated, baseCurrency),
    items: seedItems(updated),
    taxRates: seedTaxRates(),
    trackingCategories: seedTrackingCategories(),
    idempotency: new Map(),
    calls: [],
  };
}

export function freshState(now: number): FakeState {
  return {
    tenants: new Map(DEFAULT_TENANTS.map((t) => [t.id, newTenant(t.name, t.baseCurrency, now, t.id)])),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    connections: [],
    requests: [],
    failures: [],
    appCalls: [],
    grants: { authorization_code: 0, refresh_token: 0 },
    webhook: null,
    eventSequence: 0,
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/** Xero's error body for a refused request (ErrorNumber/Type/Message, and Elements for objects). */
export function xeroError(status: number, type: string, message: string, elements?: unknown[]): Response {
  const number = { ValidationException: 10, PostDataInvalidException: 14, QueryParseException: 16, ObjectNotFoundException: 17 }[type] ?? 0;
  return json(status, { ErrorNumber: number, Type: type, Message: message, ...(elements ? { Elements: elements } : {}) });
}

/** Xero's problem-details body for authentication and authorisation failures. */
export function problem(status: 401 | 403, detail: string): Response {
  return json(status, { Type: null, Title: status === 401 ? "Unauthorized" : "Forbidden", Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} });
}
