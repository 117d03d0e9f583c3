// `npm run db:generate -- --name add_invoices`: drizzle-kit writes the next migration of each schema
// (entity, control) that changed, as flat SQL numbered after the last one, plus its snapshot in meta/.
import { BIN, CHILD_ENV, run } from "./lib.ts";

for (const schema of ["entity", "control"]) {
  console.log(`[kontor] ${schema} schema`);
  run(BIN("drizzle-kit"), ["generate", "--config", "drizzle.config.ts", ...process.argv.slice(2)], { env: { ...CHILD_ENV, DRIZZLE_SCHEMA: schema } });
}
