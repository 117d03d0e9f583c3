// `npm test`: worker + Durable Object + domain tests in workerd, then the browser tests against a
// freshly migrated and seeded `wrangler dev` on its own port and its own local state.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ROOT, buildWeb, run, startWrangler, waitForHealth, xeroVars, CHILD_ENV } from "./lib.ts";
import { prepareLocal } from "./prepare-local.ts";
import { serveXeroFake } from "../tests/fakes/xero/server.ts";

const only = process.argv[2]; // "worker" | "e2e" | undefined (both)
const files = process.argv.slice(3); // e.g. `e2e tests/e2e/invoices.test.ts`: only these files
const reports = mkdtempSync(join(tmpdir(), "kontor-reports-"));
const report = (name: string) => ["--reporter=default", "--reporter=json", `--outputFile.json=${join(reports, `${name}.json`)}`];

/** One plain closing line over every suite that ran: "tests: N passed, N failed". */
function summarize() {
  let passed = 0;
  let failed = 0;
  for (const name of ["fakes", "worker", "e2e"]) {
    const file = join(reports, `${name}.json`);
    if (!existsSync(file)) continue;
    const result = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number; numFailedTestSuites: number };
    passed += result.numPassedTests;
    // A file that fails before its tests run (a browser that does not launch) counts as a failure too.
    failed += Math.max(result.numFailedTests, result.numFailedTestSuites);
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
}
process.on("exit", summarize);

function runAsync(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: "inherit", env });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

buildWeb();
if (only !== "e2e") {
  // The fakes' own tests (Node), then the Worker's (workerd), which talk to those fakes.
  if (files.length === 0) run(BIN("vitest"), ["run", "--config", "vitest.fakes.config.ts", ...report("fakes")]);
  run(BIN("vitest"), ["run", "--config", "vitest.config.ts", ...report("worker"), ...files]);
}

if (only !== "worker") {
  const state = mkdtempSync(join(tmpdir(), "kontor-e2e-"));
  const port = 8800 + Math.floor(Math.random() * 100);
  const url = `http://127.0.0.1:${port}`;
  await prepareLocal(state);
  // The Xero fake the Worker's XERO_*_URL vars point at, on a free port (a running `npm start` may hold 8790).
  const xero = await serveXeroFake(Number(process.env.XERO_FAKE_PORT ?? 0));
  const server = startWrangler(port, state, ["--log-level", "warn", ...xeroVars(xero.url)]);
  try {
    await waitForHealth(url, server);
    // Not spawnSync: the fake answers from this process's event loop while the suite runs.
    await runAsync(BIN("vitest"), ["run", "--config", "vitest.e2e.config.ts", ...report("e2e"), ...files], { ...CHILD_ENV, KONTOR_URL: url, XERO_FAKE_URL: xero.url });
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await new Promise((resolve) => xero.server.close(resolve));
    rmSync(state, { recursive: true, force: true });
  }
}
