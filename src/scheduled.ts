/**
 * The Cron Trigger's work: each sweep is independent, so one failing does not stop the others.
 */
import { readConfig } from "./config";
import { buildDeps, type Deps } from "./deps";
import { log } from "./http/log";
import { requeueStaleDeliveries } from "./invitations/delivery-sweep";
import { expireLapsedInvitations } from "./invitations/expire";
import { sweepWebhooks } from "./webhooks/dispatch";
import { pruneWebhookHistory } from "./webhooks/prune";

type Sweep = { name: string; run: (deps: Deps) => Promise<unknown> };

/** Every periodic job, in the order they run. */
export const SWEEPS: Sweep[] = [
  { name: "expire-invitations", run: (deps) => expireLapsedInvitations(deps) },
  { name: "requeue-stale-emails", run: (deps) => requeueStaleDeliveries(deps) },
  // After the expiry sweep, so the events it recorded go out in the same run.
  { name: "dispatch-webhooks", run: (deps) => sweepWebhooks(deps) },
  { name: "prune-webhook-history", run: (deps) => pruneWebhookHistory(deps) },
];

export async function runSweeps(deps: Deps, sweeps: readonly Sweep[] = SWEEPS): Promise<void> {
  for (const sweep of sweeps) {
    try {
      const result = await sweep.run(deps);
      log.info("sweep done", { sweep: sweep.name, result });
    } catch (err) {
      log.error("sweep failed", {
        sweep: sweep.name,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
  }
}

export async function handleScheduled(
  _controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  await runSweeps(buildDeps(env, readConfig(env)));
}
