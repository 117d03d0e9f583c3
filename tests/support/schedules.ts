// Billing schedules through the Worker: customers, accepted quotes, and what the database holds.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { ApiClient, unique } from "./client.ts";

export const US = "/api/v1/entities/acme-us";
export const UK = "/api/v1/entities/acme-uk";

export async function usCustomer(client: ApiClient): Promise<string> {
  const res = await client.post(`${US}/customers`, { legalName: unique("Schedule customer"), email: "billing@schedule.test", country: "US" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** A monthly platform schedule body for `customerId`, with `extra` over it. */
export const scheduleBody = (customerId: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  currency: "USD",
  startDate: "2096-01-31",
  endDate: "2097-01-31",
  phases: [{ prices: [{ priceId: "price_us_platform_monthly", quantity: "1" }] }],
  ...extra,
});

/** A quote published by sales and accepted through its public link. */
export async function acceptedQuote(sales: ApiClient, customerId: string, extra: Record<string, unknown> = {}) {
  const lines = [
    { priceId: "price_us_platform_monthly", quantity: "1" },
    { priceId: "price_us_onboarding_once", quantity: "1", discount: { type: "NOMINAL", value: "500.00" } },
  ];
  const quote = await sales.post(`${US}/quotes`, { customerId, title: unique("Contract"), currency: "USD", lines, ...extra });
  expect(quote.status, JSON.stringify(quote.body)).toBe(201);
  const published = await sales.post(`${US}/quotes/${quote.body.id}/publish`);
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  const token = new URL(published.body.publicUrl).pathname.slice(3);
  const accepted = await new ApiClient().post(`/api/v1/public/quotes/${token}/accept`, { name: "Cy Customer", email: "cy@c.test" });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return quote.body.id as string;
}

/** Schedules, their revisions, quotes' statuses and the last event of both demo entities: equal before and after means nothing was written. */
export const snapshot = async () =>
  JSON.stringify(
    await Promise.all(
      [env.ENTITY_ACME_US, env.ENTITY_ACME_UK].map((db) =>
        db
          .prepare(
            "SELECT (SELECT COUNT(*) FROM billing_schedules) s, (SELECT group_concat(rev || status, ',') FROM billing_schedules) r, (SELECT group_concat(status, ',') FROM quotes) q, (SELECT MAX(seq) FROM events) e, (SELECT COUNT(*) FROM audit_log) a",
          )
          .first(),
      ),
    ),
  );

export const eventKinds = async (subjectId: string) =>
  (await env.ENTITY_ACME_US.prepare("SELECT kind FROM events WHERE subject_id = ? ORDER BY seq").bind(subjectId).all<{ kind: string }>()).results.map((e) => e.kind);
