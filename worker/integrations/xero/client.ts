// Calls to Xero's Accounting API through xero-node's AccountingApi (deep import: it loads in workerd,
// XeroClient does not), with the connection object's access token and call budget: each call takes one
// from the budget first and feeds Xero's limit headers back after.
import { AccountingApi } from "xero-node/dist/gen/api/accountingApi.js";
import { DomainError } from "../../domain/errors.ts";
import type { EntityRecord, Env } from "../../env.ts";
import { limitHeadersOf } from "./budget.ts";
import { connectionObject } from "./connection.ts";

/** Xero answered, and said no (a 4xx other than 401/429): its message is the object's error. */
export class XeroRefused extends DomainError {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    const message = (body as { Message?: string; Detail?: string } | null)?.Message ?? (body as { Detail?: string } | null)?.Detail ?? `HTTP ${status}`;
    super("xero_refused", `Xero refused the request: ${message}`);
    this.status = status;
    this.body = body;
  }
}

/** Not now: the budget is spent, Xero said 429, or it failed (5xx, no answer). The sync retries after `retryAfterMs` (0: back off). */
export class XeroRetryLater extends DomainError {
  readonly retryAfterMs: number;
  constructor(code: "rate_limited" | "xero_unavailable", message: string, retryAfterMs = 0) {
    super(code, message);
    this.retryAfterMs = retryAfterMs;
  }
}

type Answer<T> = { response: { headers?: unknown; status?: number }; body: T };

function headersOf(raw: unknown): Headers {
  const headers = new Headers();
  if (raw && typeof raw === "object") for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (v !== undefined && v !== null) headers.set(k, String(v));
  return headers;
}

/** xero-node rejects with a JSON string of `{response: {statusCode, body, headers}}` (or the axios error). */
function failureOf(error: unknown): { status: number; body: unknown; headers: Headers } {
  let parsed: unknown = error;
  if (typeof error === "string") {
    try {
      parsed = JSON.parse(error);
    } catch {
      return { status: 0, body: error, headers: new Headers() };
    }
  }
  const response = (parsed as { response?: { statusCode?: number; status?: number; body?: unknown; data?: unknown; headers?: unknown } })?.response;
  return { status: response?.statusCode ?? response?.status ?? 0, body: response?.body ?? response?.data ?? null, headers: headersOf(response?.headers) };
}

export function accountingApi(env: Env, accessToken: string): AccountingApi {
  const api = new AccountingApi(`${env.XERO_API_URL.replace(/\/+$/, "")}/api.xro/2.0`);
  api.accessToken = accessToken;
  // xero-node gives every GET an empty JSON body; workerd's fetch refuses a GET with a body.
  api.setDefaultAuthentication({ applyToRequest: (options: { method?: string; data?: unknown }) => {
    if (/^(get|head)$/i.test(options.method ?? "")) delete options.data;
  } });
  return api;
}

/** Run one Accounting API call for the entity's organisation, inside its budget. */
export async function callXero<T>(env: Env, entity: EntityRecord, run: (api: AccountingApi, tenantId: string) => Promise<Answer<T>>): Promise<T> {
  const connection = connectionObject(env, entity);
  const grant = await connection.accessToken(entity);
  if (!grant.ok) throw grant.code === "xero_unavailable" ? new XeroRetryLater("xero_unavailable", grant.message, grant.retryAfterMs ?? 0) : new DomainError(grant.code, grant.message);
  const budget = await connection.acquire(1);
  if (!budget.granted) throw new XeroRetryLater("rate_limited", `Xero's call limit for this organisation is reached; try again in ${Math.ceil(budget.waitMs / 1000)} s`, budget.waitMs);
  try {
    const answer = await run(accountingApi(env, grant.value.accessToken), grant.value.tenantId);
    await connection.observe(limitHeadersOf(headersOf(answer.response.headers)));
    return answer.body;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const failure = failureOf(error);
    await connection.observe(limitHeadersOf(failure.headers));
    if (failure.status === 429) {
      const seconds = Number(failure.headers.get("retry-after"));
      throw new XeroRetryLater("rate_limited", "Xero's call limit for this organisation is reached; try again shortly", Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
    }
    if (failure.status === 401) throw new DomainError("reconnect_required", "Xero no longer accepts this connection's token: connect it again");
    if (failure.status === 0 || failure.status >= 500) throw new XeroRetryLater("xero_unavailable", "Xero could not be reached; try again");
    throw new XeroRefused(failure.status, failure.body);
  }
}
