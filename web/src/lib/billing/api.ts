// Billing schedules, billing runs and a customer's invoices (API.md "billing schedules", "billing runs",
// "Billing runs, invoices, credit notes"), on the shared fetch client (#lib/api.ts).
import { enc, entityPath, entityResource, newIdempotencyKey, query, request } from "../api.ts";
import type { BillingSchedule, BillingScheduleCreate, ExecutedQuote, Invoice, Page } from "$worker/api/types.ts";
import type { ScheduleStatus } from "$worker/domain/schedule.ts";
import type { BillingRun, DryRun } from "./runs.ts";

type Fetch = typeof fetch;
const post = () => ({ "Idempotency-Key": newIdempotencyKey() });

const schedules = entityResource<BillingSchedule, BillingScheduleCreate, { status?: ScheduleStatus | null; customerId?: string }>("billing-schedules");

export type ScheduleVerb = "activate" | "suspend" | "resume";

export const schedulesApi = {
  list: schedules.list,
  get: schedules.get,
  create: schedules.create,
  /** PATCH a DRAFT at revision `rev` (If-Match). */
  update: schedules.update,
  /** A schedule's payment terms alone (all a schedule past DRAFT may change), at revision `rev`. */
  updateTerms: (entity: string, id: string, defaultDueDateDays: number | null, rev: number) =>
    request<BillingSchedule>("PATCH", `${entityPath(entity)}/billing-schedules/${enc(id)}`, { body: { defaultDueDateDays }, headers: { "If-Match": `"${rev}"` } }),
  act: (entity: string, id: string, verb: ScheduleVerb) =>
    request<BillingSchedule>("POST", `${entityPath(entity)}/billing-schedules/${enc(id)}/${verb}`, { headers: post() }),
  /** Ends the schedule on `endDate` (exclusive): it bills until then. */
  cancel: (entity: string, id: string, endDate: string) =>
    request<BillingSchedule>("POST", `${entityPath(entity)}/billing-schedules/${enc(id)}/cancel`, { body: { endDate }, headers: post() }),
  /** POST /quotes/{id}/execute: the same call twice answers the same schedule. */
  execute: (entity: string, quoteId: string) =>
    request<ExecutedQuote>("POST", `${entityPath(entity)}/quotes/${enc(quoteId)}/execute`, { headers: post() }),
};

export const billingRunsApi = {
  list: (entity: string, params: { after?: string | null; limit?: number } = {}, f?: Fetch) =>
    request<Page<BillingRun>>("GET", `${entityPath(entity)}/billing-runs${query({ limit: params.limit ?? 25, after: params.after })}`, { fetch: f }),
  get: (entity: string, id: string, f?: Fetch) => request<BillingRun>("GET", `${entityPath(entity)}/billing-runs/${enc(id)}`, { fetch: f }),
  /** 202: the run, RUNNING; its progress comes as billing_run.* events and from get(). */
  start: (entity: string, asOf: string) => request<BillingRun>("POST", `${entityPath(entity)}/billing-runs`, { body: { asOf }, headers: post() }),
  /** What a run for `asOf` would create, written nowhere. */
  preview: (entity: string, asOf: string) =>
    request<DryRun>("POST", `${entityPath(entity)}/billing-runs`, { body: { asOf, dryRun: true }, headers: post() }),
};

/** Every invoice of one customer (at most 20 pages of 100): the customer page sums their balance. */
export async function customerInvoices(entity: string, customerId: string, f?: Fetch): Promise<Invoice[]> {
  const items: Invoice[] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page: Page<Invoice> = await request<Page<Invoice>>("GET", `${entityPath(entity)}/invoices${query({ customerId, limit: 100, after })}`, { fetch: f });
    items.push(...page.items);
    after = page.pagination.after;
    if (!after) break;
  }
  return items;
}
