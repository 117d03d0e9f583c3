import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../worker/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      CONTROL_MIGRATIONS: D1Migration[];
      ENTITY_MIGRATIONS: D1Migration[];
      ENTITY_ACME_US: D1Database;
      ENTITY_ACME_UK: D1Database;
      ENTITY_ACME_DE: D1Database;
    }
  }
}
