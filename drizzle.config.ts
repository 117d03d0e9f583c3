// drizzle-kit config for one of the two schemas: DRIZZLE_SCHEMA=entity (default) or control.
// `npm run db:generate` runs both (scripts/db-generate.ts); see docs/decisions.md "Migrations from drizzle-kit".
import { defineConfig } from "drizzle-kit";

const which = process.env.DRIZZLE_SCHEMA === "control" ? "control" : "entity";

export default defineConfig({
  dialect: "sqlite",
  schema: `./worker/db/schema/${which}.ts`,
  // DRIZZLE_OUT lets the baseline check generate into a scratch folder.
  out: process.env.DRIZZLE_OUT ?? `./migrations/${which}`,
  // 0001_name.sql, numbered after the last journal entry, like the hand-written ones.
  migrations: { prefix: "index" },
  breakpoints: true,
  strict: true,
  verbose: true,
});
