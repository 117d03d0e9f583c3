// Worker, Durable Object and domain tests, inside workerd with real D1 and real Durable Objects.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";
import { createXeroFake } from "./tests/fakes/xero/index.ts";

const here = (path: string) => join(import.meta.dirname, path);
// wrangler.toml serves web/build as assets; the worker tests do not need it built.
mkdirSync(here("./web/build"), { recursive: true });

// The Xero fake runs here, in Node; the Worker reaches it at XERO_TEST_URL through the pool's outbound
// service (every outbound fetch of the Worker and of the tests goes through it; nothing else is reachable).
export const XERO_TEST_URL = "http://xero.test";
const xero = createXeroFake();

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
          XERO_LOGIN_URL: XERO_TEST_URL,
          XERO_IDENTITY_URL: XERO_TEST_URL,
          XERO_API_URL: XERO_TEST_URL,
        },
        outboundService: (request) =>
          new URL(request.url).origin === XERO_TEST_URL ? xero.fetch(request as unknown as Request) : new Response(`no network in tests: ${request.url}`, { status: 502 }),
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
