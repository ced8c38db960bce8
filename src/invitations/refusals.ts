/**
 * Why addresses cannot be invited now: a member has the address, a live invitation holds it, or
 * the membership quota would be passed. The reads join the caller's batch; the quota trigger
 * (migration 0006) holds the same quota inside the write itself.
 */
import type { Database } from "../db/client";
import { ReadBatch } from "../db/prepared";
import type { OrganizationRow } from "../db/schema";
import { memberCountRead } from "../organizations/repository";
import { statusCountReads, totalFor } from "./counts";
import { addTakenAddressReads } from "./repository";

/**
 * Adds what the refusals need to `batch` (taken addresses, and the quota's member and pending
 * counts); the function it returns names the first reason these addresses cannot be invited, if
 * any, once the batch has run.
 */
export function addRefusalReads(
  batch: ReadBatch,
  db: Database,
  organizationId: string,
  emails: readonly string[],
  now: number,
) {
  const taken = addTakenAddressReads(batch, db, organizationId, emails, now);
  const quota = addQuotaReads(batch, db, organizationId, now);
  return (organization: OrganizationRow) => {
    const { pending, members } = taken();
    if (members.length > 0) {
      return {
        code: "already_a_member_in_organization" as const,
        message: "already a member",
        longMessage: `These addresses already belong to members: ${members.join(", ")}.`,
        meta: { email_addresses: members },
      };
    }
    if (pending.length > 0) return duplicateRecord(pending);
    return quotaExceeded(organization, emails.length, quota());
  };
}

interface QuotaCounts {
  members: number;
  pending: number;
}

/** Clerk's rule: members plus pending invitations may not pass `max_allowed_memberships`. */
function quotaExceeded(organization: OrganizationRow, adding: number, counts: QuotaCounts) {
  const max = organization.maxAllowedMemberships;
  if (max <= 0 || counts.members + counts.pending + adding <= max) return null;
  return quotaError(organization, adding, counts);
}

/** Adds the counts the quota is judged on to `batch`; the getter answers once it has run. */
function addQuotaReads(batch: ReadBatch, db: Database, organizationId: string, now: number) {
  const memberCount = batch.add(memberCountRead(db, organizationId));
  const counts = statusCountReads(db, organizationId, now);
  const stored = batch.add(counts.stored);
  const lapsed = batch.add(counts.lapsed);
  return (): QuotaCounts => ({
    members: memberCount()[0]?.n ?? 0,
    pending: totalFor(["pending"], { stored: stored(), lapsed: lapsed()[0]?.n ?? 0 }),
  });
}

/** The quota's counts as they are now (after the trigger refused a write). */
export async function quotaCounts(
  db: Database,
  organizationId: string,
  now: number,
): Promise<QuotaCounts> {
  const batch = new ReadBatch();
  const counts = addQuotaReads(batch, db, organizationId, now);
  await batch.run(db);
  return counts();
}

export function quotaError(
  organization: OrganizationRow,
  adding: number,
  { members, pending }: QuotaCounts,
) {
  const max = organization.maxAllowedMemberships;
  return {
    code: "organization_membership_quota_exceeded" as const,
    message: "membership quota exceeded",
    longMessage: `This organization allows ${max} memberships; it has ${members} members and ${pending} pending invitations, so ${adding} more would pass the limit.`,
    meta: { max_allowed_memberships: max, members, pending_invitations: pending },
  };
}

export const duplicateRecord = (emails: string[]) => ({
  code: "duplicate_record" as const,
  message: "duplicate invitation",
  longMessage: `A pending invitation already exists for: ${emails.join(", ")}.`,
  meta: { email_addresses: emails },
});

/** What the quota trigger (migration 0006) aborts with. */
export const QUOTA_TRIGGER_MESSAGE = "organization_membership_quota_exceeded";
