// `npm start`: build the web app, migrate and seed the local D1 databases, serve on 127.0.0.1:8787.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, buildWeb, startWrangler, waitForHealth, xeroVars } from "./lib.ts";
import { prepareLocal } from "./prepare-local.ts";
import { DEMO_PASSWORD, DEMO_USERS } from "../worker/seed.ts";
import { DEFAULT_XERO_FAKE_PORT, serveXeroFake } from "../tests/fakes/xero/server.ts";

const port = Number(process.env.PORT ?? 8787);
buildWeb();
console.log("[kontor] applying migrations and demo data to the local D1 databases");
await prepareLocal();
// The Xero fake the local environment's XERO_* vars point at (API.md "Xero"), in this process.
// Payments made in the fake (POST /__payments) reach the Worker as webhooks signed with wrangler.toml's local key.
const webhookKey = /^XERO_WEBHOOK_KEY = "([^"]+)"/m.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))?.[1];
const webhook = webhookKey ? { url: `http://127.0.0.1:${port}/api/v1/integrations/xero/webhooks`, key: webhookKey } : undefined;
const xero = await serveXeroFake(Number(process.env.XERO_FAKE_PORT ?? DEFAULT_XERO_FAKE_PORT), { webhook });
const xeroUrl = xero.url;
const server = startWrangler(port, undefined, xeroVars(xeroUrl));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
await waitForHealth(`http://127.0.0.1:${port}`, server);
console.log(`\n[kontor] ready: http://127.0.0.1:${port}  (API docs: /api/docs)`);
console.log(`[kontor] Xero fake: ${xeroUrl} (requests it received: ${xeroUrl}/__requests)`);
console.log(`[kontor] demo users (password ${DEMO_PASSWORD}): ${DEMO_USERS.map((u) => u.email).join(", ")}\n`);
