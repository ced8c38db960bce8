/**
 * Getting recorded events onto the webhook queue. Events are written by triggers in the same
 * transaction as the change (the outbox); this turns them into deliveries (one per subscribed
 * endpoint) and enqueues those. It runs after every successful write request and from the
 * scheduled sweep, so an event whose request died, or whose queue send failed, is sent later:
 * nothing recorded is lost.
 */
import { runBatch } from "../db/batch";
import type { Deps } from "../deps";
import { fanOutEvents, requeueDeliveryStatement, stalePendingDeliveriesQuery } from "./repository";

/** Events fanned out per D1 batch: a bulk of 1,000 invitations takes ten. */
export const FAN_OUT_EVENTS_PER_BATCH = 100;
/** Batches per call; whatever is left waits for the next request or sweep. */
export const FAN_OUT_MAX_BATCHES = 20;
/**
 * A pending delivery this long past its due time is presumed lost (a failed queue send, a
 * consumer that died holding it). Longer than a healthy queue's backlog and a claim's lease.
 */
export const STALE_DELIVERY_AFTER_MS = 10 * 60 * 1000;
/** Deliveries requeued per sweep run. */
export const REQUEUE_LIMIT = 500;

type DispatchDeps = Pick<Deps, "db" | "now" | "webhooks">;

/** Fans out the events not yet fanned out and enqueues their deliveries. */
export async function dispatchWebhookEvents(
  deps: DispatchDeps,
): Promise<{ events: number; deliveries: number }> {
  let events = 0;
  let deliveries = 0;
  for (let batch = 0; batch < FAN_OUT_MAX_BATCHES; batch++) {
    const fanned = await fanOutEvents(deps.db, deps.now(), FAN_OUT_EVENTS_PER_BATCH);
    events += fanned.events;
    deliveries += fanned.deliveryIds.length;
    await deps.webhooks.enqueue(fanned.deliveryIds);
    if (fanned.events < FAN_OUT_EVENTS_PER_BATCH) break;
  }
  return { events, deliveries };
}

/**
 * The scheduled sweep: events no request fanned out (the expiry sweep's, or a request that
 * failed after its write), then deliveries whose queue message was lost.
 */
export async function sweepWebhooks(
  deps: DispatchDeps,
): Promise<{ events: number; deliveries: number; requeued: number }> {
  const dispatched = await dispatchWebhookEvents(deps);
  const now = deps.now();
  const stale = await stalePendingDeliveriesQuery(
    deps.db,
    now - STALE_DELIVERY_AFTER_MS,
    REQUEUE_LIMIT,
  );
  // Due time first, then the send: if the send fails again, the next sweep after the stale
  // window retries it.
  for (let i = 0; i < stale.length; i += 100) {
    await runBatch(
      deps.db,
      stale.slice(i, i + 100).map((d) => requeueDeliveryStatement(deps.db, d.id, now)),
    );
  }
  await deps.webhooks.enqueue(stale.map((d) => d.id));
  return { ...dispatched, requeued: stale.length };
}
