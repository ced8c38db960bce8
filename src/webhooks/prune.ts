/**
 * Webhook history is kept for `WEBHOOK_HISTORY_DAYS`: the attempt log (what
 * `GET /v1/webhooks/endpoints/{id}/attempts` shows), then events with their deliveries (by
 * cascade) once no delivery of the event is pending. A pending delivery keeps its event however
 * old it is, so nothing still owed to an endpoint is dropped. Without this the outbox tables grow
 * with every change, toward D1's database size limit.
 */
import type { Deps } from "../deps";
import { deleteFinishedEvents, deleteOldAttempts } from "./repository";

export const WEBHOOK_HISTORY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows deleted per statement: a short write, so requests are not held up behind it. */
export const PRUNE_ROWS_PER_STATEMENT = 500;
/** Statements per table per sweep run; what is left waits for the next run (every 5 minutes). */
export const PRUNE_MAX_STATEMENTS = 10;

async function pruneInSteps(deleteStep: () => Promise<number>): Promise<number> {
  let deleted = 0;
  for (let step = 0; step < PRUNE_MAX_STATEMENTS; step++) {
    const n = await deleteStep();
    deleted += n;
    if (n < PRUNE_ROWS_PER_STATEMENT) break;
  }
  return deleted;
}

export async function pruneWebhookHistory(
  deps: Pick<Deps, "db" | "now">,
): Promise<{ attempts: number; events: number }> {
  const before = deps.now() - WEBHOOK_HISTORY_DAYS * DAY_MS;
  const attempts = await pruneInSteps(() =>
    deleteOldAttempts(deps.db, before, PRUNE_ROWS_PER_STATEMENT),
  );
  const events = await pruneInSteps(() =>
    deleteFinishedEvents(deps.db, before, PRUNE_ROWS_PER_STATEMENT),
  );
  return { attempts, events };
}
