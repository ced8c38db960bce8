/**
 * The scheduled sweep that makes "nothing is lost" true: a queue send can fail after the
 * invitation was written (the producer logs and carries on), and a consumer can die holding a
 * claim. Either way the delivery stays `queued` with a due time in the past; this puts it back on
 * the queue. A message that was merely slow is harmless to repeat: the consumer sends once.
 */
import { runBatch, type Statement } from "../db/batch";
import type { Deps } from "../deps";
import {
  findStaleQueuedDeliveries,
  requeueDeliveryStatement,
  skipDeliveryStatement,
} from "./delivery-repository";
import { effectiveStatus } from "./rules";

/**
 * A queued delivery this long past its due time is presumed lost. Longer than a healthy queue's
 * backlog and than a claim's lease, so live messages are rarely repeated.
 */
export const STALE_QUEUED_AFTER_MS = 10 * 60 * 1000;
/** Deliveries handled per run; the cron runs every few minutes, so a backlog drains over runs. */
export const SWEEP_LIMIT = 500;
/** Statements per D1 batch. */
const STATEMENTS_PER_BATCH = 100;

export async function requeueStaleDeliveries(
  deps: Deps,
): Promise<{ requeued: number; skipped: number }> {
  const now = deps.now();
  const stale = await findStaleQueuedDeliveries(deps.db, now - STALE_QUEUED_AFTER_MS, SWEEP_LIMIT);
  const statements: Statement[] = [];
  const requeue = [];
  for (const row of stale) {
    const status = effectiveStatus(row, now);
    if (status === "pending") {
      statements.push(requeueDeliveryStatement(deps.db, row.id, row.linkVersion, now));
      requeue.push({ invitationId: row.id, linkVersion: row.linkVersion });
    } else {
      // No email will ever go out for it; say so instead of sweeping it again every run.
      const reason = `invitation is ${status}; email not sent`;
      statements.push(skipDeliveryStatement(deps.db, row.id, row.linkVersion, reason));
    }
  }
  // Due time first, then the send: if the send fails again, the next sweep after the stale
  // window retries it, instead of every run piling up messages.
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    await runBatch(deps.db, statements.slice(i, i + STATEMENTS_PER_BATCH));
  }
  await deps.emails.enqueue(requeue);
  return { requeued: requeue.length, skipped: stale.length - requeue.length };
}
