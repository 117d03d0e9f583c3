// The inbound half of the Xero sync: payments made in Xero reach Kontor's invoices. Two ways in, one way
// of applying: a webhook names changed invoices of an organisation (worker/integrations/xero/webhooks.ts),
// and the hourly pull asks for the ACCREC invoices modified since its watermark (If-Modified-Since), which
// catches what a webhook missed. Either way each invoice is read from Xero through the AccountingApi and,
// when it is one this entity synced, its payment is applied by invoices.applyXeroPayment — one batch with
// its event, or nothing when it changes nothing.
import type { Invoice } from "xero-node/dist/gen/model/accounting/invoice.js";
import type { Actor } from "../../../party/protocol.ts";
import * as invoices from "../../actions/invoices.ts";
import type { ActionContext } from "../../actions/context.ts";
import { ChangeSet } from "../../db/changes.ts";
import { entityBindings, findEntity } from "../../db/control.ts";
import { findConnection } from "../../db/integrations.ts";
import type { EntityRecord, Env } from "../../env.ts";
import { publishEvents } from "../../live.ts";
import { callXero } from "./client.ts";
import { PROVIDER } from "./connection.ts";
import type { XeroInvoiceEvents, XeroPullMessage } from "./webhooks.ts";

const SYSTEM: Actor = { type: "system", id: "xero-inbound", name: "Xero" };
/** Each pull asks again for what changed this long before the last one began: clocks drift, and a repeat changes nothing. */
export const PULL_OVERLAP_MS = 5 * 60_000;
export const PULL_PAGE_SIZE = 100;
/** Pages per queue message (one Xero call each); a longer pull goes on in a new message. */
export const PULL_PAGES_PER_MESSAGE = 10;

export interface Connected {
  entity: EntityRecord;
  db: D1Database;
}

/**
 * This deployment's entities connected to the organisation `tenantId` (several may share one). The scan
 * reads each entity database's own connection row — the only copy there is — and keeps only rows this
 * environment wrote and that are CONNECTED: a sandbox row never answers for production (docs/decisions.md).
 */
export async function entitiesOfTenant(env: Env, tenantId: string): Promise<Connected[]> {
  const wanted = tenantId.toLowerCase();
  const registered = await entityBindings(env.CONTROL, env.ENVIRONMENT);
  const found = await Promise.all(
    registered.map(async ({ id, binding }): Promise<Connected | null> => {
      const db = env[binding] as D1Database | undefined;
      if (!db) return null;
      const row = await db.prepare("SELECT tenant_id, environment, state FROM integration_connections WHERE provider = ?").bind(PROVIDER).first<{ tenant_id: string; environment: string; state: string }>();
      if (!row || row.environment !== env.ENVIRONMENT || row.state !== "CONNECTED" || row.tenant_id.toLowerCase() !== wanted) return null;
      const entity = await findEntity(env.CONTROL, id, env.ENVIRONMENT);
      return entity && entity.binding === binding ? { entity, db } : null;
    }),
  );
  return found.filter((c): c is Connected => c !== null);
}

/** Kontor invoice id by Xero InvoiceID, for the ones this entity synced. */
async function ourInvoices(db: D1Database, xeroIds: string[]): Promise<Map<string, string>> {
  if (!xeroIds.length) return new Map();
  const rows = await db
    .prepare(`SELECT object_id, lower(xero_id) AS xero_id FROM sync_objects WHERE provider = 'xero' AND object_type = 'invoice' AND lower(xero_id) IN (${xeroIds.map(() => "?").join(",")})`)
    .bind(...xeroIds.map((id) => id.toLowerCase()))
    .all<{ object_id: string; xero_id: string }>();
  return new Map(rows.results.map((r) => [r.xero_id, r.object_id]));
}

function contextOf(env: Env, { entity, db }: Connected): ActionContext {
  return { entity, db, actor: SYSTEM, requestId: null, origin: null, publish: (events) => publishEvents(env, entity, events) };
}

