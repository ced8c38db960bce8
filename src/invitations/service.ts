/**
 * Reading and revoking invitations.
 */
import type { InvitationStatus } from "../contract/roles";
import type { InvitationRow } from "../db/schema";
import type { Deps } from "../deps";
import { notFound } from "../shared/errors";
import { fail, ok, type Result } from "../shared/result";
import type { OrderBy } from "./queries";
import {
  findInvitation,
  type InvitationListQuery,
  listInvitationsPage,
  revokePendingInvitation,
} from "./repository";
import { effectiveStatus, normalizeEmail } from "./rules";

export interface ListParams {
  statuses: readonly InvitationStatus[];
  emailAddress?: string | undefined;
  orderBy: OrderBy;
  limit: number;
  offset: number;
}

/** The repository's query for a list request, at this moment. */
export const toListQuery = (
  deps: Pick<Deps, "now">,
  organizationId: string,
  params: ListParams,
): InvitationListQuery => ({
  organizationId,
  statuses: params.statuses,
  emailPrefix: params.emailAddress ? normalizeEmail(params.emailAddress) : undefined,
  orderBy: params.orderBy,
  limit: params.limit,
  offset: params.offset,
  now: deps.now(),
});

export function listInvitations(deps: Deps, organizationId: string, params: ListParams) {
  return listInvitationsPage(deps.db, toListQuery(deps, organizationId, params));
}

export async function getInvitation(
  deps: Deps,
  organizationId: string,
  invitationId: string,
): Promise<Result<InvitationRow>> {
  const row = await findInvitation(deps.db, organizationId, invitationId);
  return row ? ok(row) : fail(notFound("invitation"));
}

export const notPending = (status: InvitationStatus) => ({
  code: "organization_invitation_not_pending" as const,
  message: "invitation is not pending",
  longMessage: `This invitation is ${status}; only pending invitations can be changed.`,
  meta: { status },
});

export async function revokeInvitation(
  deps: Deps,
  organizationId: string,
  invitationId: string,
): Promise<Result<InvitationRow>> {
  const now = deps.now();
  const revoked = await revokePendingInvitation(deps.db, organizationId, invitationId, now);
  if (revoked) return ok(revoked);
  const existing = await findInvitation(deps.db, organizationId, invitationId);
  if (!existing) return fail(notFound("invitation"));
  return fail(notPending(effectiveStatus(existing, now)));
}
