// `npm test`: worker + Durable Object + domain tests in workerd, then the browser tests against a
// freshly migrated and seeded `wrangler dev` on its own port and its own local state.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, buildWeb, run, startWrangler, waitForHealth, CHILD_ENV } from "./lib.ts";
import { prepareLocal } from "./prepare-local.ts";

const only = process.argv[2]; // "worker" | "e2e" | undefined (both)

buildWeb();
if (only !== "e2e") run(BIN("vitest"), ["run", "--config", "vitest.config.ts"]);

if (only !== "worker") {
  const state = mkdtempSync(join(tmpdir(), "kontor-e2e-"));
  const port = 8800 + Math.floor(Math.random() * 100);
  const url = `http://127.0.0.1:${port}`;
  await prepareLocal(state);
  const server = startWrangler(port, state, ["--log-level", "warn"]);
  try {
    await waitForHealth(url, server);
    run(BIN("vitest"), ["run", "--config", "vitest.e2e.config.ts"], { env: { ...CHILD_ENV, KONTOR_URL: url } });
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    rmSync(state, { recursive: true, force: true });
  }
}
