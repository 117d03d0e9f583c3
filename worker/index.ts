// Entry: /api/* -> Hono, /parties/* -> EntityRoom (after auth), everything else -> the web app;
// Cron Triggers -> worker/jobs/scheduled.ts; queue messages -> worker/jobs/ by queue.
import { routePartykitRequest } from "partyserver";
import { createApp } from "./api/app.ts";
import { errorBody } from "./api/errors.ts";
import { authorizeRoomConnection } from "./live-auth.ts";
import { scheduled } from "./jobs/scheduled.ts";
import { billingRunQueue } from "./jobs/billing-run.ts";
import { documentsQueue } from "./jobs/documents.ts";
import { xeroSyncQueue } from "./jobs/xero-sync.ts";
import { xeroInboundQueue } from "./jobs/xero-inbound.ts";
import type { XeroInboundMessage } from "./integrations/xero/webhooks.ts";
import type { XeroSyncMessage } from "./integrations/xero/sync-queue.ts";
import type { DocumentMessage } from "./actions/documents.ts";
import type { BillingRunMessage } from "./actions/billing-runs.ts";
import type { Env } from "./env.ts";

export { EntityRoom } from "../party/entity-room.ts";
export { XeroConnection } from "./integrations/xero/connection.ts";

const app = createApp();

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/api/")) return app.fetch(request, env, ctx);
    if (url.pathname.startsWith("/parties/")) {
      const routed = await routePartykitRequest(request, env, {
        onBeforeConnect: (req, lobby) => authorizeRoomConnection(req, env, lobby),
        // The room is reachable only as a WebSocket; its HTTP face is not public.
        onBeforeRequest: () => json(404, errorBody("req_party", "not_found", "Not found")),
      });
      return routed ?? json(404, errorBody("req_party", "not_found", "Unknown party"));
    }
    if (env.ASSETS) return env.ASSETS.fetch(request);
    return json(404, errorBody("req_static", "not_found", "Not found"));
  },
  scheduled,
  async queue(batch, env, ctx) {
    // Each environment names its queues kontor-<environment>-<purpose> (wrangler.toml).
    if (batch.queue.endsWith("-billing-runs")) return billingRunQueue(batch as MessageBatch<BillingRunMessage>, env, ctx);
    if (batch.queue.endsWith("-documents")) return documentsQueue(batch as MessageBatch<DocumentMessage>, env);
    if (batch.queue.endsWith("-xero-sync")) return xeroSyncQueue(batch as MessageBatch<XeroSyncMessage>, env);
    if (batch.queue.endsWith("-xero-inbound")) return xeroInboundQueue(batch as MessageBatch<XeroInboundMessage>, env);
    console.error("no consumer for queue", batch.queue);
    batch.retryAll();
  },
} satisfies ExportedHandler<Env>;

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });
}
