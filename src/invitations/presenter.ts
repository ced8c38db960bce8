/**
 * The invitation as the wire shows it (`InvitationSchema`). Backend callers see everything;
 * sessions get `{}` for private metadata and null for the link.
 */

import type { InvitationJson } from "../contract/objects";
import { ROLE_NAMES, type Role } from "../contract/roles";
import type { InvitationRow } from "../db/schema";
import { effectiveStatus } from "./rules";
import { acceptUrl, createTicket } from "./tickets";

export type Audience = "backend" | "session";

export interface PresentOptions {
  audience: Audience;
  now: number;
  publicUrl: string;
  ticketSecret: string;
}

export async function presentInvitation(
  row: InvitationRow,
  options: PresentOptions,
): Promise<InvitationJson> {
  const status = effectiveStatus(row, options.now);
  const backend = options.audience === "backend";
  // Only a live invitation has a link worth showing.
  const url =
    backend && status === "pending"
      ? acceptUrl(
          options.publicUrl,
          await createTicket(options.ticketSecret, row.id, row.linkVersion),
        )
      : null;
  const role = row.role as Role;
  return {
    object: "organization_invitation",
    id: row.id,
    email_address: row.emailAddress,
    role,
    role_name: ROLE_NAMES[role],
    organization_id: row.organizationId,
    inviter_id: row.inviterId,
    status,
    public_metadata: row.publicMetadata,
    private_metadata: backend ? row.privateMetadata : {},
    url,
    redirect_url: backend ? row.redirectUrl : null,
    expires_at: row.expiresAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    email_delivery: {
      status: row.deliveryStatus as InvitationJson["email_delivery"]["status"],
      attempts: row.deliveryAttempts,
      last_error: row.deliveryLastError,
      sent_at: row.deliverySentAt,
    },
  };
}

export const presentInvitations = (rows: readonly InvitationRow[], options: PresentOptions) =>
  Promise.all(rows.map((row) => presentInvitation(row, options)));
