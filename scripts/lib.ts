// Shared by the dev, test, bench and provisioning scripts (Node 24).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { splitStatements, type Migration } from "../worker/db/migrate.ts";

export const ROOT = join(import.meta.dirname, "..");
export const BIN = (name: string) => join(ROOT, "node_modules/.bin", name);
export const CHILD_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}` };

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(command, args, { cwd: options.cwd ?? ROOT, stdio: "inherit", env: options.env ?? CHILD_ENV });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
}

export function readMigrations(dir: "control" | "entity"): Migration[] {
  const path = join(ROOT, "migrations", dir);
  return readdirSync(path)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, queries: splitStatements(readFileSync(join(path, name), "utf8")) }));
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "build" || entry === ".svelte-kit") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Build the SPA when its sources (or the Worker code it shares: protocol, API types, domain) are newer than the last build. */
export function buildWeb(force = false) {
  const index = join(ROOT, "web/build/index.html");
  const sources = Math.max(newestMtime(join(ROOT, "web")), newestMtime(join(ROOT, "party/protocol.ts")), newestMtime(join(ROOT, "worker")));
  if (force || !existsSync(index) || statSync(index).mtimeMs < sources) {
    console.log("[kontor] building the web app");
    run(BIN("vite"), ["build", "web", "--logLevel", "warn"]);
    externalizeBootScript(index);
  }
  // The API docs renderer ships in an npm package and is served as a static asset (no CDN).
  const docs = join(ROOT, "web/build/_docs");
  mkdirSync(docs, { recursive: true });
  for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) {
    cpSync(join(ROOT, "node_modules/swagger-ui-dist", file), join(docs, file));
  }
  // Its start-up line lives in a file too: the docs page's CSP allows no inline script.
  writeFileSync(join(docs, "init.js"), 'window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#docs" });\n');
}

/**
 * SvelteKit's SPA page starts the app from an inline <script>; the Content-Security-Policy
 * (web/static/_headers) allows scripts from this origin only. Move it to a file of its own, named by
 * its content, as a classic script in the same place (it reads document.currentScript).
 */
export function externalizeBootScript(index: string) {
  const html = readFileSync(index, "utf8");
  const inline = /<script>([\s\S]*?)<\/script>/g;
  const scripts = [...html.matchAll(inline)];
  if (scripts.length === 0) return;
  let out = html;
  for (const [tag, body] of scripts) {
    const name = `boot.${createHash("sha256").update(body).digest("hex").slice(0, 12)}.js`;
    writeFileSync(join(ROOT, "web/build/_app/immutable", name), body);
    out = out.replace(tag, `<script src="/_app/immutable/${name}"></script>`);
  }
  writeFileSync(index, out);
}

/** Local D1 state lives where `wrangler dev` keeps it, unless a run asks for its own folder. */
export async function withLocalBindings<T>(persistTo: string | undefined, fn: (env: Record<string, unknown>) => Promise<T>, environment?: string): Promise<T> {
  const { getPlatformProxy } = await import("wrangler");
  const proxy = await getPlatformProxy({
    configPath: join(ROOT, "wrangler.toml"),
    environment,
    persist: persistTo ? { path: join(persistTo, "v3") } : true, // wrangler dev --persist-to X keeps state in X/v3
  });
  try {
    return await fn(proxy.env as Record<string, unknown>);
  } finally {
    await proxy.dispose();
  }
}

export async function waitForHealth(url: string, child: ChildProcess | null, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs / 1000}s`);
}

export function startWrangler(port: number, persistTo: string | undefined, extra: string[] = []): ChildProcess {
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", ...extra];
  if (persistTo) args.push("--persist-to", persistTo);
  return spawn(BIN("wrangler"), args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env: CHILD_ENV });
}

/** `wrangler dev` flags pointing the Worker's Xero URLs at a fake (the local defaults name port 8790). */
export function xeroVars(url: string): string[] {
  return ["XERO_LOGIN_URL", "XERO_IDENTITY_URL", "XERO_API_URL"].flatMap((name) => ["--var", `${name}:${url}`]);
}
