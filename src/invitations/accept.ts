/**
 * The invitee's side: accepting or declining, by ticket (the emailed link) or by id (the signed-in
 * user's own list), and that list. Every refusal is a value; the write itself re-checks the state
 * in SQL (see `acceptance-repository.ts`), so a check here that raced with another request can
 * never let a second accept or a stale decision through.
 */
import type { InvitationStatus } from "../contract/roles";
import type { MembershipRow } from "../db/schema";
import type { Deps } from "../deps";
import { findMembership } from "../organizations/repository";
import { type DomainError, notFound } from "../shared/errors";
import { newId } from "../shared/ids";
import { fail, ok, type Result } from "../shared/result";
import {
  acceptLiveInvitation,
  declineLiveInvitation,
  findInvitationWithOrganization,
  type InvitationWithOrganization,
  listInvitationsForInvitee,
} from "./acceptance-repository";
import { effectiveStatus } from "./rules";
import { notPending } from "./service";
import { readTicket } from "./tickets";

/** The signed-in person deciding: a session's subject and (lower-cased) email claim. */
export interface Invitee {
  userId: string;
  email: string | null;
}

/** What a ticket names. `current` is false when a resend has replaced this link. */
export interface TicketTarget extends InvitationWithOrganization {
  linkVersion: number;
  current: boolean;
}

export interface Accepted extends InvitationWithOrganization {
  membership: MembershipRow;
}

/** Stable `meta.reason` values, so a page can tell refusals that share an error code apart. */
export type RefusalReason =
  | "invalid_ticket"
  | "superseded_ticket"
  | "email_missing"
  | "email_mismatch";

const INVALID_TICKET: DomainError = {
  code: "resource_not_found",
  message: "invalid ticket",
  longMessage: "This invitation link is not valid. Check that the whole link was copied.",
  meta: { reason: "invalid_ticket" },
};

const SUPERSEDED_TICKET: DomainError = {
  code: "resource_not_found",
  message: "link replaced",
  longMessage:
    "This invitation link was replaced by a newer one. Use the link in the most recent email.",
  meta: { reason: "superseded_ticket" },
};

const EMAIL_MISSING: DomainError = {
  code: "missing_organization_permission",
  message: "session has no email address",
  longMessage:
    "Accepting an invitation needs a session whose token carries an `email` claim. Sign in with the account the invitation was sent to.",
  meta: { reason: "email_missing" },
};

const EMAIL_MISMATCH: DomainError = {
  code: "missing_organization_permission",
  message: "invitation is for another email address",
  longMessage:
    "This invitation was sent to a different email address. Sign in with the account for that address.",
  meta: { reason: "email_mismatch" },
};

const alreadyMember = (userId: string, email: string): DomainError => ({
  code: "already_a_member_in_organization",
  message: "already a member",
  longMessage: "You are already a member of this organization.",
  meta: { user_id: userId, email_addresses: [email] },
});

export const refusalReason = (error: DomainError): RefusalReason | undefined => {
  const reason = error.meta?.reason;
  return typeof reason === "string" ? (reason as RefusalReason) : undefined;
};

/** The invitation a ticket names, when its MAC verifies and the invitation exists. */
export async function resolveTicket(deps: Deps, ticket: string): Promise<Result<TicketTarget>> {
  const claims = await readTicket(deps.settings.ticketSecret, ticket);
  if (!claims) return fail(INVALID_TICKET);
  const found = await findInvitationWithOrganization(deps.db, claims.invitationId);
  if (!found) return fail(INVALID_TICKET);
  return ok({
    ...found,
    linkVersion: claims.linkVersion,
    current: claims.linkVersion === found.invitation.linkVersion,
  });
}

/**
 * Why this invitee may not accept through this ticket now, checked in the order that tells them
 * the most useful thing: an invitation that is over is over whoever asks; then the link, the
 * account, and an existing membership.
 */
export async function checkTicketAcceptance(
  deps: Deps,
  invitee: Invitee,
  target: TicketTarget,
): Promise<Result<void>> {
  const refusal = refuseTicketDecision(invitee, target, deps.now());
  if (refusal) return fail(refusal);
  if (await findMembership(deps.db, target.organization.id, invitee.userId)) {
    return fail(alreadyMember(invitee.userId, target.invitation.emailAddress));
  }
  return ok(undefined);
}

/**
 * Why nobody can decide on this ticket's invitation any more (it is over, or the link was
 * replaced), or null. Needs no session: the accept page shows it before asking anyone to sign in.
 */
export function refuseClosedTicket(target: TicketTarget, now: number): DomainError | null {
  const status = effectiveStatus(target.invitation, now);
  if (status !== "pending") return notPending(status);
  if (!target.current) return SUPERSEDED_TICKET;
  return null;
}

function refuseTicketDecision(
  invitee: Invitee,
  target: TicketTarget,
  now: number,
): DomainError | null {
  const closed = refuseClosedTicket(target, now);
  if (closed) return closed;
  if (!invitee.email) return EMAIL_MISSING;
  if (invitee.email !== target.invitation.emailAddress) return EMAIL_MISMATCH;
  return null;
}

