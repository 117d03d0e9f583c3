// Worker, Durable Object and domain tests, inside workerd with real D1 and real Durable Objects.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

const here = (path: string) => join(import.meta.dirname, path);
// wrangler.toml serves web/build as assets; the worker tests do not need it built.
mkdirSync(here("./web/build"), { recursive: true });

export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      // Every binding of wrangler.toml's local environment, the DOCUMENTS R2 bucket included (local R2 in miniflare).
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // An empty D1 that setup.ts leaves alone: tests/worker/migrations.test.ts migrates it step by step.
        d1Databases: ["MIGRATION_SCRATCH"],
        bindings: {
          CONTROL_MIGRATIONS: await readD1Migrations(here("./migrations/control")),
          ENTITY_MIGRATIONS: await readD1Migrations(here("./migrations/entity")),
        },
      },
    })),
  ],
  // The web's pure modules (tests/domain/web-money.test.ts) import the Worker's as the web does.
  resolve: { alias: { $worker: here("./worker") } },
  test: {
    include: ["tests/worker/**/*.test.ts", "tests/domain/**/*.test.ts"],
    setupFiles: ["./tests/support/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
