// Rows that only take up room once they expire: idempotency records (per entity), sessions, live
// tokens and sign-in windows (control plane). Nothing reads them once expired; the Cron Trigger
// (worker/jobs/scheduled.ts) deletes them in bounded batches.
import { entityBindings, purgeControl } from "../db/control.ts";
import { purgeExpiredIdempotency } from "../db/idempotency.ts";
import type { Env } from "../env.ts";

/** Rows per DELETE, and DELETEs per database per run: a backlog larger than that waits for the next run. */
export const PURGE_BATCH = 500;
export const PURGE_ROUNDS = 10;

export interface PurgeReport {
  control: { sessions: number; liveTokens: number; signInFailures: number };
  entities: Record<string, number>;
}

export async function purgeExpired(env: Env, now = Date.now()): Promise<PurgeReport> {
  const report: PurgeReport = { control: { sessions: 0, liveTokens: 0, signInFailures: 0 }, entities: {} };
  for (let round = 0; round < PURGE_ROUNDS; round++) {
    const purged = await purgeControl(env.CONTROL, now, PURGE_BATCH);
    report.control.sessions += purged.sessions;
    report.control.liveTokens += purged.liveTokens;
    report.control.signInFailures += purged.signInFailures;
    if (Math.max(purged.sessions, purged.liveTokens, purged.signInFailures) < PURGE_BATCH) break;
  }
  const at = new Date(now).toISOString();
  for (const entity of await entityBindings(env.CONTROL, env.ENVIRONMENT)) {
    const db = env[entity.binding] as D1Database | undefined;
    if (!db) continue; // registered but not bound to this deployment (yet): nothing to purge here
    let total = 0;
    try {
      for (let round = 0; round < PURGE_ROUNDS; round++) {
        const n = await purgeExpiredIdempotency(db, at, PURGE_BATCH);
        total += n;
        if (n < PURGE_BATCH) break;
      }
    } catch (error) {
      // One entity's database failing must not stop the others; the next run tries again.
      console.error("purge failed", entity.id, error);
    }
    report.entities[entity.id] = total;
  }
  return report;
}
