// Mappings (API.md "PUT /integrations/xero/mappings"): checked against the connected organisation's own
// accounts, tax rates and items, read from Xero with xero-node's AccountingApi, before they are stored.
import { changeSetOf, commit, type ActionContext } from "../../actions/context.ts";
import { findConnection, findMappings, knownIds, recordMappings, type MappingsRow } from "../../db/integrations.ts";
import type { XeroMappings, XeroTracking } from "../../db/schema/integrations.ts";
import { DomainError } from "../../domain/errors.ts";
import type { EntityRecord, Env } from "../../env.ts";
import { callXero } from "./client.ts";
import { PROVIDER } from "./connection.ts";
import { mappingProblems, paymentAccounts, revenueAccounts, salesItems, salesTaxRates, trackingChoices, type XeroSettings } from "./mapping-rules.ts";

export interface MappingsInput {
  defaultRevenueAccount: string;
  paymentAccount?: string | null;
  taxTypes?: Record<string, string>;
  products?: Record<string, { accountCode?: string; itemCode?: string }>;
  tracking?: { category: string; option: string } | null;
}

/** Four calls: the chart of accounts, the tax rates, the items and the tracking categories of the connected organisation. */
export async function readSettings(env: Env, entity: EntityRecord): Promise<XeroSettings> {
  const accounts = await callXero(env, entity, (api, tenant) => api.getAccounts(tenant));
  const taxRates = await callXero(env, entity, (api, tenant) => api.getTaxRates(tenant));
  const items = await callXero(env, entity, (api, tenant) => api.getItems(tenant));
  const tracking = await callXero(env, entity, (api, tenant) => api.getTrackingCategories(tenant));
  const plain = <T>(list: unknown): T[] => (Array.isArray(list) ? list.map((x) => ({ ...(x as object) }) as T) : []);
  return {
    accounts: plain<XeroSettings["accounts"][number]>(accounts.accounts).map((a) => ({ ...a, type: a.type === undefined ? undefined : String(a.type), status: a.status === undefined ? undefined : String(a.status) })),
    taxRates: plain<XeroSettings["taxRates"][number]>(taxRates.taxRates).map((t) => ({ ...t, status: t.status === undefined ? undefined : String(t.status) })),
    items: plain<XeroSettings["items"][number]>(items.items),
    trackingCategories: plain<{ name?: string; status?: unknown; options?: { name?: string; status?: unknown }[] }>(tracking.trackingCategories).map((c) => ({
      name: c.name,
      status: c.status === undefined ? undefined : String(c.status),
      options: (c.options ?? []).map((o) => ({ name: o.name, status: o.status === undefined ? undefined : String(o.status) })),
    })),
  };
}

export interface MappingsView extends Omit<XeroMappings, "tracking"> {
  tracking: XeroTracking | null;
  tenantId: string | null;
  rev: number;
  updatedAt: string | null;
  updatedBy: string | null;
  /** Checked against another organisation than the one connected now: check them again. */
  stale: boolean;
}

function viewOf(row: MappingsRow | null, connectedTenant: string | null): MappingsView {
  const m = row?.mappings;
  return {
    defaultRevenueAccount: m?.defaultRevenueAccount ?? "",
    paymentAccount: m?.paymentAccount ?? null,
    taxTypes: m?.taxTypes ?? {},
    products: m?.products ?? {},
    tracking: m?.tracking ?? null,
    tenantId: row?.tenantId ?? null,
    rev: row?.rev ?? 0,
    updatedAt: row?.updatedAt ?? null,
    updatedBy: row?.updatedBy ?? null,
    stale: !!row && row.tenantId !== connectedTenant,
  };
}

export async function getMappings(db: D1Database, environment: string): Promise<MappingsView> {
  const [row, connection] = await Promise.all([findMappings(db, PROVIDER), findConnection(db, PROVIDER)]);
  return viewOf(row, connection && connection.environment === environment ? connection.tenantId : null);
}

export async function putMappings(env: Env, ctx: ActionContext, input: MappingsInput): Promise<MappingsView> {
  const connection = await findConnection(ctx.db, PROVIDER);
  if (!connection || connection.environment !== env.ENVIRONMENT) throw new DomainError("integration_not_connected", "Connect Xero before mapping accounts and tax rates");
  const previous = await findMappings(ctx.db, PROVIDER);
  const mappings: XeroMappings = {
    defaultRevenueAccount: input.defaultRevenueAccount,
    paymentAccount: input.paymentAccount ?? null,
    taxTypes: input.taxTypes ?? {},
    products: input.products ?? {},
    tracking: input.tracking ?? null,
  };
  const [settings, known] = await Promise.all([readSettings(env, ctx.entity), knownIds(ctx.db, Object.keys(mappings.taxTypes), Object.keys(mappings.products))]);
  const problems = mappingProblems(mappings, settings, known);
  if (problems.length) throw new DomainError("invalid_mapping", `Xero would refuse these mappings: ${problems.map((p) => p.message).join("; ")}`, problems);
  const changes = changeSetOf(ctx);
  const next = { provider: PROVIDER, tenantId: connection.tenantId, mappings, updatedBy: ctx.actor.id, updatedAt: changes.at };
  const rev = recordMappings(changes, previous, next);
  return commit(ctx, changes, viewOf({ ...next, rev }, connection.tenantId));
}

/** What the mapping pickers offer: the organisation's revenue and payment accounts, sales tax types and items. */
export async function mappingOptions(env: Env, entity: EntityRecord) {
  const s = await readSettings(env, entity);
  return {
    revenueAccounts: revenueAccounts(s).map((a) => ({ code: a.code!, name: a.name ?? "", type: a.type ?? "" })),
    paymentAccounts: paymentAccounts(s).map((a) => ({ code: a.code!, name: a.name ?? "", type: a.type ?? "" })),
    taxTypes: salesTaxRates(s).map((t) => ({ taxType: t.taxType!, name: t.name ?? "", rate: String(t.effectiveRate ?? 0) })),
    items: salesItems(s).map((i) => ({ code: i.code!, name: i.name ?? "" })),
    trackingCategories: trackingChoices(s),
  };
}
