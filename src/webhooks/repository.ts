/**
 * Webhook data access: endpoints, the event outbox, deliveries and the attempt log. One
 * intent-named function per step; every list and count is served by an index.
 */
import {
  and,
  asc,
  count,
  desc,
  eq,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  notExists,
  sql,
} from "drizzle-orm";
import type { Statement } from "../db/batch";
import type { Database } from "../db/client";
import { bindRead } from "../db/prepared";
import {
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  type WebhookEventRow,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
} from "../db/schema";

/** D1 binds at most 100 parameters per statement. */
const LOOKUP_CHUNK = 90;

/**
 * Whether any webhook endpoint exists, bound: the event triggers record nothing without one, so
 * a write that read this first knows whether it can have left events to dispatch.
 */
export const anyEndpointRead = (db: Database) =>
  bindRead(
    db,
    "webhookEndpoints.any",
    () => db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).limit(1).prepare(),
    {},
  );

export const insertEndpoint = (db: Database, row: WebhookEndpointRow) =>
  db.insert(webhookEndpoints).values(row);

export async function countEndpoints(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookEndpoints);
  return row?.n ?? 0;
}

/** Newest first, by the `(created_at, id)` index. */
export async function listEndpointsPage(db: Database, limit: number, offset: number) {
  const [rows, total] = await db.batch([
    db
      .select()
      .from(webhookEndpoints)
      .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
      .limit(limit)
      .offset(offset),
    db.select({ n: count() }).from(webhookEndpoints),
  ]);
  return { rows, totalCount: total[0]?.n ?? 0 };
}

export const findEndpoint = (db: Database, id: string) =>
  db.query.webhookEndpoints.findFirst({ where: eq(webhookEndpoints.id, id) });

/** Deletes the endpoint; its deliveries and attempts go with it (cascade). */
export async function deleteEndpoint(
  db: Database,
  id: string,
): Promise<WebhookEndpointRow | undefined> {
  const [deleted] = await db
    .delete(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return deleted;
}

export async function replaceEndpointSecret(
  db: Database,
  id: string,
  secretCiphertext: string,
  now: number,
): Promise<WebhookEndpointRow | undefined> {
  const [updated] = await db
    .update(webhookEndpoints)
    .set({ secretCiphertext, updatedAt: now })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return updated;
}

/** One endpoint's attempts, newest first, by the `(endpoint_id, created_at, id)` index. */
export async function listAttemptsPage(
  db: Database,
  endpointId: string,
  limit: number,
  offset: number,
): Promise<{ rows: WebhookAttemptRow[]; totalCount: number }> {
  const [rows, total] = await db.batch([
    db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.endpointId, endpointId))
      .orderBy(desc(webhookAttempts.createdAt), desc(webhookAttempts.id))
      .limit(limit)
      .offset(offset),
    db
      .select({ n: count() })
      .from(webhookAttempts)
      .where(eq(webhookAttempts.endpointId, endpointId)),
  ]);
  return { rows, totalCount: total[0]?.n ?? 0 };
}

/** The oldest events not yet fanned out, through the partial index `webhook_events_unfanned`. */
const unfannedEventIds = (db: Database, limit: number) =>
  db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(isNull(webhookEvents.fannedOutAt))
    .orderBy(asc(webhookEvents.occurredAt), asc(webhookEvents.id))
    .limit(limit);

/**
 * Fans out up to `limit` events: one `pending` delivery per event and endpoint subscribed to its
 * type (endpoints created after the event do not get it), and the events marked fanned out. Both
 * statements are one transaction and select the same events, so two dispatchers running at once
 * never fan out an event twice (and the unique `(event_id, endpoint_id)` index would refuse it).
 * Returns the new deliveries' ids and how many events were fanned out.
 */
export async function fanOutEvents(
  db: Database,
  now: number,
  limit: number,
): Promise<{ deliveryIds: string[]; events: number }> {
  const insert = db
    .insert(webhookDeliveries)
    .select(
      db
        .select({
          id: sql<string>`'whdel_' || lower(hex(randomblob(12)))`.as("id"),
          eventId: sql<string>`${webhookEvents.id}`.as("event_id"),
          endpointId: sql<string>`${webhookEndpoints.id}`.as("endpoint_id"),
          status: sql<string>`'pending'`.as("status"),
          attempts: sql<number>`0`.as("attempts"),
          dueAt: sql<number>`${now}`.as("due_at"),
          createdAt: sql<number>`${now}`.as("created_at"),
          updatedAt: sql<number>`${now}`.as("updated_at"),
        })
        .from(webhookEvents)
        .innerJoin(
          webhookEndpoints,
          and(
            lte(webhookEndpoints.createdAt, webhookEvents.occurredAt),
            sql`exists (select 1 from json_each(${webhookEndpoints.events}) where json_each.value = ${webhookEvents.type})`,
          ),
        )
        .where(inArray(webhookEvents.id, unfannedEventIds(db, limit))),
    )
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id });
  const mark = db
    .update(webhookEvents)
    .set({ fannedOutAt: now })
    .where(inArray(webhookEvents.id, unfannedEventIds(db, limit)))
    .returning({ id: webhookEvents.id });
  const [inserted, marked] = await db.batch([insert, mark]);
  return { deliveryIds: inserted.map((r) => r.id), events: marked.length };
}