/** Apply what Xero says of each of these invoices that are this entity's; answers how many changed. */
async function applyInvoices(env: Env, target: Connected, found: Invoice[]): Promise<number> {
  const ours = await ourInvoices(target.db, found.map((x) => x.invoiceID ?? "").filter(Boolean));
  const ctx = contextOf(env, target);
  let applied = 0;
  for (const x of found) {
    const id = x.invoiceID ? ours.get(x.invoiceID.toLowerCase()) : undefined;
    if (!id || String(x.type) !== "ACCREC") continue;
    if (await invoices.applyXeroPayment(ctx, id, { status: String(x.status), amountPaid: x.amountPaid })) applied++;
  }
  return applied;
}

/** A webhook's invoices: for each entity connected to the organisation, those it synced, read from Xero and applied. */
export async function applyInvoiceEvents(env: Env, message: XeroInvoiceEvents): Promise<number> {
  let applied = 0;
  for (const target of await entitiesOfTenant(env, message.tenantId)) {
    const ours = await ourInvoices(target.db, message.invoiceIds);
    if (!ours.size) continue;
    const answer = await callXero(env, target.entity, (api, tenant) => api.getInvoices(tenant, undefined, undefined, undefined, [...ours.keys()]));
    applied += await applyInvoices(env, target, answer.invoices ?? []);
  }
  return applied;
}

export type PullResult = { kind: "idle" } | { kind: "done"; applied: number; through: string } | { kind: "more"; next: XeroPullMessage };

/**
 * One stretch of an entity's pull: up to PULL_PAGES_PER_MESSAGE pages of its organisation's ACCREC
 * invoices modified since the watermark. The last page stores the new watermark (when the pull began,
 * less the overlap) with a `sync.pulled` event, in one batch; a pull that is not done answers the
 * message that goes on with it.
 */
export async function pullPayments(env: Env, target: Connected, message: XeroPullMessage, now = Date.now()): Promise<PullResult> {
  const connection = await findConnection(target.db, PROVIDER);
  if (!connection || connection.environment !== env.ENVIRONMENT || connection.state !== "CONNECTED") return { kind: "idle" };
  const since = message.since ?? connection.pulledThrough ?? new Date(Date.parse(connection.connectedAt) - PULL_OVERLAP_MS).toISOString();
  const through = message.through ?? new Date(now - PULL_OVERLAP_MS).toISOString();
  let applied = 0;
  const first = message.page ?? 1;
  for (let page = first; page < first + PULL_PAGES_PER_MESSAGE; page++) {
    const answer = await callXero(env, target.entity, (api, tenant) =>
      api.getInvoices(tenant, new Date(since), 'Type=="ACCREC"', undefined, undefined, undefined, undefined, undefined, page, undefined, undefined, undefined, undefined, PULL_PAGE_SIZE),
    );
    const found = answer.invoices ?? [];
    applied += await applyInvoices(env, target, found);
    if (found.length < PULL_PAGE_SIZE) {
      await recordPulled(env, target, connection.tenantId, since, through, applied);
      return { kind: "done", applied, through };
    }
  }
  return { kind: "more", next: { kind: "pull", entityId: target.entity.id, page: first + PULL_PAGES_PER_MESSAGE, since, through } };
}

async function recordPulled(env: Env, target: Connected, tenantId: string, since: string, through: string, applied: number) {
  const changes = new ChangeSet(target.db, SYSTEM, null);
  // Only forward, and only for the organisation it pulled from (a reconnect to another one meanwhile starts afresh).
  changes.add(
    target.db
      .prepare("UPDATE integration_connections SET pulled_through = ?1 WHERE provider = ?2 AND tenant_id = ?3 AND (pulled_through IS NULL OR pulled_through < ?1)")
      .bind(through, PROVIDER, tenantId),
  );
  changes.record({ kind: "sync.pulled", subject: { type: "integration", id: PROVIDER }, data: { provider: PROVIDER, tenantId, since, through, applied } });
  await publishEvents(env, target.entity, await changes.commit());
}

/** The entity a pull message names, if it is this deployment's and bound here. */
export async function connectedEntity(env: Env, entityId: string): Promise<Connected | null> {
  const entity = await findEntity(env.CONTROL, entityId, env.ENVIRONMENT);
  const db = entity ? (env[entity.binding] as D1Database | undefined) : undefined;
  return entity && db ? { entity, db } : null;
}
