// The preflight (issue 13, mappings): before an invoice is finalized, would Xero refuse it, or book it
// differently from Kontor? Checked against the organisation's own accounts, items and tax rates, so a
// sync never fails after the invoice went out. It warns; finalizing stays the user's decision.
import type { ActionContext } from "../../actions/context.ts";
import { productOfPrices } from "../../db/catalog.ts";
import { findConnection, findMappings } from "../../db/integrations.ts";
import { loadInvoice } from "../../db/invoices.ts";
import type { ErrorDetail } from "../../domain/errors.ts";
import { notFound } from "../../domain/errors.ts";
import type { EntityRecord, Env } from "../../env.ts";
import { PROVIDER } from "./connection.ts";
import { invoiceProblems, type XeroSettings } from "./mapping-rules.ts";
import { readSettings } from "./mappings.ts";

export interface Preflight {
  /** False when this entity has no Xero connection here: nothing to check. */
  connected: boolean;
  /** Nothing Xero would refuse or book differently. */
  ok: boolean;
  problems: ErrorDetail[];
}

/**
 * The organisation's settings, kept a minute per isolate: a finance user opening drafts one after
 * another must not spend three of the tenant's 60 calls a minute on each. Keyed by entity and tenant,
 * so a reconnect to another organisation is never judged by the old one's chart.
 */
const SETTINGS_TTL_MS = 60_000;
const settingsCache = new Map<string, { at: number; settings: Promise<XeroSettings> }>();

function settingsOf(env: Env, entity: EntityRecord, tenantId: string): Promise<XeroSettings> {
  const key = `${entity.id}:${tenantId}`;
  const now = Date.now();
  const cached = settingsCache.get(key);
  if (cached && now - cached.at < SETTINGS_TTL_MS) return cached.settings;
  const settings = readSettings(env, entity);
  settingsCache.set(key, { at: now, settings });
  settings.catch(() => settingsCache.delete(key)); // a failed read is not remembered
  return settings;
}

export async function invoicePreflight(env: Env, ctx: ActionContext, invoiceId: string): Promise<Preflight> {
  const [connection, mappings, loaded] = await Promise.all([findConnection(ctx.db, PROVIDER), findMappings(ctx.db, PROVIDER), loadInvoice(ctx.db, invoiceId)]);
  if (!loaded) throw notFound("Invoice");
  if (!connection || connection.environment !== env.ENVIRONMENT || !connection.tenantId) return { connected: false, ok: true, problems: [] };
  if (connection.state !== "CONNECTED") {
    const problems = [{ path: "connection", message: "Xero needs reconnecting: invoices wait to sync until an admin reconnects under Integrations" }];
    return { connected: true, ok: false, problems };
  }
  if (!mappings || mappings.tenantId !== connection.tenantId) {
    const problems = [{ path: "mappings", message: "Xero's accounts are not mapped for this organisation yet: map a default revenue account under Integrations before invoices are synced" }];
    return { connected: true, ok: false, problems };
  }
  const { invoice } = loaded;
  const priceIds = [...new Set(invoice.lines.map((l) => l.priceId).filter((p): p is string => !!p))];
  const rateIds = [...new Set(invoice.lines.map((l) => l.taxRateId).filter((r): r is string => !!r))];
  const [settings, productOf, rateNames] = await Promise.all([settingsOf(env, ctx.entity, connection.tenantId), productOfPrices(ctx.db, priceIds), namesOf(ctx.db, rateIds)]);
  const problems = invoiceProblems(
    invoice.lines.map((l) => ({ title: l.title, productId: l.priceId ? (productOf.get(l.priceId) ?? null) : null, taxRateId: l.taxRateId, taxRateName: l.taxRateId ? rateNames.get(l.taxRateId) : undefined, taxRate: l.taxRate })),
    mappings.mappings,
    settings,
  );
  return { connected: true, ok: problems.length === 0, problems };
}

async function namesOf(db: D1Database, taxRateIds: string[]): Promise<Map<string, string>> {
  if (!taxRateIds.length) return new Map();
  const rows = await db.prepare(`SELECT id, name FROM tax_rates WHERE id IN (${taxRateIds.map(() => "?").join(",")})`).bind(...taxRateIds).all<{ id: string; name: string }>();
  return new Map(rows.results.map((r) => [r.id, r.name]));
}
