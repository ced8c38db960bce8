/**
 * `total_count` without counting rows: the per-status counters kept by triggers
 * (`invitation_status_counts`), corrected for pending rows whose expiry has passed but which the
 * sweep has not flipped yet (few, found through `invitations_org_pending_expiry`). Both lookups
 * cost the same at 1,000 invitations as at 1,000,000.
 */
import { and, count, eq, lte, sql } from "drizzle-orm";
import type { InvitationStatus } from "../contract/roles";
import type { Database } from "../db/client";
import { bindRead } from "../db/prepared";
import { invitationStatusCounts, invitations } from "../db/schema";

export function statusCountReads(db: Database, organizationId: string, now: number) {
  return {
    stored: bindRead(
      db,
      "invitationCounts.stored",
      () =>
        db
          .select({ status: invitationStatusCounts.status, n: invitationStatusCounts.count })
          .from(invitationStatusCounts)
          .where(eq(invitationStatusCounts.organizationId, sql.placeholder("organizationId")))
          .prepare(),
      { organizationId },
    ),
    lapsed: bindRead(
      db,
      "invitationCounts.lapsed",
      () =>
        db
          .select({ n: count() })
          .from(invitations)
          .where(
            and(
              eq(invitations.organizationId, sql.placeholder("organizationId")),
              eq(invitations.status, "pending"),
              lte(invitations.expiresAt, sql.placeholder("now")),
            ),
          )
          .prepare(),
      { organizationId, now },
    ),
  };
}

export interface StatusCounts {
  stored: readonly { status: string; n: number }[];
  /** Pending rows past `expires_at`: they read as expired. */
  lapsed: number;
}

/** How many invitations show one of `statuses` (all of them when empty). */
export function totalFor(statuses: readonly InvitationStatus[], counts: StatusCounts): number {
  const stored = new Map(counts.stored.map((r) => [r.status, r.n]));
  const shown = (status: string): number => {
    const n = stored.get(status) ?? 0;
    if (status === "pending") return n - counts.lapsed;
    if (status === "expired") return n + counts.lapsed;
    return n;
  };
  if (statuses.length === 0) return [...stored.values()].reduce((a, b) => a + b, 0);
  return [...new Set(statuses)].reduce((sum, s) => sum + shown(s), 0);
}
