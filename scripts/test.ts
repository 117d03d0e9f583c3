// `npm test`: worker + Durable Object + domain tests in workerd, then the browser tests against a
// freshly migrated and seeded `wrangler dev` on its own port and its own local state.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, buildWeb, run, startWrangler, waitForHealth, CHILD_ENV } from "./lib.ts";
import { prepareLocal } from "./prepare-local.ts";

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
  const server = startWrangler(port, state, ["--log-level", "warn"]);
  try {
    await waitForHealth(url, server);
    run(BIN("vitest"), ["run", "--config", "vitest.e2e.config.ts", ...report("e2e"), ...files], { env: { ...CHILD_ENV, KONTOR_URL: url } });
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    rmSync(state, { recursive: true, force: true });
  }
}
