/**
 * Wrangler, locally and offline: what `npm run dev` and the browser tests (`npm run e2e`) share.
 * The local D1 gets the migrations and the demo data (`scripts/demo-seed.sql`) before
 * `wrangler dev` starts.
 */
import { spawnSync } from "node:child_process";

/** No `Request.cf` fetch, no telemetry, no questions: wrangler runs with no network and no TTY. */
export const OFFLINE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  CI: process.env.CI ?? "1",
};

export interface WranglerStep {
  label: string;
  args: string[];
}

/** The steps that make a local D1 ready: migrations, then the demo organization. */
export function localDatabaseSteps(persistTo?: string): WranglerStep[] {
  const where = ["--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
  return [
    { label: "local D1 migrations applied", args: ["d1", "migrations", "apply", "DB", ...where] },
    {
      label: "demo organization seeded",
      args: ["d1", "execute", "DB", ...where, "--file", "scripts/demo-seed.sql"],
    },
  ];
}

/** Runs one wrangler step quietly; throws with wrangler's output when it fails. */
export function runWranglerStep(step: WranglerStep): void {
  const result = spawnSync("npx", ["wrangler", ...step.args], {
    encoding: "utf8",
    env: OFFLINE_ENV,
  });
  if (result.status !== 0) {
    throw new Error(
      `${step.label} failed (wrangler ${step.args.join(" ")}):\n${result.stdout}${result.stderr}`,
    );
  }
}
