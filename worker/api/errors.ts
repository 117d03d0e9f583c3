// One error module: every failure leaves the API in the contract's shape (API.md "Errors").
import type { Context } from "hono";
import type { ZodError } from "zod";
import { DomainError, type ErrorDetail } from "../domain/errors.ts";
import type { AppEnv } from "../env.ts";

export { notFound, type ErrorDetail } from "../domain/errors.ts";

const STATUS_BY_CODE = {
  invalid_request: 400,
  malformed_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  self_approval: 403,
  csrf_rejected: 403,
  not_found: 404,
  entity_not_found: 404,
  method_not_allowed: 405,
  unknown_price: 404,
  conflict: 409,
  rev_conflict: 409,
  invalid_state: 409,
  number_taken: 409,
  quote_not_editable: 409,
  quote_being_revised: 409,
  quote_pending_approval: 409,
  quote_not_pending: 409,
  task_not_open: 409,
  invoice_not_editable: 409,
  schedule_not_draft: 409,
  schedule_not_active: 409,
  schedule_not_suspended: 409,
  schedule_not_cancellable: 409,
  quote_not_accepted: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  idempotency_key_in_use: 409,
  unprocessable: 422,
  currency_mismatch: 422,
  customer_archived: 422,
  price_archived: 422,
  quote_empty: 422,
  quote_expired: 422,
  quote_has_no_lines: 422,
  quote_not_billable: 422,
  approval_required: 422,
  no_approvers: 422,
  amount_out_of_range: 422,
  duplicate_line: 422,
  too_many_lines: 422,
  rate_limited: 429,
  invalid_oauth_state: 400,
  integration_not_connected: 404,
  reconnect_required: 409,
  token_version_conflict: 409,
  xero_unavailable: 503,
  integration_unavailable: 503,
  invalid_mapping: 422,
  xero_refused: 422,
  internal_error: 500,
  entity_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE | (string & {});
type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** The HTTP status of a domain code: the table above, else 422 (a business rule said no). */
export function statusOf(error: DomainError): ErrorStatus {
  if (error instanceof ApiError) return error.status;
  return (STATUS_BY_CODE as Record<string, ErrorStatus>)[error.code] ?? 422;
}

/** An error only HTTP has (authentication, CSRF, limits, headers), or a domain code with a status of its own. */
export class ApiError extends DomainError {
  readonly status: ErrorStatus;
  readonly headers: Record<string, string>;
  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: ErrorStatus; details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(code, message, options.details ?? []);
    this.name = "ApiError";
    this.status = options.status ?? (STATUS_BY_CODE as Record<string, ErrorStatus>)[code] ?? 400;
    this.headers = options.headers ?? {};
  }
}

export function errorBody(requestId: string, code: string, message: string, details: ErrorDetail[] = []) {
  return { error: { code, message, details, requestId } };
}

export function errorResponse(c: Context<AppEnv>, error: DomainError): Response {
  const requestId = c.get("requestId") ?? "req_unknown";
  return new Response(JSON.stringify(errorBody(requestId, error.code, error.message, error.details)), {
    status: statusOf(error),
    headers: { "content-type": "application/json; charset=utf-8", "x-request-id": requestId, ...(error instanceof ApiError ? error.headers : {}) },
  });
}

/** zod issues -> contract details, paths joined with dots (`lines.0.quantity`). */
export function zodDetails(error: ZodError, prefix?: string): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const parts = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    // One detail per unknown key: two unknown keys are two fields, not one nested path.
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ path: [...parts, key].join("."), message: `Unknown field: ${key}` }));
    return [{ path: parts.join(".") || "(root)", message: issue.message }];
  });
}

export function validationError(error: ZodError, prefix?: string): ApiError {
  const details = zodDetails(error, prefix);
  const first = details[0];
  return new ApiError("invalid_request", first ? `Invalid value at ${first.path}: ${first.message}` : "Invalid request", { details });
}