export async function acceptInvitationByTicket(
  deps: Deps,
  invitee: Invitee,
  ticket: string,
): Promise<Result<Accepted>> {
  const target = await resolveTicket(deps, ticket);
  if (!target.ok) return target;
  const allowed = await checkTicketAcceptance(deps, invitee, target.value);
  if (!allowed.ok) return allowed;
  return writeAcceptance(deps, invitee, target.value, target.value.linkVersion);
}

export async function declineInvitationByTicket(
  deps: Deps,
  invitee: Invitee,
  ticket: string,
): Promise<Result<InvitationWithOrganization>> {
  const target = await resolveTicket(deps, ticket);
  if (!target.ok) return target;
  const refusal = refuseTicketDecision(invitee, target.value, deps.now());
  if (refusal) return fail(refusal);
  return writeDecline(deps, target.value, target.value.linkVersion);
}

/**
 * The invitation with this id, if it is addressed to the invitee. Someone else's invitation is
 * "not found", exactly like one that does not exist: ids must not reveal who was invited where.
 */
async function findOwnInvitation(
  deps: Deps,
  invitee: Invitee,
  invitationId: string,
): Promise<Result<InvitationWithOrganization>> {
  if (!invitee.email) return fail(EMAIL_MISSING);
  const found = await findInvitationWithOrganization(deps.db, invitationId);
  if (!found || found.invitation.emailAddress !== invitee.email)
    return fail(notFound("invitation"));
  return ok(found);
}

export async function acceptInvitationById(
  deps: Deps,
  invitee: Invitee,
  invitationId: string,
): Promise<Result<Accepted>> {
  const found = await findOwnInvitation(deps, invitee, invitationId);
  if (!found.ok) return found;
  const status = effectiveStatus(found.value.invitation, deps.now());
  if (status !== "pending") return fail(notPending(status));
  if (await findMembership(deps.db, found.value.organization.id, invitee.userId)) {
    return fail(alreadyMember(invitee.userId, found.value.invitation.emailAddress));
  }
  return writeAcceptance(deps, invitee, found.value, undefined);
}

export async function declineInvitationById(
  deps: Deps,
  invitee: Invitee,
  invitationId: string,
): Promise<Result<InvitationWithOrganization>> {
  const found = await findOwnInvitation(deps, invitee, invitationId);
  if (!found.ok) return found;
  const status = effectiveStatus(found.value.invitation, deps.now());
  if (status !== "pending") return fail(notPending(status));
  return writeDecline(deps, found.value, undefined);
}

async function writeAcceptance(
  deps: Deps,
  invitee: Invitee,
  target: InvitationWithOrganization,
  linkVersion: number | undefined,
): Promise<Result<Accepted>> {
  const { invitation, organization } = target;
  let written: Awaited<ReturnType<typeof acceptLiveInvitation>>;
  try {
    written = await acceptLiveInvitation(deps.db, {
      invitationId: invitation.id,
      emailAddress: invitation.emailAddress,
      linkVersion,
      now: deps.now(),
      membershipId: newId("orgmem"),
      userId: invitee.userId,
    });
  } catch (err) {
    // A membership appeared since the check (e.g. the backend added the user): the batch rolled
    // back, so the invitation is still pending and nothing was written.
    if (!isUniqueViolation(err)) throw err;
    return fail(alreadyMember(invitee.userId, invitation.emailAddress));
  }
  if (!written) return fail(await explainMiss(deps, invitation.id, linkVersion));
  return ok({ organization, invitation: written.invitation, membership: written.membership });
}

async function writeDecline(
  deps: Deps,
  target: InvitationWithOrganization,
  linkVersion: number | undefined,
): Promise<Result<InvitationWithOrganization>> {
  const declined = await declineLiveInvitation(deps.db, {
    invitationId: target.invitation.id,
    emailAddress: target.invitation.emailAddress,
    linkVersion,
    now: deps.now(),
  });
  if (!declined) return fail(await explainMiss(deps, target.invitation.id, linkVersion));
  return ok({ organization: target.organization, invitation: declined });
}

/** The guarded write matched nothing: something changed since the check. Say what. */
async function explainMiss(
  deps: Deps,
  invitationId: string,
  linkVersion: number | undefined,
): Promise<DomainError> {
  const now = deps.now();
  const found = await findInvitationWithOrganization(deps.db, invitationId);
  if (!found) return notFound("invitation");
  const status: InvitationStatus = effectiveStatus(found.invitation, now);
  if (
    status === "pending" &&
    linkVersion !== undefined &&
    linkVersion !== found.invitation.linkVersion
  ) {
    return SUPERSEDED_TICKET;
  }
  return notPending(status);
}

function isUniqueViolation(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return text.includes("UNIQUE constraint failed");
}

export interface InviteeListParams {
  statuses: readonly InvitationStatus[];
  limit: number;
  offset: number;
}

/** The invitations addressed to the invitee's email; none when the session carries no email. */
export async function listMyInvitations(deps: Deps, invitee: Invitee, params: InviteeListParams) {
  if (!invitee.email) return { rows: [], totalCount: 0 };
  return listInvitationsForInvitee(deps.db, {
    emailAddress: invitee.email,
    statuses: params.statuses,
    limit: params.limit,
    offset: params.offset,
    now: deps.now(),
  });
}
