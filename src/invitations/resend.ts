/**
 * Resending an invitation email: pending invitations only. A resend bumps the link version, so
 * the previous email's link stops working, resets the delivery to `queued` and queues the new
 * email. It is limited per recipient address, so the endpoint cannot be used to flood an inbox;
 * a refused resend writes nothing.
 */
import type { InvitationRow } from "../db/schema";
import type { Deps } from "../deps";
import type { DomainError } from "../shared/errors";
import { notFound } from "../shared/errors";
import { fail, ok, type Result } from "../shared/result";
import { reissueInvitationLink } from "./delivery-repository";
import { findInvitation } from "./repository";
import { effectiveStatus } from "./rules";
import { notPending } from "./service";

/** The per-recipient limit, as the edge implements it (the Workers Rate Limiting binding). */
export interface RecipientLimiter {
  /** True when one more email to this (normalized) address is allowed now. */
  allow(emailAddress: string): Promise<boolean>;
  /** What `Retry-After` tells a refused caller: the limiter's window. */
  retryAfterSeconds: number;
}

export const resendRateLimited = (retryAfterSeconds: number): DomainError => ({
  code: "rate_limit_exceeded",
  message: "too many resends",
  longMessage: `This address has been sent too many invitation emails recently; try again in ${retryAfterSeconds} seconds.`,
  meta: { retry_after_seconds: retryAfterSeconds },
});

export async function resendInvitation(
  deps: Deps,
  organizationId: string,
  invitationId: string,
  limiter: RecipientLimiter,
): Promise<Result<InvitationRow>> {
  const now = deps.now();
  const row = await findInvitation(deps.db, organizationId, invitationId);
  if (!row) return fail(notFound("invitation"));
  const status = effectiveStatus(row, now);
  if (status !== "pending") return fail(notPending(status));
  if (!(await limiter.allow(row.emailAddress))) {
    return fail(resendRateLimited(limiter.retryAfterSeconds));
  }

  const updated = await reissueInvitationLink(deps.db, row, now);
  if (!updated) {
    // Something changed since the read: it stopped being pending, or a concurrent resend won.
    const current = await findInvitation(deps.db, organizationId, invitationId);
    if (!current) return fail(notFound("invitation"));
    const currentStatus = effectiveStatus(current, now);
    if (currentStatus !== "pending") return fail(notPending(currentStatus));
    // The concurrent resend issued a fresh link and queued its email: that is this request's
    // outcome too.
    return ok(current);
  }
  await deps.emails.enqueue([{ invitationId: updated.id, linkVersion: updated.linkVersion }]);
  return ok(updated);
}