/**
 * Pending deliveries due before `dueBefore`, oldest first: a range over the partial index
 * `webhook_deliveries_pending_due`, so only pending rows are read.
 */
export const stalePendingDeliveriesQuery = (db: Database, dueBefore: number, limit: number) =>
  db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), lt(webhookDeliveries.dueAt, dueBefore)))
    .orderBy(asc(webhookDeliveries.dueAt))
    .limit(limit);

/** Statement marking a pending delivery as put on the queue again now. */
export const requeueDeliveryStatement = (db: Database, id: string, now: number): Statement =>
  db
    .update(webhookDeliveries)
    .set({ dueAt: now, updatedAt: now })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")));

export interface DeliveryContext {
  delivery: WebhookDeliveryRow;
  event: WebhookEventRow;
  endpoint: WebhookEndpointRow;
}

/** The deliveries behind a batch of messages, with their event and endpoint (primary keys). */
export async function loadDeliveryContexts(
  db: Database,
  deliveryIds: readonly string[],
): Promise<Map<string, DeliveryContext>> {
  const ids = [...new Set(deliveryIds)];
  const out = new Map<string, DeliveryContext>();
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .select({ delivery: webhookDeliveries, event: webhookEvents, endpoint: webhookEndpoints })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(inArray(webhookDeliveries.id, ids.slice(i, i + LOOKUP_CHUNK)));
    for (const row of rows) out.set(row.delivery.id, row);
  }
  return out;
}

/**
 * Takes a delivery this consumer is about to attempt: still pending and due (not held by another
 * consumer, not waiting out a backoff). Counts the attempt and holds the row until `leaseUntil`.
 * Returns the attempt number, or undefined when another consumer has it or it is not due.
 */
export async function claimDelivery(
  db: Database,
  id: string,
  dueBy: number,
  leaseUntil: number,
): Promise<number | undefined> {
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, dueAt: leaseUntil })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.dueAt, dueBy),
      ),
    )
    .returning({ attempts: webhookDeliveries.attempts });
  return claimed?.attempts;
}

export type AttemptOutcome = "succeeded" | "retry" | "failed";

/** The attempt's log row and the delivery's new state, in one transaction. */
export async function recordAttempt(
  db: Database,
  attempt: WebhookAttemptRow,
  outcome: AttemptOutcome,
  now: number,
): Promise<void> {
  const delivery = db
    .update(webhookDeliveries)
    .set(
      outcome === "retry"
        ? { dueAt: attempt.nextRetryAt ?? now, updatedAt: now }
        : { status: outcome, updatedAt: now },
    )
    .where(
      and(eq(webhookDeliveries.id, attempt.deliveryId), eq(webhookDeliveries.status, "pending")),
    );
  await db.batch([db.insert(webhookAttempts).values(attempt), delivery]);
}

/** The dead-letter queue's verdict: retries are exhausted. True when the delivery changed. */
export async function failDelivery(db: Database, id: string, now: number): Promise<boolean> {
  const changed = await db
    .update(webhookDeliveries)
    .set({ status: "failed", updatedAt: now })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")))
    .returning({ id: webhookDeliveries.id });
  return changed.length > 0;
}

/** The oldest attempts logged before `before`, at most `limit`: through `webhook_attempts_created`. */
export const oldAttemptIds = (db: Database, before: number, limit: number) =>
  db
    .select({ id: webhookAttempts.id })
    .from(webhookAttempts)
    .where(lt(webhookAttempts.createdAt, before))
    .orderBy(asc(webhookAttempts.createdAt))
    .limit(limit);

/** Deletes up to `limit` of the attempts logged before `before`; how many it deleted. */
export async function deleteOldAttempts(db: Database, before: number, limit: number) {
  const deleted = await db
    .delete(webhookAttempts)
    .where(inArray(webhookAttempts.id, oldAttemptIds(db, before, limit)))
    .returning({ id: webhookAttempts.id });
  return deleted.length;
}

/**
 * The oldest events that occurred before `before`, were fanned out, and owe no endpoint anything
 * (no pending delivery), at most `limit`: through `webhook_events_fanned`.
 */
export const finishedEventIds = (db: Database, before: number, limit: number) =>
  db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(
      and(
        isNotNull(webhookEvents.fannedOutAt),
        lt(webhookEvents.occurredAt, before),
        notExists(
          db
            .select({ id: webhookDeliveries.id })
            .from(webhookDeliveries)
            .where(
              and(
                eq(webhookDeliveries.eventId, webhookEvents.id),
                eq(webhookDeliveries.status, "pending"),
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(webhookEvents.occurredAt))
    .limit(limit);

/** Deletes up to `limit` finished events, and their deliveries by cascade; how many events. */
export async function deleteFinishedEvents(db: Database, before: number, limit: number) {
  const deleted = await db
    .delete(webhookEvents)
    .where(inArray(webhookEvents.id, finishedEventIds(db, before, limit)))
    .returning({ id: webhookEvents.id });
  return deleted.length;
}
