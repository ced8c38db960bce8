import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_VARS } from "./test/support/vars.ts";

// Tests run inside workerd with the real bindings from wrangler.toml (D1, Queues, rate limits).
// Vars are set here, not read from `.dev.vars`, so a fresh clone tests exactly what CI tests.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { ...TEST_VARS, TEST_MIGRATIONS: migrations },
          // Every test request comes from one address ("local"); a roomier per-address limit
          // keeps the suite's many accept calls from tripping it. The rate-limit tests spend it.
          ratelimits: {
            ACCEPT_LIMITER: { namespace_id: "1003", simple: { limit: 1000, period: 60 } },
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**"],
      setupFiles: ["./test/support/apply-migrations.ts"],
      testTimeout: 30_000,
      // The worker logs every request; show that only for tests that fail.
      silent: "passed-only" as const,
    },
  };
});
