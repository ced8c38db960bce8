import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Runs before each test file; storage is isolated per file, and applying twice is a no-op.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
