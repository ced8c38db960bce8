/**
 * Data access for the invitee's side: finding an invitation by id or ticket, the invitee's own
 * list, and the accept and decline writes. Each write is guarded by the same "still pending and
 * unexpired" predicate in SQL, so a decision made on a stale read can never take effect.
 */
import { and, count, desc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { InvitationStatus } from "../contract/roles";
import type { Database } from "../db/client";
import {
  type InvitationRow,
  invitations,
  type MembershipRow,
  memberships,
  type OrganizationRow,
  organizations,
} from "../db/schema";
import { effectiveStatusIn } from "./queries";

export interface InvitationWithOrganization {
  invitation: InvitationRow;
  organization: OrganizationRow;
}

/** One invitation and its organization, by the invitation's id alone (tickets and `/v1/me`). */
export async function findInvitationWithOrganization(
  db: Database,
  invitationId: string,
): Promise<InvitationWithOrganization | undefined> {
  const [row] = await db
    .select({ invitation: invitations, organization: organizations })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.id, invitationId))
    .limit(1);
  return row;
}

export interface InviteeListQuery {
  emailAddress: string;
  statuses: readonly InvitationStatus[];
  limit: number;
  offset: number;
  now: number;
}

/**
 * The invitations addressed to one email, newest first, with their organizations. Served by
 * `invitations_email_created`; the status filter reads the rows of that one address only.
 */
export async function listInvitationsForInvitee(
  db: Database,
  q: InviteeListQuery,
): Promise<{ rows: InvitationWithOrganization[]; totalCount: number }> {
  const where = and(
    eq(invitations.emailAddress, q.emailAddress),
    effectiveStatusIn(q.statuses, q.now),
  );
  // Not one `db.batch`: drizzle maps batched join results by column name, and the two tables
  // share several (`id`, `public_metadata`, …). Two parallel reads instead.
  const [rows, total] = await Promise.all([
    db
      .select({ invitation: invitations, organization: organizations })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
      .where(where)
      .orderBy(desc(invitations.createdAt), desc(invitations.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(invitations).where(where),
  ]);
  return { rows, totalCount: total[0]?.n ?? 0 };
}

/** Which invitation a decision is about, and the state it must still be in. */
export interface LiveInvitation {
  invitationId: string;
  /** The invited address (lower-cased): the invitee's email, re-checked in SQL. */
  emailAddress: string;
  /** Set for ticket decisions: a resend bumps the version and kills older links. */
  linkVersion?: number | undefined;
  now: number;
}

/** "Still pending, unexpired, for this address (and link version)": the guard of every write. */
function stillLive(target: LiveInvitation): SQL | undefined {
  return and(
    eq(invitations.id, target.invitationId),
    eq(invitations.status, "pending"),
    gt(invitations.expiresAt, target.now),
    eq(invitations.emailAddress, target.emailAddress),
    target.linkVersion === undefined ? undefined : eq(invitations.linkVersion, target.linkVersion),
  );
}

export interface AcceptWrite extends LiveInvitation {
  membershipId: string;
  userId: string;
}

/**
 * Accepts in one D1 batch (one transaction): the membership is inserted from the invitation row
 * (its organization, role and public metadata) only if the invitation is still live, then the
 * invitation is flipped under the very same predicate. Batches on one database run one at a time
 * and nothing between the two statements touches the invitation, so both match or neither does:
 * of two concurrent accepts the second finds the invitation already accepted and writes nothing.
 * A membership that already exists fails the insert on `memberships_org_user_unique`, which
 * rolls the whole batch back (the invitation stays pending); the caller reports it.
 *
 * Returns what was written, or undefined when the invitation was no longer live.
 */
export async function acceptLiveInvitation(
  db: Database,
  write: AcceptWrite,
): Promise<{ invitation: InvitationRow; membership: MembershipRow } | undefined> {
  const live = stillLive(write);
  const [inserted, updated] = await db.batch([
    db
      .insert(memberships)
      .select(
        db
          .select({
            // Keys in the table's column order: drizzle's insert-select requires it.
            id: sql<string>`${write.membershipId}`.as("id"),
            organizationId: invitations.organizationId,
            userId: sql<string>`${write.userId}`.as("user_id"),
            emailAddress: sql<string>`${write.emailAddress}`.as("email_address"),
            role: invitations.role,
            publicMetadata: invitations.publicMetadata,
            createdAt: sql<number>`${write.now}`.as("created_at"),
            updatedAt: sql<number>`${write.now}`.as("updated_at"),
          })
          .from(invitations)
          .where(live),
      )
      .returning(),
    db
      .update(invitations)
      .set({ status: "accepted", acceptedUserId: write.userId, updatedAt: write.now })
      .where(live)
      .returning(),
  ]);
  const [membership] = inserted;
  const [invitation] = updated;
  return membership && invitation ? { invitation, membership } : undefined;
}

/** pending → declined under the same guard; nothing else is written. */
export async function declineLiveInvitation(
  db: Database,
  target: LiveInvitation,
): Promise<InvitationRow | undefined> {
  const [row] = await db
    .update(invitations)
    .set({ status: "declined", updatedAt: target.now })
    .where(stillLive(target))
    .returning();
  return row;
}
