// The Worker's Cron Triggers (wrangler.toml [triggers]): the hourly tick purges expired rows and starts
// every entity's CRON billing run for its local date (once a day per entity: the run's unique cron day).
// It also queues each Xero-connected entity's inbound pull (payments made in Xero, worker/integrations/xero/inbound.ts).
import { startCron, type ChunkQueue } from "../actions/billing-runs.ts";
import { purgeExpired } from "../actions/housekeeping.ts";
import { entityBindings, findEntity } from "../db/control.ts";
import { cronRunDate } from "../domain/billing-run-plan.ts";
import type { Env } from "../env.ts";
import { publishEvents } from "../live.ts";
import { requestSync } from "../integrations/xero/sync-queue.ts";

export const CRON_ACTOR = { type: "system" as const, id: "cron", name: "Billing cron" };

export async function scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const report = await purgeExpired(env);
  console.log("purged expired rows", JSON.stringify(report));
  const started = await startCronRuns(env, new Date(controller.scheduledTime), env.BILLING_RUNS);
  console.log("billing runs started", JSON.stringify(started));
  console.log("xero sync swept", JSON.stringify(await sweepXeroSync(env)));
  console.log("xero pulls queued", JSON.stringify(await requestXeroPulls(env)));
}

/** Every entity connected to Xero in this environment gets a pull of what changed there (webhooks can be missed). */
export async function requestXeroPulls(env: Env): Promise<string[]> {
  const queued: string[] = [];
  for (const { id, binding } of await entityBindings(env.CONTROL, env.ENVIRONMENT)) {
    try {
      const db = env[binding] as D1Database | undefined;
      const connected = db ? await db.prepare("SELECT 1 AS one FROM integration_connections WHERE provider = 'xero' AND state = 'CONNECTED' AND environment = ?").bind(env.ENVIRONMENT).first() : null;
      if (!connected) continue;
      await env.XERO_INBOUND.send({ kind: "pull", entityId: id });
      queued.push(id);
    } catch (error) {
      console.error("xero pull not queued", id, error);
    }
  }
  return queued;
}

/** Entities with PENDING Xero objects (a message lost, retries used up) get a new sync message. */
export async function sweepXeroSync(env: Env): Promise<string[]> {
  const swept: string[] = [];
  for (const { id } of await entityBindings(env.CONTROL, env.ENVIRONMENT)) {
    try {
      const entity = await findEntity(env.CONTROL, id, env.ENVIRONMENT);
      const db = entity ? (env[entity.binding] as D1Database | undefined) : undefined;
      if (!entity || !db) continue;
      const pending = await db.prepare("SELECT 1 AS one FROM sync_objects WHERE provider = 'xero' AND state = 'PENDING' LIMIT 1").first();
      if (!pending) continue;
      await requestSync(env, id);
      swept.push(id);
    } catch (error) {
      console.error("xero sync sweep failed", id, error);
    }
  }
  return swept;
}

/** Each entity's run for its local date at `at`, unless it has one: entity id → the run's id, or null. */
export async function startCronRuns(env: Env, at: Date, queue: ChunkQueue): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const { id } of await entityBindings(env.CONTROL, env.ENVIRONMENT)) {
    try {
      const entity = await findEntity(env.CONTROL, id, env.ENVIRONMENT);
      const db = entity ? (env[entity.binding] as D1Database | undefined) : undefined;
      if (!entity || !db) continue; // registered but not bound to this deployment (yet)
      const run = await startCron(
        { entity, db, actor: CRON_ACTOR, requestId: null, origin: null, publish: (events) => publishEvents(env, entity, events) },
        cronRunDate(at, entity.timezone),
        queue,
      );
      out[id] = run?.id ?? null;
    } catch (error) {
      // One entity failing must not stop the others; the next hourly tick tries again.
      console.error("billing cron failed", id, error);
    }
  }
  return out;
}
