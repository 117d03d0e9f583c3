// The Xero fake as the browser tests meet it: an organisation of their own, and acme-uk connected to
// it through the fake's consent page by click (a connection an earlier test left is removed first).
import { expect } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { apiCall } from "./support.ts";

export const XERO = (process.env.XERO_FAKE_URL ?? "http://127.0.0.1:8790").replace(/\/+$/, "");

/** POST to one of the fake's control endpoints (/__tenants, /__webhooks, /__payments). */
export async function fakeControl<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${XERO}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

/** A new organisation named `name` in the fake; its tenant id. */
export async function newOrganisation(name: string): Promise<string> {
  const res = await fakeControl<{ tenantId: string }>("/__tenants", { name, baseCurrency: "GBP" });
  expect(res.status).toBe(201);
  return res.body.tenantId;
}

/** From the entity's Integrations page: Connect, pick `organisation` at Xero, allow, and land back. */
export async function connectByClick(page: Page, context: BrowserContext, entity: string, organisation: string) {
  await apiCall(context, "DELETE", `/api/v1/entities/${entity}/integrations/xero`);
  await page.goto(`/${entity}/settings/integrations`);
  await page.locator('[data-testid="xero-connect"]').click();
  await page.waitForURL((url) => url.href.startsWith(`${XERO}/identity/connect/authorize`));
  await page.locator("label", { hasText: organisation }).click();
  await page.getByRole("button", { name: "Allow access" }).click();
  await page.waitForURL((url) => url.pathname === `/${entity}/settings/integrations`);
}
