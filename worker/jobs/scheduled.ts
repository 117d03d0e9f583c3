// The Worker's Cron Triggers (wrangler.toml [triggers]): one schedule today, the hourly purge.
import { purgeExpired } from "../actions/housekeeping.ts";
import type { Env } from "../env.ts";

export async function scheduled(_controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const report = await purgeExpired(env);
  console.log("purged expired rows", JSON.stringify(report));
}
