// The HTTP API: one Hono app, sub-apps mounted with app.route, one error path.
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { SESSION_COOKIE } from "../credentials.ts";
import { audit } from "./audit.ts";
import { auth, me } from "./auth.ts";
import { catalog } from "./catalog.ts";
import { customers } from "./customers.ts";
import { merchant } from "./merchant.ts";
import { approvalWorkflow } from "./approvals.ts";
import { tasks } from "./tasks.ts";
import { publicQuotes, quotes } from "./quotes.ts";
import { invoices, publicInvoices } from "./invoices.ts";
import { creditNotes } from "./credit-notes.ts";
import { taxRates } from "./tax-rates.ts";
import { schedules } from "./schedules.ts";
import { billingRuns } from "./billing-runs.ts";
import { entities } from "./entities.ts";
import { integrationCallbacks, integrations } from "./integrations.ts";
import { xeroWebhooks } from "./xero-webhooks.ts";
import { ApiError, errorResponse, validationError } from "./errors.ts";
import { DomainError } from "../domain/errors.ts";
import { illFormedPath } from "../domain/text.ts";
import { authenticate, entityAccess, idempotency, requestId } from "./middleware.ts";
import { securityHeaders } from "./security.ts";

const SECURITY: Record<string, string[]>[] = [{ session: [] }, { apiKey: [] }];

export const MAX_BODY_BYTES = 1024 * 1024;

function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target === "json" ? undefined : result.target);
      const path = illFormedPath(result.data);
      if (path) throw new ApiError("invalid_request", `Invalid value at ${path}: text must be well-formed Unicode (no lone surrogates)`, { details: [{ path, message: "not well-formed Unicode" }] });
    },
  });
}

export function createApp() {
  const app = newRouter();
  app.use("*", requestId, securityHeaders);
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError("payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  const v1 = newRouter();
  v1.get("/health", (c) => c.json({ status: "ok" }));
  v1.use("/entities", authenticate);
  v1.use("/entities/:entity/*", entityAccess, idempotency);
  v1.use("/entities/:entity", entityAccess);
  v1.route("/", me);
  v1.route("/", entities);
  v1.route("/", customers);
  v1.route("/", catalog);
  v1.route("/", quotes);
  v1.route("/", merchant);
  v1.route("/", approvalWorkflow);
  v1.route("/", tasks);
  v1.route("/", audit);
  v1.route("/", publicQuotes);
  v1.route("/", taxRates);
  v1.route("/", invoices);
  v1.route("/", creditNotes);
  v1.route("/", schedules);
  v1.route("/", billingRuns);
  v1.route("/", publicInvoices);
  v1.route("/", integrations);
  v1.route("/", integrationCallbacks);
  v1.route("/", xeroWebhooks);

  app.route("/api", auth);
  app.route("/api/v1", v1);

  app.doc31("/api/v1/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Kontor API",
      version: "1.0.0",
      description:
        "Multi-entity quoting and billing. Entity-owned resources live under /api/v1/entities/{entity}. Errors: {error:{code,message,details,requestId}}.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
    security: SECURITY,
  }));
  app.openAPIRegistry.registerComponent("securitySchemes", "session", { type: "apiKey", in: "cookie", name: SESSION_COOKIE });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer" });
  app.get("/api/docs", (c) => c.html(DOCS_PAGE));

  app.notFound((c) => errorResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
  app.onError((error, c) => {
    if (error instanceof DomainError) return errorResponse(c, error);
    if (error instanceof HTTPException) {
      if (error.status === 400) return errorResponse(c, new ApiError("malformed_json", "The request body is not valid JSON"));
      if (error.status === 413) return errorResponse(c, new ApiError("payload_too_large", "Request body too large"));
      if (error.status === 415) return errorResponse(c, new ApiError("unsupported_media_type", "Send JSON with Content-Type: application/json"));
      return errorResponse(c, new ApiError("invalid_request", error.message || "Bad request", { status: error.status as 400 }));
    }
    console.error("unhandled", c.get("requestId"), error);
    return errorResponse(c, new ApiError("internal_error", "Something went wrong on our side; nothing was written", { status: 500 }));
  });
  return app;
}

// Rendered by swagger-ui-dist, copied into the static assets at build time (no CDN at run time).
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kontor API</title><link rel="stylesheet" href="/_docs/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/_docs/swagger-ui-bundle.js"></script><script src="/_docs/init.js"></script></body></html>`;
