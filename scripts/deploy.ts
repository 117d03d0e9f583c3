// `npm run deploy -- --env sandbox|production`: builds the web app and deploys that environment's Worker.
// Without network (or with --dry-run) it stops at wrangler's dry run: the bundle is built and checked.
import { parseArgs } from "node:util";
import { BIN, buildWeb, run } from "./lib.ts";

const { values } = parseArgs({ options: { env: { type: "string" }, "dry-run": { type: "boolean", default: false } } });
const environment = values.env;
if (environment !== "sandbox" && environment !== "production") {
  console.error("deploy: --env sandbox or --env production (local is `npm start`)");
  process.exit(2);
}
buildWeb(true);
const dryRun = values["dry-run"] || process.env.KONTOR_DEPLOY !== "1";
run(BIN("wrangler"), ["deploy", "--env", environment, ...(dryRun ? ["--dry-run", "--outdir", ".wrangler/deploy"] : [])]);
console.log(dryRun
  ? `deploy: dry run of ${environment} done (set KONTOR_DEPLOY=1 to deploy for real, with network and credentials)`
  : `deploy: ${environment} deployed`);
