// POST /api/v1/integrations/xero/webhooks: where Xero delivers its webhooks (no session: Xero calls it).
// The raw body is checked against x-xero-signature before anything is read from it; a good delivery is
// queued and answered 200 at once, anything else is 401 with an empty body (Xero's intent-to-receive
// check expects exactly that). See worker/integrations/xero/webhooks.ts.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { receiveDelivery } from "../integrations/xero/webhooks.ts";

const route = createRoute({
  method: "post",
  path: "/integrations/xero/webhooks",
  tags: ["Integrations"],
  summary: "Xero's webhook deliveries (signed with the app's webhook key; INVOICE events update payment status)",
  security: [],
  request: { headers: z.object({ "x-xero-signature": z.string().optional().openapi({ description: "base64(HMAC-SHA256(body, webhook key)); anything else is a 401" }) }) },
  responses: {
    200: { description: "A delivery from Xero, queued (empty body)" },
    401: { description: "The signature does not match (empty body)" },
  },
});

export const xeroWebhooks = new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
  const ok = await receiveDelivery(c.env, await c.req.arrayBuffer(), c.req.header("x-xero-signature") ?? null);
  return c.body(null, ok ? 200 : 401);
});
