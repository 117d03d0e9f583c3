// The fakes' own tests, in Node (the fakes are Node code: the workerd pool reaches them through its
// outbound service, see vitest.config.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/fakes/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
  },
});
