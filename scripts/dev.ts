// `npm start`: build the web app, migrate and seed the local D1 databases, serve on 127.0.0.1:8787.
import { buildWeb, startWrangler, waitForHealth } from "./lib.ts";
import { prepareLocal } from "./prepare-local.ts";
import { DEMO_PASSWORD, DEMO_USERS } from "../worker/seed.ts";

const port = Number(process.env.PORT ?? 8787);
buildWeb();
console.log("[kontor] applying migrations and demo data to the local D1 databases");
await prepareLocal();
const server = startWrangler(port, undefined);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
await waitForHealth(`http://127.0.0.1:${port}`, server);
console.log(`\n[kontor] ready: http://127.0.0.1:${port}  (API docs: /api/docs)`);
console.log(`[kontor] demo users (password ${DEMO_PASSWORD}): ${DEMO_USERS.map((u) => u.email).join(", ")}\n`);
