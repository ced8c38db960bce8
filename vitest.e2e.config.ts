import { defineConfig } from "vitest/config";

// The browser tests (`npm run e2e`): plain Node, driving `wrangler dev` and Chromium from outside.
// One file at a time: each starts its own service and browser, and the machine has two cores.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
