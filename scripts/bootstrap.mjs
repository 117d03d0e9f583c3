// Plain JavaScript on purpose: on a fresh clone `npm start` / `npm test` run under the machine's
// Node (20 here). This installs what is missing, then hands over to Node 24 from node_modules.
import { spawnSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

function installed() {
  return ["node", "wrangler", "vitest", "vite"].every((name) => existsSync(bin(name)));
}

export function ensureDependencies() {
  if (installed()) return;
  const command = existsSync(`${root}package-lock.json`) ? "ci" : "install";
  for (let attempt = 1; attempt <= 2; attempt++) {
    console.log(`[kontor] installing dependencies (npm ${command}, attempt ${attempt})`);
    const result = spawnSync("npm", [command, "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
    if (result.status === 0 && installed()) return;
  }
  console.error("[kontor] npm could not install the dependencies");
  process.exit(1);
}

/** Run a TypeScript script under Node 24 (type stripping), forwarding args and exit code. */
export function runWithNode24(script, args = []) {
  const child = spawn(bin("node"), [`${root}${script}`, ...args], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", PATH: `${root}node_modules/.bin:${process.env.PATH}` },
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
