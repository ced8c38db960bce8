/**
 * An invitation as its invitee sees it: the session view (no private metadata, no link) plus
 * `public_organization_data`, so a list of one's own invitations can name each organization.
 */
import type { InvitationJson } from "../contract/objects";
import type { Deps } from "../deps";
import type { InvitationWithOrganization } from "./acceptance-repository";
import { presentInvitation } from "./presenter";

export async function presentForInvitee(
  deps: Pick<Deps, "now" | "settings">,
  { invitation, organization }: InvitationWithOrganization,
): Promise<InvitationJson> {
  const json = await presentInvitation(invitation, {
    audience: "session",
    now: deps.now(),
    publicUrl: deps.settings.publicUrl,
    ticketSecret: deps.settings.ticketSecret,
  });
  return {
    ...json,
    public_organization_data: {
      id: organization.id,
      name: organization.name,
      slug: organization.slug,
      has_image: false,
      image_url: null,
    },
  };
}

export const presentAllForInvitee = (
  deps: Pick<Deps, "now" | "settings">,
  rows: readonly InvitationWithOrganization[],
) => Promise.all(rows.map((row) => presentForInvitee(deps, row)));
