// The Xero connect flow as a browser walks it, against the Node-side fake (vitest.config.ts routes
// XERO_*_URL to it): our connect route → the fake's consent page → our callback.
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { sealedFor, xeroConfig } from "../../worker/integrations/xero/config.ts";
import { unseal } from "../../worker/lib/seal.ts";
import type { EntityRecord } from "../../worker/env.ts";
import { ORIGIN, type ApiClient } from "./client.ts";

export const XERO = env.XERO_API_URL;

export async function newTenant(name: string): Promise<string> {
  const res = await fetch(`${XERO}/__tenants`, { method: "POST", body: JSON.stringify({ name }) });
  return ((await res.json()) as { tenantId: string }).tenantId;
}

/** A GET as the signed-in browser, not following redirects. */
export async function browserGet(client: ApiClient, url: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
  return url.startsWith(ORIGIN) ? SELF.fetch(url, { headers, redirect: "manual" }) : fetch(url, { redirect: "manual" });
}

/** Our connect route → Xero's consent URL (asserting the 302). */
export async function startConnect(client: ApiClient, entity: string): Promise<URL> {
  const res = await browserGet(client, `${ORIGIN}/api/v1/entities/${entity}/integrations/xero/connect`);
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

/** The fake's consent, approved at once for `tenant`: the callback URL Xero sends the browser to. */
export async function consent(consentUrl: URL, tenant: string): Promise<string> {
  const url = new URL(consentUrl);
  url.searchParams.set("auto", "1");
  url.searchParams.set("tenant", tenant);
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  return res.headers.get("location")!;
}

/** The whole flow; returns where our callback sent the browser. */
export async function connectXero(client: ApiClient, entity: string, tenant: string): Promise<URL> {
  const callback = await consent(await startConnect(client, entity), tenant);
  const res = await browserGet(client, callback);
  expect(res.status, await res.clone().text()).toBe(302);
  return new URL(res.headers.get("location")!, ORIGIN);
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: any;
  status: number;
  valid: boolean;
  errors: string[];
  tenantId: string | null;
  at: string;
}

export async function fakeRequests(filter: { path?: string; tenant?: string } = {}): Promise<FakeRequest[]> {
  const url = new URL(`${XERO}/__requests`);
  if (filter.path) url.searchParams.set("path", filter.path);
  if (filter.tenant) url.searchParams.set("tenant", filter.tenant);
  return ((await (await fetch(url)).json()) as { items: FakeRequest[] }).items;
}

export const entityDb = (binding: string) => env[binding] as D1Database;

export async function connectionRow(binding: string) {
  return entityDb(binding).prepare("SELECT * FROM integration_connections WHERE provider = 'xero'").first<Record<string, any>>();
}

/** Open a sealed token of the entity's connection, as the Worker would. */
export async function openToken(entity: EntityRecord, use: "access" | "refresh"): Promise<string | null> {
  const config = await xeroConfig(env);
  const row = await connectionRow(entity.binding);
  return row ? unseal(config.key, row[use === "access" ? "access_token" : "refresh_token"], sealedFor(config, entity, use)) : null;
}
