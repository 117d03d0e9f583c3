// Browser security headers on every API response (the web app's static files get theirs from
// web/static/_headers). JSON is never cached: it is either someone's data or a public link's.
import type { MiddlewareHandler } from "hono";

/** JSON and PDFs render nothing a browser could run; the docs page runs the bundled Swagger UI only. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  const type = headers.get("content-type") ?? "";
  headers.set("content-security-policy", type.startsWith("text/html") ? DOCS_CSP : API_CSP);
  headers.set("x-frame-options", "DENY");
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "strict-origin-when-cross-origin");
  headers.set("cross-origin-opener-policy", "same-origin");
  if (new URL(c.req.url).protocol === "https:") headers.set("strict-transport-security", "max-age=31536000; includeSubDomains");
  if (type.startsWith("application/json") && !headers.has("cache-control")) headers.set("cache-control", "no-store");
};
