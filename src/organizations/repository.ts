/**
 * Organization and membership data access, one intent-named function per question.
 */
import { and, asc, count, desc, eq, exists, gt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { bindRead, runRead, runReads } from "../db/prepared";
import { type MembershipRow, memberships, type OrganizationRow, organizations } from "../db/schema";

export async function findOrganization(
  db: Database,
  organizationId: string,
): Promise<OrganizationRow | undefined> {
  const [row] = await runRead(db, organizationRead(db, organizationId));
  return row;
}

/** The organization by id, bound: for callers that batch it with other reads. */
export const organizationRead = (db: Database, organizationId: string) =>
  bindRead(
    db,
    "organization.byId",
    () =>
      db
        .select()
        .from(organizations)
        .where(eq(organizations.id, sql.placeholder("organizationId")))
        .limit(1)
        .prepare(),
    { organizationId },
  );

/** A user's membership of an organization, bound. */
export const membershipRead = (db: Database, organizationId: string, userId: string) =>
  bindRead(
    db,
    "membership.byOrganizationAndUser",
    () =>
      db
        .select()
        .from(memberships)
        .where(
          and(
            eq(memberships.organizationId, sql.placeholder("organizationId")),
            eq(memberships.userId, sql.placeholder("userId")),
          ),
        )
        .limit(1)
        .prepare(),
    { organizationId, userId },
  );

/** The organization and the user's membership of it, in one round trip. */
export async function findOrganizationWithMembership(
  db: Database,
  organizationId: string,
  userId: string,
): Promise<{ organization?: OrganizationRow; membership?: MembershipRow }> {
  const [orgs, members] = await runReads(db, [
    organizationRead(db, organizationId),
    membershipRead(db, organizationId, userId),
  ]);
  return { organization: orgs[0], membership: members[0] };
}

export async function isSlugTaken(db: Database, slug: string): Promise<boolean> {
  const row = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, slug))
    .limit(1);
  return row.length > 0;
}

/** The organization and, when it has a creator, the creator's admin membership: one batch. */
export async function insertOrganizationWithCreator(
  db: Database,
  org: OrganizationRow,
  creator: MembershipRow | null,
): Promise<void> {
  const insertOrg = db.insert(organizations).values(org);
  if (creator) await db.batch([insertOrg, db.insert(memberships).values(creator)]);
  else await insertOrg;
}

export async function findMembership(
  db: Database,
  organizationId: string,
  userId: string,
): Promise<MembershipRow | undefined> {
  return db.query.memberships.findFirst({
    where: and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)),
  });
}

/** How many members the organization has, bound: the quota check batches it. */
export const memberCountRead = (db: Database, organizationId: string) =>
  bindRead(
    db,
    "memberships.countByOrganization",
    () =>
      db
        .select({ n: count() })
        .from(memberships)
        .where(eq(memberships.organizationId, sql.placeholder("organizationId")))
        .prepare(),
    { organizationId },
  );

/**
 * The member count the quota check needs, and only then: for an organization without a quota
 * (0) the condition fails before a single membership is walked, so a create in a large
 * organization does not pay (D1 bills rows read) for counting members nobody asked about.
 */
export const quotaMemberCountRead = (db: Database, organizationId: string) =>
  bindRead(
    db,
    "memberships.countUnderQuota",
    () =>
      db
        .select({ n: count() })
        .from(memberships)
        .where(
          and(
            eq(memberships.organizationId, sql.placeholder("organizationId")),
            exists(
              db
                .select({ id: organizations.id })
                .from(organizations)
                .where(
                  and(
                    eq(organizations.id, sql.placeholder("organizationId")),
                    gt(organizations.maxAllowedMemberships, 0),
                  ),
                ),
            ),
          ),
        )
        .prepare(),
    { organizationId },
  );

export async function listMembershipsPage(
  db: Database,
  organizationId: string,
  limit: number,
  offset: number,
): Promise<{ rows: MembershipRow[]; totalCount: number }> {
  const where = eq(memberships.organizationId, organizationId);
  const [rows, total] = await db.batch([
    db
      .select()
      .from(memberships)
      .where(where)
      .orderBy(desc(memberships.createdAt), desc(memberships.id))
      .limit(limit)
      .offset(offset),
    db.select({ n: count() }).from(memberships).where(where),
  ]);
  return { rows, totalCount: total[0]?.n ?? 0 };
}

/** Inserts the membership unless the user already has one; true when it was inserted. */
export async function insertMembershipIfAbsent(db: Database, row: MembershipRow): Promise<boolean> {
  const inserted = await db
    .insert(memberships)
    .values(row)
    .onConflictDoNothing({ target: [memberships.organizationId, memberships.userId] })
    .returning({ id: memberships.id });
  return inserted.length > 0;
}

export async function deleteMembership(
  db: Database,
  organizationId: string,
  userId: string,
): Promise<MembershipRow | undefined> {
  const [row] = await db
    .delete(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .returning();
  return row;
}

/** The organizations a user belongs to, with the user's role in each (`memberships_user`). */
export async function listOrganizationsOfUser(
  db: Database,
  userId: string,
  limit: number,
): Promise<{ organization: OrganizationRow; role: string }[]> {
  return db
    .select({ organization: organizations, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name), asc(organizations.id))
    .limit(limit);
}
