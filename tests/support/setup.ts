// Migrations applied to the control plane and to every entity database, then the demo data.
import { applyD1Migrations, env } from "cloudflare:test";
import { seedDemo, DEMO_ENTITIES } from "../../worker/seed.ts";

await applyD1Migrations(env.CONTROL, env.CONTROL_MIGRATIONS);
for (const entity of DEMO_ENTITIES) {
  await applyD1Migrations(env[entity.binding] as D1Database, env.ENTITY_MIGRATIONS);
}
await seedDemo(env as unknown as Record<string, unknown>, "local");
