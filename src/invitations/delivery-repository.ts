/**
 * Email delivery data access: the `delivery_*` columns of `invitations`, one intent-named function
 * per step of the pipeline. Each write is conditional on the link version and on the delivery
 * still being `queued`, so a stale or duplicated message can never overwrite a newer truth.
 *
 * `delivery_queued_at` is the time the delivery is next due: set to "now" when a message is put
 * on the queue, pushed into the future while a consumer holds the delivery (a claim) or while a
 * retry waits out its backoff. The sweep re-enqueues rows whose due time is long past.
 */
import { and, asc, eq, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { runBatch, type Statement } from "../db/batch";
import type { Database } from "../db/client";
import { type InvitationRow, invitations, memberships, organizations } from "../db/schema";

/** D1 binds at most 100 parameters per statement; leave room for the other bound values. */
const LOOKUP_CHUNK = 90;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An invitation with what its email shows: the organization's name and the inviter's address. */
export interface DeliveryContext {
  invitation: InvitationRow;
  organizationName: string;
  inviterEmail: string | null;
}

/** The invitations behind a batch of messages, by id (primary key, organization, membership). */
export async function loadDeliveryContexts(
  db: Database,
  invitationIds: readonly string[],
): Promise<Map<string, DeliveryContext>> {
  const rows: InvitationRow[] = [];
  for (const part of chunks([...new Set(invitationIds)], LOOKUP_CHUNK)) {
    rows.push(...(await db.select().from(invitations).where(inArray(invitations.id, part))));
  }
  const orgIds = [...new Set(rows.map((r) => r.organizationId))];
  const inviterIds = [...new Set(rows.flatMap((r) => (r.inviterId ? [r.inviterId] : [])))];

  const names = new Map<string, string>();
  for (const part of chunks(orgIds, LOOKUP_CHUNK)) {
    const orgs = await db
      .select({ id: organizations.id, name: organizations.name })
      .from(organizations)
      .where(inArray(organizations.id, part));
    for (const o of orgs) names.set(o.id, o.name);
  }

  // Served by the (organization_id, user_id) unique index.
  const inviters = new Map<string, string>();
  if (inviterIds.length > 0) {
    for (const orgPart of chunks(orgIds, LOOKUP_CHUNK / 2)) {
      for (const userPart of chunks(inviterIds, LOOKUP_CHUNK / 2)) {
        const found = await db
          .select({
            organizationId: memberships.organizationId,
            userId: memberships.userId,
            email: memberships.emailAddress,
          })
          .from(memberships)
          .where(
            and(
              inArray(memberships.organizationId, orgPart),
              inArray(memberships.userId, userPart),
            ),
          );
        for (const m of found) {
          if (m.email) inviters.set(`${m.organizationId}/${m.userId}`, m.email);
        }
      }
    }
  }

  const contexts = new Map<string, DeliveryContext>();
  for (const invitation of rows) {
    contexts.set(invitation.id, {
      invitation,
      organizationName: names.get(invitation.organizationId) ?? "",
      inviterEmail: invitation.inviterId
        ? (inviters.get(`${invitation.organizationId}/${invitation.inviterId}`) ?? null)
        : null,
    });
  }
  return contexts;
}

/** This delivery, at this link version, still waiting to be sent. */
const queuedDelivery = (invitationId: string, linkVersion: number) =>
  and(
    eq(invitations.id, invitationId),
    eq(invitations.linkVersion, linkVersion),
    eq(invitations.deliveryStatus, "queued"),
  );

export interface Claim {
  invitationId: string;
  linkVersion: number;
}

/**
 * Takes the deliveries this consumer is about to send: each one still queued at that version,
 * still pending and unexpired, and due (not held by another consumer, not waiting out a backoff).
 * The claim counts the attempt and holds the row until `leaseUntil`. Returns the ids claimed; a
 * row another consumer holds is not, so a message delivered twice at once is sent once.
 */
export async function claimDeliveries(
  db: Database,
  claims: readonly Claim[],
  now: number,
  dueTolerance: number,
  leaseUntil: number,
): Promise<Set<string>> {
  const [first, ...rest] = claims.map((c) =>
    db
      .update(invitations)
      .set({
        deliveryAttempts: sql`${invitations.deliveryAttempts} + 1`,
        deliveryQueuedAt: leaseUntil,
      })
      .where(
        and(
          queuedDelivery(c.invitationId, c.linkVersion),
          eq(invitations.status, "pending"),
          gt(invitations.expiresAt, now),
          or(
            isNull(invitations.deliveryQueuedAt),
            lte(invitations.deliveryQueuedAt, now + dueTolerance),
          ),
        ),
      )
      .returning({ id: invitations.id }),
  );
  if (!first) return new Set();
  const results = await db.batch([first, ...rest]);
  return new Set(results.flatMap((rows) => rows.map((r) => r.id)));
}

export type DeliveryRecord =
  | { kind: "sent"; invitationId: string; linkVersion: number }
  | { kind: "retry"; invitationId: string; linkVersion: number; error: string; dueAt: number }
  | { kind: "failed"; invitationId: string; linkVersion: number; error: string };

/** What each claimed delivery came to, written in one D1 batch. */
export async function recordDeliveries(
  db: Database,
  records: readonly DeliveryRecord[],
  now: number,
): Promise<void> {
  const statements: Statement[] = records.map((r) => {
    const where = queuedDelivery(r.invitationId, r.linkVersion);
    switch (r.kind) {
      case "sent":
        return db
          .update(invitations)
          .set({ deliveryStatus: "sent", deliverySentAt: now, deliveryLastError: null })
          .where(where);
      case "retry":
        return db
          .update(invitations)
          .set({ deliveryLastError: r.error, deliveryQueuedAt: r.dueAt })
          .where(where);
      default:
        return db
          .update(invitations)
          .set({ deliveryStatus: "failed", deliveryLastError: r.error })
          .where(where);
    }
  });
  await runBatch(db, statements);
}

/**
 * An email that will never be sent because its invitation stopped being pending (revoked,
 * accepted, declined, expired) while it waited: `skipped`, with the reason.
 */
export function skipDeliveryStatement(
  db: Database,
  invitationId: string,
  linkVersion: number,
  reason: string,
): Statement {
  return db
    .update(invitations)
    .set({ deliveryStatus: "skipped", deliveryLastError: reason })
    .where(queuedDelivery(invitationId, linkVersion));
}

/**
 * The dead-letter queue's verdict: retries are exhausted, so the delivery is `failed`, keeping the
 * last provider error (or saying that none was recorded). True when a row changed.
 */
export async function failDeadLetteredDelivery(
  db: Database,
  invitationId: string,
  linkVersion: number,
): Promise<boolean> {
  const changed = await db
    .update(invitations)
    .set({
      deliveryStatus: "failed",
      deliveryLastError: sql`coalesce(${invitations.deliveryLastError}, 'retries exhausted (dead-lettered) with no provider error recorded')`,
    })
    .where(queuedDelivery(invitationId, linkVersion))
    .returning({ id: invitations.id });
  return changed.length > 0;
}

export type StaleDelivery = Pick<InvitationRow, "id" | "linkVersion" | "status" | "expiresAt">;

/**
 * Queued deliveries due before `dueBefore`, oldest first: a range over the partial index
 * `invitations_delivery_queued`, so only queued rows are ever read.
 */
export const staleQueuedDeliveriesQuery = (db: Database, dueBefore: number, limit: number) =>
  db
    .select({
      id: invitations.id,
      linkVersion: invitations.linkVersion,
      status: invitations.status,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .where(
      and(eq(invitations.deliveryStatus, "queued"), lt(invitations.deliveryQueuedAt, dueBefore)),
    )
    .orderBy(asc(invitations.deliveryQueuedAt))
    .limit(limit);

export const findStaleQueuedDeliveries = (
  db: Database,
  dueBefore: number,
  limit: number,
): Promise<StaleDelivery[]> => staleQueuedDeliveriesQuery(db, dueBefore, limit);

/** Statement marking a queued delivery as put on the queue again now. */
export function requeueDeliveryStatement(
  db: Database,
  invitationId: string,
  linkVersion: number,
  now: number,
): Statement {
  return db
    .update(invitations)
    .set({ deliveryQueuedAt: now })
    .where(queuedDelivery(invitationId, linkVersion));
}

/**
 * Resend: a new link version (every older link stops working) and a fresh, queued delivery. Only
 * while the invitation is pending, unexpired and still at the version the caller saw. Returns the
 * updated row, or undefined when nothing matched.
 */
export async function reissueInvitationLink(
  db: Database,
  row: Pick<InvitationRow, "id" | "organizationId" | "linkVersion">,
  now: number,
): Promise<InvitationRow | undefined> {
  const [updated] = await db
    .update(invitations)
    .set({
      linkVersion: row.linkVersion + 1,
      deliveryStatus: "queued",
      deliveryAttempts: 0,
      deliveryLastError: null,
      deliverySentAt: null,
      deliveryQueuedAt: now,
      updatedAt: now,
    })
    .where(
      and(
        eq(invitations.organizationId, row.organizationId),
        eq(invitations.id, row.id),
        eq(invitations.linkVersion, row.linkVersion),
        eq(invitations.status, "pending"),
        gt(invitations.expiresAt, now),
      ),
    )
    .returning();
  return updated;
}
