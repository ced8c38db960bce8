/**
 * An organization's seats: its members and its live pending invitations. The organization object
 * shows both, and the membership quota is judged on their sum. The reads join a caller's batch.
 */
import type { Database } from "../db/client";
import { ReadBatch } from "../db/prepared";
import { statusCountReads, totalFor } from "../invitations/counts";
import { memberCountRead, quotaMemberCountRead } from "./repository";

export interface Seats {
  members: number;
  pendingInvitations: number;
}

/**
 * Adds the seat counts to `batch`; the getter answers once the batch has run. For the quota
 * check, members are counted only when the organization has a quota (0 members otherwise).
 */
export function addSeatReads(
  batch: ReadBatch,
  db: Database,
  organizationId: string,
  now: number,
  purpose: "display" | "quota" = "display",
): () => Seats {
  const members = batch.add(
    purpose === "quota"
      ? quotaMemberCountRead(db, organizationId)
      : memberCountRead(db, organizationId),
  );
  const counts = statusCountReads(db, organizationId, now);
  const stored = batch.add(counts.stored);
  const lapsed = batch.add(counts.lapsed);
  return () => ({
    members: members()[0]?.n ?? 0,
    pendingInvitations: totalFor(["pending"], { stored: stored(), lapsed: lapsed()[0]?.n ?? 0 }),
  });
}

/** The seat counts as they are now: one round trip. */
export async function readSeats(db: Database, organizationId: string, now: number): Promise<Seats> {
  const batch = new ReadBatch();
  const seats = addSeatReads(batch, db, organizationId, now);
  await batch.run(db);
  return seats();
}
