// The quotes, catalog and public-quote endpoints, on the shared fetch client (#lib/api.ts).
import { enc, entityPath, entityResource, newIdempotencyKey, query, request } from "../api.ts";
import type { Page, Price, Product, PublicQuote, Quote, QuoteCreate } from "$worker/api/types.ts";
import type { QuoteStatus } from "$worker/domain/quote.ts";

type Fetch = typeof fetch;
const base = entityPath;

/** Every page of a list (catalogs are small; stops after 20 pages). */
async function all<T>(first: (after: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page: Page<T> = await first(after);
    items.push(...page.items);
    after = page.pagination.after;
    if (!after) break;
  }
  return items;
}

const quotes = entityResource<Quote, QuoteCreate, { status?: QuoteStatus | null; customerId?: string }>("quotes");

export const quotesApi = {
  list: quotes.list,
  get: quotes.get,
  create: quotes.create,
  /** PATCH with If-Match; `{}` on a PUBLISHED quote makes it a new DRAFT version ("Revise"). */
  patch: (entity: string, id: string, body: Record<string, unknown>, rev: number) =>
    request<Quote>("PATCH", `${base(entity)}/quotes/${enc(id)}`, { body, headers: { "If-Match": `"${rev}"` } }),
  action: (entity: string, id: string, action: "submit" | "publish" | "archive" | "unarchive") =>
    request<Quote>("POST", `${base(entity)}/quotes/${enc(id)}/${action}`, {
      headers: { "Idempotency-Key": newIdempotencyKey() },
    }),
  pdfUrl: (entity: string, id: string) => `${base(entity)}/quotes/${enc(id)}/pdf`,

  /** Every price in one currency (archived ones too: a quote may still use them). */
  prices: (entity: string, currency: string, f?: Fetch) =>
    all<Price>((after) =>
      request<Page<Price>>("GET", `${base(entity)}/prices${query({ currency, limit: 100, after, includeArchived: "true" })}`, { fetch: f }),
    ),
  price: (entity: string, id: string, f?: Fetch) => request<Price>("GET", `${base(entity)}/prices/${enc(id)}`, { fetch: f }),
  products: (entity: string, f?: Fetch) =>
    all<Product>((after) =>
      request<Page<Product>>("GET", `${base(entity)}/products${query({ limit: 100, after, includeArchived: "true" })}`, { fetch: f }),
    ),
};

export const publicQuotesApi = {
  get: (token: string, f?: Fetch) => request<PublicQuote>("GET", `/api/v1/public/quotes/${enc(token)}`, { fetch: f }),
  accept: (token: string, body: { name: string; email: string }) =>
    request<PublicQuote>("POST", `/api/v1/public/quotes/${enc(token)}/accept`, {
      body,
      headers: { "Idempotency-Key": newIdempotencyKey() },
    }),
};
