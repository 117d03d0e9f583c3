// `npm run bench`: every benchmark prints ratios against a floor measured in the same run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { BIN, buildWeb, CHILD_ENV, ROOT, run, waitForHealth, xeroVars } from "./lib.ts";
import { prepareLocal } from "./prepare-local.ts";
import { benchHttp } from "../bench/http.bench.ts";
import { benchLive } from "../bench/live.bench.ts";
import { benchCoedit } from "../bench/coedit.bench.ts";
import { benchCoeditClients } from "../bench/coedit-clients.bench.ts";
import { benchQuotes } from "../bench/quotes.bench.ts";
import { benchApprovals } from "../bench/approvals.bench.ts";
import { benchFinalize } from "../bench/finalize.bench.ts";
import { benchBillingRun } from "../bench/billing-run.bench.ts";
import { benchXeroSync } from "../bench/xero-sync.bench.ts";
import { serveXeroFake } from "../tests/fakes/xero/server.ts";

const only = process.argv[2];

if (!only || only === "pricing") run(BIN("node"), [join(ROOT, "bench/pricing.bench.ts")]);

if (!only || only === "http" || only === "live" || only === "coedit" || only === "quotes" || only === "approvals" || only === "finalize" || only === "billing-run" || only === "xero-sync") {
  buildWeb();
  // The bench Worker: wrangler.toml with the bench entry point and the bare fan-out object added.
  const config = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
    .replace('main = "worker/index.ts"', 'main = "bench/bench-worker.ts"')
    .replace('run_worker_first = ["/api/*", "/parties/*"]', 'run_worker_first = ["/api/*", "/parties/*", "/__bare/*", "/__bench/*"]')
    .replace(
      '[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["EntityRoom"]',
      '[[durable_objects.bindings]]\nname = "BareFanout"\nclass_name = "BareFanout"\n\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["EntityRoom", "BareFanout"]',
    );
  writeFileSync(join(ROOT, "wrangler.bench.toml"), config);
  const state = mkdtempSync(join(tmpdir(), "kontor-bench-"));
  const port = 8900 + Math.floor(Math.random() * 90);
  const url = `http://127.0.0.1:${port}`;
  await prepareLocal(state);
  // The Xero fake, in this process (the Worker's XERO_*_URL vars point at it; the xero-sync bench reads its state).
  const xero = await serveXeroFake(0);
  const server = spawn(BIN("wrangler"), ["dev", "-c", "wrangler.bench.toml", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", state, "--log-level", process.env.BENCH_LOG ?? "error", "--show-interactive-dev-session=false", ...(process.env.BENCH_INSPECT ? ["--inspector-port", process.env.BENCH_INSPECT] : []), ...xeroVars(xero.url)], {
    cwd: ROOT,
    stdio: ["ignore", process.env.BENCH_LOG ? "inherit" : "ignore", "inherit"],
    env: CHILD_ENV,
  });
  try {
    await waitForHealth(url, server);
    const signIn = await fetch(`${url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url },
      body: JSON.stringify({ email: "admin@acme.test", password: "kontor-demo-password" }),
    });
    const cookie = /kontor_session=[^;]+/.exec(signIn.headers.get("set-cookie") ?? "")![0];
    const customer = await fetch(`${url}/api/v1/entities/acme-us/customers`, {
      method: "POST",
      headers: { cookie, origin: url, "content-type": "application/json" },
      body: JSON.stringify({ legalName: "Bench Co", email: "bench@bench.test", country: "US" }),
    });
    const { id } = (await customer.json()) as { id: string };
    if (!only || only === "http") await benchHttp(url, cookie, id);
    if (!only || only === "live") await benchLive(url, cookie);
    if (!only || only === "quotes") await benchQuotes(url, cookie, id);
    if (!only || only === "approvals") await benchApprovals(url, cookie, id);
    if (!only || only === "finalize") await benchFinalize(url, cookie, id);
    if (!only || only === "billing-run") await benchBillingRun(url, cookie);
    if (!only || only === "xero-sync") await benchXeroSync(url, cookie, xero);
    if (!only || only === "coedit") {
      await benchCoeditClients(url, cookie);
      await benchCoedit(url, cookie);
    }
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await new Promise((resolve) => xero.server.close(resolve));
    rmSync(state, { recursive: true, force: true });
    rmSync(join(ROOT, "wrangler.bench.toml"), { force: true });
  }
}
