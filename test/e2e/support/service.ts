/**
 * The service under test, as a developer runs it: `wrangler dev` (workerd, local D1, local
 * queues) on a free port, with a fresh `--persist-to` directory holding the migrated database and
 * the demo data, the outbox email transport and the development-only routes switched on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  localDatabaseSteps,
  OFFLINE_ENV,
  runWranglerStep,
} from "../../../scripts/local-wrangler.ts";

/** Secrets for this throwaway instance only; passed as `--var` so no `.dev.vars` is needed. */
export const E2E_SECRETS = {
  SECRET_KEY: "sk_test_e2e_0123456789abcdef0123456789abcdef",
  SESSION_JWT_SECRET: "e2e-session-secret-0123456789abcdef0123456789",
  TICKET_SECRET: "e2e-ticket-secret-0123456789abcdef0123456789ab",
} as const;

const READY_TIMEOUT_MS = 90_000;
const READY_POLL_MS = 250;
/** Wrangler's output is kept (the tail of it) to explain a start that failed. */
const OUTPUT_KEPT_CHARS = 20_000;

export interface Service {
  origin: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

export async function startService(): Promise<Service> {
  const persistTo = mkdtempSync(path.join(tmpdir(), "org-invitations-e2e-"));
  for (const step of localDatabaseSteps(persistTo)) runWranglerStep(step);

  const [port, inspectorPort] = [await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${port}`;
  const vars: Record<string, string> = {
    ...E2E_SECRETS,
    ENVIRONMENT: "development",
    EMAIL_TRANSPORT: "outbox",
    PUBLIC_URL: origin,
    SIGN_IN_URL: `${origin}/dev/login`,
  };
  const args = [
    "wrangler",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
  ];
  // Its own process group, so stopping it ends workerd too, and nothing else.
  const child = spawn("npx", args, {
    env: OFFLINE_ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  const stop = async () => {
    await stopGroup(child);
    rmSync(persistTo, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(origin, child);
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : err}\nwrangler output:\n${output}`);
  }
  return { origin, stop };
}

async function waitUntilReady(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${origin}/readyz`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`wrangler dev was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return; // Already gone.
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}
