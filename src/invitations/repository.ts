/**
 * Invitation data access, one intent-named function per question the domain asks. Every list and
 * count here is served by an index (see `docs/data-model.md`; the query-plan test holds it).
 */
import { and, count, eq, getTableColumns, gt, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { InvitationStatus } from "../contract/roles";
import type { Statement } from "../db/batch";
import type { Database } from "../db/client";
import { bindRead, ReadBatch, readOnce, runRead, runReads } from "../db/prepared";
import { type InvitationRow, invitations, memberships, type NewInvitationRow } from "../db/schema";
import { statusCountReads, totalFor } from "./counts";
import {
  effectiveStatusIn,
  emailInPrefixRange,
  emailPrefixRange,
  type OrderBy,
  orderingFor,
  reversedOrder,
} from "./queries";

/** D1 binds at most 100 parameters per statement. */
const D1_MAX_PARAMS = 100;
const INVITATION_COLUMNS = Object.keys(getTableColumns(invitations)).length;
/** Rows per multi-row insert, so one statement stays under D1's parameter cap. */
export const INSERT_ROWS_PER_STATEMENT = Math.floor(D1_MAX_PARAMS / INVITATION_COLUMNS);
/** Addresses per `IN (...)` lookup, leaving room for the other bound values. */
const LOOKUP_CHUNK = D1_MAX_PARAMS - 10;

export interface InvitationListQuery {
  organizationId: string;
  statuses: readonly InvitationStatus[];
  emailPrefix?: string | undefined;
  orderBy: OrderBy;
  limit: number;
  offset: number;
  now: number;
}

/** Every input that changes a list's SQL text: the key its built shape is cached under. */
interface ListShape {
  statuses: readonly InvitationStatus[];
  byEmailPrefix: boolean;
  orderBy: OrderBy;
}

const shapeKey = (s: ListShape) =>
  `${[...s.statuses].sort().join(",")}|${s.byEmailPrefix ? "prefix" : ""}|${s.orderBy}`;

/** The placeholders a list's statements are built with, and their values for one request. */
const p = {
  organizationId: sql.placeholder("organizationId"),
  now: sql.placeholder("now"),
  emailFrom: sql.placeholder("emailFrom"),
  emailBefore: sql.placeholder("emailBefore"),
  limit: sql.placeholder("limit"),
  offset: sql.placeholder("offset"),
};

const listValues = (q: InvitationListQuery) => ({
  organizationId: q.organizationId,
  now: q.now,
  limit: q.limit,
  offset: q.offset,
  ...(q.emailPrefix ? emailPrefixRange(q.emailPrefix) : {}),
});

function listFilter(s: ListShape): SQL | undefined {
  return and(
    eq(invitations.organizationId, p.organizationId),
    effectiveStatusIn([...new Set(s.statuses)].sort(), p.now),
    s.byEmailPrefix ? emailInPrefixRange(p.emailFrom, p.emailBefore) : undefined,
  );
}

const shapeOf = (q: InvitationListQuery): ListShape => ({
  statuses: q.statuses,
  byEmailPrefix: Boolean(q.emailPrefix),
  orderBy: q.orderBy,
});

/**
 * The page and count reads for a list, bound but not run: `listInvitationsPage` runs them, and
 * the query-plan test explains exactly this SQL.
 *
 * The page is a deferred join: the ids are picked from a covering index (however deep the
 * offset, the walk touches only that narrow index), then just those rows are read. The total
 * comes from the status counters, or, under an address filter, from the address index range.
 */
export function invitationListStatements(db: Database, q: InvitationListQuery) {
  const shape = shapeOf(q);
  const total = q.emailPrefix
    ? {
        kind: "rows" as const,
        count: bindRead(
          db,
          `invitations.count|${shapeKey(shape)}`,
          () => db.select({ n: count() }).from(invitations).where(listFilter(shape)).prepare(),
          listValues(q),
        ),
      }
    : { kind: "counters" as const, ...statusCountReads(db, q.organizationId, q.now) };
  return { page: pageRead(db, q), total };
}

function pageRead(db: Database, q: InvitationListQuery) {
  const shape = shapeOf(q);
  return bindRead(
    db,
    `invitations.page|${shapeKey(shape)}`,
    () => {
      const order = orderingFor(shape.orderBy);
      const pageIds = db
        .select({ id: invitations.id })
        .from(invitations)
        .where(listFilter(shape))
        .orderBy(...order)
        .limit(p.limit)
        .offset(p.offset);
      return db
        .select()
        .from(invitations)
        .where(inArray(invitations.id, pageIds))
        .orderBy(...order)
        .prepare();
    },
    listValues(q),
  );
}

type Total = ReturnType<typeof invitationListStatements>["total"];

/**
 * Past this offset a page is read from whichever end of the list is nearer, which needs the
 * total first (one more round trip): page 5,000 of 100,000 then walks 20 entries, not 99,980.
 */
export const DEEP_OFFSET = 1_000;

/** One page and the total matching the same filter. */
export async function listInvitationsPage(
  db: Database,
  q: InvitationListQuery,
  options: { deepOffset?: number } = {},
): Promise<{ rows: InvitationRow[]; totalCount: number }> {
  const { page, total } = invitationListStatements(db, q);
  if (q.offset < (options.deepOffset ?? DEEP_OFFSET)) {
    // Shallow: page and total in one round trip.
    if (total.kind === "rows") {
      const [rows, counted] = await runReads(db, [page, total.count]);
      return { rows, totalCount: counted[0]?.n ?? 0 };
    }
    const [rows, stored, lapsed] = await runReads(db, [page, total.stored, total.lapsed]);
    return { rows, totalCount: totalFor(q.statuses, { stored, lapsed: lapsed[0]?.n ?? 0 }) };
  }
  const totalCount = await runTotal(db, total, q.statuses);
  if (q.offset >= totalCount) return { rows: [], totalCount };
  const after = totalCount - q.offset - q.limit;
  if (after >= q.offset) return { rows: await runRead(db, page), totalCount };
  // Nearer the end: the same rows, read in the opposite order from the other side.
  const fromEnd = await runRead(
    db,
    pageRead(db, {
      ...q,
      orderBy: reversedOrder(q.orderBy),
      offset: Math.max(0, after),
      limit: Math.min(q.limit, totalCount - q.offset),
    }),
  );
  return { rows: fromEnd.reverse(), totalCount };
}

async function runTotal(
  db: Database,
  total: Total,
  statuses: readonly InvitationStatus[],
): Promise<number> {
  if (total.kind === "rows") return (await runRead(db, total.count))[0]?.n ?? 0;
  const [stored, lapsed] = await runReads(db, [total.stored, total.lapsed]);
  return totalFor(statuses, { stored, lapsed: lapsed[0]?.n ?? 0 });
}

export async function findInvitation(
  db: Database,
  organizationId: string,
  invitationId: string,
): Promise<InvitationRow | undefined> {
  return db.query.invitations.findFirst({
    where: and(eq(invitations.organizationId, organizationId), eq(invitations.id, invitationId)),
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function pendingAddressQuery(db: Database, organizationId: string, part: string[], now: number) {
  return db
    .select({ email: invitations.emailAddress })
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, organizationId),
        eq(invitations.status, "pending"),
        gt(invitations.expiresAt, now),
        inArray(invitations.emailAddress, part),
      ),
    );
}

function memberAddressQuery(db: Database, organizationId: string, part: string[]) {
  return db
    .select({ email: memberships.emailAddress })
    .from(memberships)
    .where(
      and(eq(memberships.organizationId, organizationId), inArray(memberships.emailAddress, part)),
    );
}

/** Which of these addresses already have a live pending invitation in the organization. */
export async function findPendingAddresses(
  db: Database,
  organizationId: string,
  emails: readonly string[],
  now: number,
): Promise<string[]> {
  return (await findTakenAddresses(db, organizationId, emails, now)).pending;
}

/**
 * Which of these addresses are taken: by a live pending invitation, or by a member. The lookups
 * (90 addresses a statement) join `batch`, so a bulk of 1,000 still costs no round trip of its
 * own; the getter answers once the batch has run.
 */
export function addTakenAddressReads(
  batch: ReadBatch,
  db: Database,
  organizationId: string,
  emails: readonly string[],
  now: number,
): () => { pending: string[]; members: string[] } {
  const parts = chunks(emails, LOOKUP_CHUNK);
  const pending = parts.map((part) =>
    batch.add(readOnce(db, pendingAddressQuery(db, organizationId, part, now).prepare())),
  );
  const members = parts.map((part) =>
    batch.add(readOnce(db, memberAddressQuery(db, organizationId, part).prepare())),
  );
  const emailsOf = (rows: { email: string | null }[]) =>
    rows.flatMap((r) => (r.email ? [r.email] : []));
  return () => ({
    pending: pending.flatMap((rows) => emailsOf(rows())),
    members: members.flatMap((rows) => emailsOf(rows())),
  });
}

export async function findTakenAddresses(
  db: Database,
  organizationId: string,
  emails: readonly string[],
  now: number,
): Promise<{ pending: string[]; members: string[] }> {
  const batch = new ReadBatch();
  const taken = addTakenAddressReads(batch, db, organizationId, emails, now);
  await batch.run(db);
  return taken();
}

/**
 * Statements that persist the `expired` flip for these addresses' lapsed pending invitations,
 * so the one-pending-per-address index lets a new invitation in. Run in the same batch.
 */
export function expireLapsedForAddresses(
  db: Database,
  organizationId: string,
  emails: readonly string[],
  now: number,
): Statement[] {
  return chunks(emails, LOOKUP_CHUNK).map((part) =>
    db
      .update(invitations)
      .set({ status: "expired", updatedAt: now })
      .where(
        and(
          eq(invitations.organizationId, organizationId),
          eq(invitations.status, "pending"),
          lte(invitations.expiresAt, now),
          inArray(invitations.emailAddress, part),
        ),
      ),
  );
}

/** Multi-row inserts, chunked under D1's parameter cap. */
export function insertInvitations(db: Database, rows: readonly NewInvitationRow[]): Statement[] {
  return chunks(rows, INSERT_ROWS_PER_STATEMENT).map((part) => db.insert(invitations).values(part));
}

/**
 * pending → revoked, only while the invitation is still pending and unexpired. Returns the
 * updated row, or undefined when nothing matched.
 */
export async function revokePendingInvitation(
  db: Database,
  organizationId: string,
  invitationId: string,
  now: number,
): Promise<InvitationRow | undefined> {
  const [row] = await db
    .update(invitations)
    .set({ status: "revoked", updatedAt: now })
    .where(
      and(
        eq(invitations.organizationId, organizationId),
        eq(invitations.id, invitationId),
        eq(invitations.status, "pending"),
        gt(invitations.expiresAt, now),
      ),
    )
    .returning();
  return row;
}
