import type { EntityRoom } from "../party/entity-room.ts";
import type { XeroConnection } from "./integrations/xero/connection.ts";
import type { Actor } from "../party/protocol.ts";
import type { EarlyReads } from "./actions/context.ts";
import type { Role } from "./domain/access.ts";
import type { entities } from "./db/schema/control.ts";

export type Environment = "local" | "sandbox" | "production";

declare global {
  namespace Cloudflare {
    interface Env {
      CONTROL: D1Database;
      EntityRoom: DurableObjectNamespace<EntityRoom>;
      /** One per entity's Xero connection: its tokens' one writer and its call budget. */
      XeroConnection: DurableObjectNamespace<XeroConnection>;
      ASSETS?: Fetcher;
      /** Final invoice and credit-note PDFs, content-addressed (worker/actions/documents.ts). */
      DOCUMENTS: R2Bucket;
      /** Final invoices and credit notes whose PDF is still to draw (worker/jobs/documents.ts consumes them). */
      DOCUMENTS_QUEUE: Queue<import("./actions/documents.ts").DocumentMessage>;
      /** Chunks of billing runs (worker/jobs/billing-run.ts consumes them). */
      BILLING_RUNS: Queue<import("./actions/billing-runs.ts").BillingRunMessage>;
      /** Entities with Xero objects to sync (worker/jobs/xero-sync.ts consumes them). */
      XERO_SYNC: Queue<import("./integrations/xero/sync-queue.ts").XeroSyncMessage>;
      /** Xero webhook deliveries and periodic pulls: payments made in Xero (worker/jobs/xero-inbound.ts consumes them). */
      XERO_INBOUND: Queue<import("./integrations/xero/webhooks.ts").XeroInboundMessage>;
      ENVIRONMENT: Environment;
      SANDBOX_URL: string;
      PRODUCTION_URL: string;
      LOCAL_URL?: string;
      /** Xero's consent page origin (login.xero.com), identity (identity.xero.com) and API (api.xero.com): the fake locally. */
      XERO_LOGIN_URL: string;
      XERO_IDENTITY_URL: string;
      XERO_API_URL: string;
      /** Secrets (local defaults in wrangler.toml's top-level vars; `wrangler secret put` elsewhere). */
      XERO_CLIENT_ID?: string;
      XERO_CLIENT_SECRET?: string;
      /** 32 bytes, base64: seals the tokens at rest (worker/lib/seal.ts). */
      XERO_TOKEN_KEY?: string;
      /** The app's webhook signing key (Xero's developer portal → Webhooks): checks x-xero-signature. */
      XERO_WEBHOOK_KEY?: string;
      /** Entity databases: ENTITY_<SLUG>, named by the control plane's entity registry. */
      [binding: string]: unknown;
    }
  }
}

export type Env = Cloudflare.Env;

/** An entity of the registry (worker/db/schema/control.ts), without its creation time. */
export type EntityRecord = Omit<typeof entities.$inferSelect, "createdAt">;

export type Principal =
  | { kind: "user"; userId: string; email: string; name: string; sessionId: string }
  | { kind: "api_key"; keyId: string; name: string; entityId: string; role: Role };

/** The entity a request acts on, after membership checks. */
export interface EntityScope {
  entity: EntityRecord;
  db: D1Database;
  roles: Role[];
  actor: Actor;
  /** Reads started while the credential was checked, granted to this request (worker/api/early-reads.ts). */
  early?: EarlyReads;
}

export interface AppVariables {
  requestId: string;
  principal?: Principal;
  authVia?: "cookie" | "bearer";
  scope?: EntityScope;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
