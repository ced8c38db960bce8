/**
 * Helpers for the invitee's side: the ticket out of an invitation's link, and the backend's view
 * of what accepting changed.
 */
import type { InvitationJson, MembershipJson } from "../../src/contract/objects";
import { backend, call, json } from "./api";

/** The `ticket` of an invitation's accept link (backend view: `url` is set while pending). */
export function ticketOf(invitation: Pick<InvitationJson, "url">): string {
  if (!invitation.url) throw new Error("invitation has no url: not pending, or not a backend view");
  const ticket = new URL(invitation.url).searchParams.get("ticket");
  if (!ticket) throw new Error(`no ticket in ${invitation.url}`);
  return ticket;
}

/** The invitation as the backend reads it now. */
export async function backendInvitation(orgId: string, invitationId: string) {
  return json<InvitationJson>(
    await call("GET", `/v1/organizations/${orgId}/invitations/${invitationId}`, { as: backend }),
  );
}

export async function membershipsOf(orgId: string): Promise<MembershipJson[]> {
  const page = await json<{ data: MembershipJson[] }>(
    await call("GET", `/v1/organizations/${orgId}/memberships?limit=500`, { as: backend }),
  );
  return page.data;
}

export type ErrorBody = { errors: { code: string; meta: Record<string, unknown> }[] };

/** The first error's code and meta, asserting the status on the way. */
export async function errorOf(res: Response, status: number) {
  const body = await json<ErrorBody>(res, status);
  const [first] = body.errors;
  if (!first) throw new Error("error envelope without errors");
  return first;
}
