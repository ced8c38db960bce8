/**
 * The expiry sweep. Reads already treat a pending invitation past `expires_at` as expired; the
 * sweep persists that flip so the stored status catches up, index-served counts of `pending` stay
 * cheap, and the one-pending-per-address slot is freed. Work is bounded per run: the Cron Trigger
 * comes back every few minutes for whatever is left.
 */
import { and, asc, eq, inArray, lte } from "drizzle-orm";
import type { Database } from "../db/client";
import { invitations } from "../db/schema";
import type { Deps } from "../deps";

/** Rows flipped per statement: small enough to keep one D1 write short. */
export const EXPIRE_CHUNK_ROWS = 500;
/** Statements per run, so one run touches at most 10,000 rows. */
export const EXPIRE_MAX_CHUNKS_PER_RUN = 20;

/**
 * The lapsed pending rows to flip, oldest expiry first. `status = 'pending'` plus the range on
 * `expires_at` is what lets SQLite pick the partial index `invitations_pending_expiry`.
 */
export function lapsedPendingIds(db: Database, now: number, limit: number) {
  return db
    .select({ id: invitations.id })
    .from(invitations)
    .where(and(eq(invitations.status, "pending"), lte(invitations.expiresAt, now)))
    .orderBy(asc(invitations.expiresAt))
    .limit(limit);
}

async function expireChunk(db: Database, now: number, limit: number): Promise<number> {
  // Rows are counted from RETURNING: D1's `meta.changes` also counts the status-counter
  // triggers' writes.
  const flipped = await db
    .update(invitations)
    .set({ status: "expired", updatedAt: now })
    // Re-checked here: the subquery and the update are one statement, so no row is flipped that
    // stopped being pending in between.
    .where(
      and(
        inArray(invitations.id, lapsedPendingIds(db, now, limit)),
        eq(invitations.status, "pending"),
      ),
    )
    .returning({ id: invitations.id });
  return flipped.length;
}

export async function expireLapsedInvitations(
  deps: Pick<Deps, "db" | "now">,
  limits: { chunkRows?: number; maxChunks?: number } = {},
): Promise<{ expired: number; done: boolean }> {
  const chunkRows = limits.chunkRows ?? EXPIRE_CHUNK_ROWS;
  const maxChunks = limits.maxChunks ?? EXPIRE_MAX_CHUNKS_PER_RUN;
  const now = deps.now();
  let expired = 0;
  for (let chunk = 0; chunk < maxChunks; chunk++) {
    const changed = await expireChunk(deps.db, now, chunkRows);
    expired += changed;
    if (changed < chunkRows) return { expired, done: true };
  }
  return { expired, done: false };
}
