// Browser tests: playwright-core driving Debian's Chromium against a running, seeded server.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false, // two cores: one browser file at a time
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
