// `npm run entity:add -- --slug acme-fr --name "Acme SAS" --country FR --currency EUR [--env sandbox]`
// Provisions an entity end to end: its D1 database, its binding in wrangler.toml for that environment,
// the entity migrations, and its row in that environment's control plane (DESIGN.md §2).
import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyMigrations } from "../worker/db/migrate.ts";
import { isCountry } from "../worker/domain/geo.ts";
import { isCurrency } from "../worker/domain/money.ts";
import { BIN, CHILD_ENV, readMigrations, ROOT, withLocalBindings } from "./lib.ts";

const { values } = parseArgs({
  options: {
    slug: { type: "string" },
    name: { type: "string" },
    "legal-name": { type: "string" },
    country: { type: "string" },
    currency: { type: "string" },
    timezone: { type: "string", default: "UTC" },
    env: { type: "string", default: "local" },
    admin: { type: "string", multiple: true },
  },
});

function fail(message: string): never {
  console.error(`entity:add: ${message}`);
  process.exit(2);
}

const slug = values.slug ?? fail("--slug is required (lower-case letters, digits and dashes)");
if (!/^[a-z][a-z0-9-]{1,40}$/.test(slug)) fail(`--slug '${slug}' must be lower-case letters, digits and dashes`);
// The web app's own top-level routes share the URL space with entity slugs (/<slug>/customers).
const RESERVED = ["sign-in", "sign-out", "q", "api", "parties", "app", "docs", "static", "login", "logout", "settings"];
if (RESERVED.includes(slug)) fail(`--slug '${slug}' is reserved by the web app's routes`);
const name = values.name ?? fail("--name is required");
const country = values.country ?? fail("--country is required (ISO 3166-1 alpha-2)");
if (!isCountry(country)) fail(`--country '${country}' is not an ISO 3166-1 alpha-2 code`);
const currency = values.currency ?? fail("--currency is required (ISO 4217)");
if (!isCurrency(currency)) fail(`--currency '${currency}' is not an ISO 4217 code`);
const environment = values.env!;
if (!["local", "sandbox", "production"].includes(environment)) fail("--env must be local, sandbox or production");
const timezone = values.timezone!;
try {
  new Intl.DateTimeFormat("en", { timeZone: timezone });
} catch {
  fail(`--timezone '${timezone}' is not an IANA time zone`);
}

const binding = `ENTITY_${slug.toUpperCase().replace(/-/g, "_")}`;
const databaseName = `kontor-${environment}-${slug}`;
const entityId = `ent_${slug.replace(/-/g, "_")}`;
const tomlPath = join(ROOT, "wrangler.toml");
const toml = readFileSync(tomlPath, "utf8");
if (toml.includes(`binding = "${binding}"`) && new RegExp(`entities:${environment}:begin[\\s\\S]*binding = "${binding}"[\\s\\S]*entities:${environment}:end`).test(toml)) {
  fail(`${binding} is already bound in the ${environment} environment`);
}

function wrangler(args: string[]): string {
  const result = spawnSync(BIN("wrangler"), [...args, ...(environment === "local" ? [] : ["--env", environment])], {
    cwd: ROOT,
    env: CHILD_ENV,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    fail(`wrangler ${args.join(" ")} failed (exit ${result.status}).\n${result.stderr || result.stdout}\n` +
      "Remote environments need network access and `wrangler login` (or CLOUDFLARE_API_TOKEN).");
  }
  return result.stdout;
}

let databaseId: string = randomUUID();
if (environment !== "local") {
  console.log(`creating D1 database ${databaseName} ...`);
  const out = wrangler(["d1", "create", databaseName]);
  databaseId = /database_id\s*=\s*"([^"]+)"/.exec(out)?.[1] ?? /"database_id":\s*"([^"]+)"/.exec(out)?.[1] ?? fail(`could not read database_id from:\n${out}`);
}

const block = [
  environment === "local" ? "[[d1_databases]]" : `[[env.${environment}.d1_databases]]`,
  `binding = "${binding}"`,
  `database_name = "${databaseName}"`,
  `database_id = "${databaseId}"`,
  `migrations_dir = "migrations/entity"`,
  "",
].join("\n");
const endMarker = `# entities:${environment}:end`;
if (!toml.includes(endMarker)) fail(`wrangler.toml has no '${endMarker}' marker`);
writeFileSync(tomlPath, toml.replace(endMarker, `${block}${endMarker}`));
console.log(`bound ${binding} -> ${databaseName} in wrangler.toml (${environment})`);

const now = new Date().toISOString();
const register = `INSERT INTO entities (id, slug, name, legal_name, country, currency, timezone, binding, environment, status, created_at) VALUES ('${entityId}', '${slug}', '${name.replace(/'/g, "''")}', '${(values["legal-name"] ?? name).replace(/'/g, "''")}', '${country}', '${currency}', '${timezone}', '${binding}', '${environment}', 'ACTIVE', '${now}')`;

if (environment === "local") {
  await withLocalBindings(undefined, async (env) => {
    await applyMigrations(env.CONTROL as D1Database, readMigrations("control"));
    await applyMigrations(env[binding] as D1Database, readMigrations("entity"));
    const control = env.CONTROL as D1Database;
    await control.prepare(register).run();
    for (const email of values.admin ?? ["admin@acme.test"]) {
      const user = await control.prepare("SELECT id FROM users WHERE email = ?").bind(email).first<{ id: string }>();
      if (!user) {
        console.warn(`no user ${email} in the local control plane; no membership added`);
        continue;
      }
      await control
        .prepare("INSERT OR IGNORE INTO memberships (user_id, entity_id, roles, created_at) VALUES (?, ?, '[\"admin\"]', ?)")
        .bind(user.id, entityId, now)
        .run();
      console.log(`${email} is admin of ${slug}`);
    }
  });
  console.log(`entity ${slug} (${entityId}) is ready locally; restart \`npm start\` to serve it`);
} else {
  wrangler(["d1", "migrations", "apply", databaseName, "--remote"]);
  wrangler(["d1", "execute", "CONTROL", "--remote", "--command", register]);
  console.log(`entity ${slug} (${entityId}) registered in ${environment}; deploy with \`npm run deploy -- --env ${environment}\``);
}
