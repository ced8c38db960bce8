/**
 * Organization and membership data access, one intent-named function per question.
 */
import { and, asc, count, desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { type MembershipRow, memberships, type OrganizationRow, organizations } from "../db/schema";

export async function findOrganization(
  db: Database,
  organizationId: string,
): Promise<OrganizationRow | undefined> {
  const [row] = await organizationQuery(db, organizationId);
  return row;
}

/** The organization by id, unexecuted: for callers that batch it with other reads. */
export const organizationQuery = (db: Database, organizationId: string) =>
  db.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1);

/** A user's membership of an organization, unexecuted. */
export const membershipQuery = (db: Database, organizationId: string, userId: string) =>
  db
    .select()
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .limit(1);

/** The organization and the user's membership of it, in one round trip. */
export async function findOrganizationWithMembership(
  db: Database,
  organizationId: string,
  userId: string,
): Promise<{ organization?: OrganizationRow; membership?: MembershipRow }> {
  const [orgs, members] = await db.batch([
    organizationQuery(db, organizationId),
    membershipQuery(db, organizationId, userId),
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

export async function countMembers(db: Database, organizationId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(eq(memberships.organizationId, organizationId));
  return row?.n ?? 0;
}

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
