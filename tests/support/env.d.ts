import type { D1Migration } from "cloudflare:test";
import "../../worker/env.ts";

declare global {
  namespace Cloudflare {
    interface Env {
      CONTROL_MIGRATIONS: D1Migration[];
      ENTITY_MIGRATIONS: D1Migration[];
      ENTITY_ACME_US: D1Database;
      ENTITY_ACME_UK: D1Database;
      ENTITY_ACME_DE: D1Database;
      MIGRATION_SCRATCH: D1Database;
    }
  }
}
