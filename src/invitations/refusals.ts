/**
 * Why addresses cannot be invited now: a member has the address, a live invitation holds it, or
 * the membership quota would be passed. The reads join the caller's batch; the quota trigger
 * (migration 0006) holds the same quota inside the write itself.
 */
import type { Database } from "../db/client";
import type { ReadBatch } from "../db/prepared";
import type { OrganizationRow } from "../db/schema";
import { addSeatReads, type Seats } from "../organizations/seats";
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
  const seats = addSeatReads(batch, db, organizationId, now, "quota");
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
    return quotaExceeded(organization, emails.length, seats());
  };
}

/** Clerk's rule: members plus pending invitations may not pass `max_allowed_memberships`. */
function quotaExceeded(organization: OrganizationRow, adding: number, seats: Seats) {
  const max = organization.maxAllowedMemberships;
  if (max <= 0 || seats.members + seats.pendingInvitations + adding <= max) return null;
  return quotaError(organization, adding, seats);
}

export function quotaError(
  organization: OrganizationRow,
  adding: number,
  { members, pendingInvitations: pending }: Seats,
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
