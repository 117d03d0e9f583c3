// Integrations (API.md "integrations", "Xero") on the shared fetch client (#lib/api.ts). The shapes are
// the Worker's own schemas (worker/api/integrations.ts), inferred, so the page cannot drift from them.
import type { z } from "@hono/zod-openapi";
import { enc, entityPath, newIdempotencyKey, request } from "../api.ts";
import type { integrationSchema, mappingsSchema, preflightSchema, xeroStatusSchema } from "$worker/api/integrations.ts";
import type { Page, Product, TaxRate } from "$worker/api/types.ts";

type Fetch = typeof fetch;

export type Integration = z.infer<typeof integrationSchema>;
export type XeroStatus = z.infer<typeof xeroStatusSchema>;
export type SyncObject = XeroStatus["objects"][number];
export type XeroMappings = z.infer<typeof mappingsSchema>;
export type XeroPreflight = z.infer<typeof preflightSchema>;
export interface XeroMappingsInput {
  defaultRevenueAccount: string;
  paymentAccount?: string | null;
  taxTypes?: Record<string, string>;
  products?: Record<string, { accountCode?: string; itemCode?: string }>;
  tracking?: { category: string; option: string } | null;
}
export interface XeroOptions {
  revenueAccounts: { code: string; name: string; type: string }[];
  paymentAccounts: { code: string; name: string; type: string }[];
  taxTypes: { taxType: string; name: string; rate: string }[];
  items: { code: string; name: string }[];
  trackingCategories: { name: string; options: string[] }[];
}

const xero = (entity: string) => `${entityPath(entity)}/integrations/xero`;

/** Where Xero shows one of its invoices (the link Xero itself uses). */
export const xeroInvoiceUrl = (xeroId: string) => `https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=${enc(xeroId)}`;

export const integrationsApi = {
  list: (entity: string, f?: Fetch) => request<{ items: Integration[] }>("GET", `${entityPath(entity)}/integrations`, { fetch: f }),
  /** A plain navigation, not fetch: the browser follows the 302 to Xero's consent page. */
  connectUrl: (entity: string) => `${xero(entity)}/connect`,
  disconnect: (entity: string) => request<Integration>("DELETE", xero(entity)),
  status: (entity: string, f?: Fetch) => request<XeroStatus>("GET", `${xero(entity)}/status`, { fetch: f }),
  mappings: (entity: string, f?: Fetch) => request<XeroMappings>("GET", `${xero(entity)}/mappings`, { fetch: f }),
  saveMappings: (entity: string, body: XeroMappingsInput) => request<XeroMappings>("PUT", `${xero(entity)}/mappings`, { body }),
  options: (entity: string, f?: Fetch) => request<XeroOptions>("GET", `${xero(entity)}/options`, { fetch: f }),
  /** 202: the sync works through a queue; its progress comes as sync.* events. */
  sync: (entity: string) => request<unknown>("POST", `${xero(entity)}/sync`, { body: {}, headers: { "Idempotency-Key": newIdempotencyKey() } }),
  retryFailed: (entity: string) => request<unknown>("POST", `${xero(entity)}/sync`, { body: { retryFailed: true }, headers: { "Idempotency-Key": newIdempotencyKey() } }),
  retry: (entity: string, type: string, id: string) =>
    request<unknown>("POST", `${xero(entity)}/sync/${enc(type)}/${enc(id)}/retry`, { headers: { "Idempotency-Key": newIdempotencyKey() } }),
  /** Would Xero refuse this draft, or book it differently? (Reads the organisation's settings.) */
  preflight: (entity: string, invoiceId: string) => request<XeroPreflight>("GET", `${xero(entity)}/preflight/invoices/${enc(invoiceId)}`),
  taxRates: (entity: string, f?: Fetch) => request<Page<TaxRate>>("GET", `${entityPath(entity)}/tax-rates?limit=100`, { fetch: f }).then((p) => p.items),
  products: (entity: string, f?: Fetch) => request<Page<Product>>("GET", `${entityPath(entity)}/products?limit=100`, { fetch: f }).then((p) => p.items),
};

/** What the callback's `?xero=error&code=` means, in a person's words. */
export function connectErrorMessage(code: string | null): string {
  switch (code) {
    case "access_denied":
      return "The connection was cancelled at Xero: nothing was connected.";
    case "forbidden":
      return "Only an admin can connect Xero.";
    case "consent_failed":
      return "Xero did not complete the consent. Please try again.";
    default:
      return `Xero could not be connected${code ? ` (${code})` : ""}. Please try again.`;
  }
}
