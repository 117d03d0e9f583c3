// Apply control-plane and entity migrations to the local D1 databases and seed the demo data.
import { applyMigrations } from "../worker/db/migrate.ts";
import { seedDemo } from "../worker/seed.ts";
import { readMigrations, withLocalBindings } from "./lib.ts";

export async function prepareLocal(persistTo?: string) {
  const control = readMigrations("control");
  const entity = readMigrations("entity");
  await withLocalBindings(persistTo, async (env) => {
    await applyMigrations(env.CONTROL as D1Database, control);
    for (const [binding, db] of Object.entries(env)) {
      if (binding.startsWith("ENTITY_")) await applyMigrations(db as D1Database, entity);
    }
    await seedDemo(env, "local");
  });
}

if (import.meta.main) await prepareLocal(process.argv[2]);
