/**
 * The body of a webhook: `{type, object: "event", data, timestamp}`, rendered from the event's
 * snapshot (the row as the change left it), so every retry sends the same bytes and a delivery
 * shows the state that caused it. `data` is the contract's object, as a backend caller sees it.
 */
import { z } from "zod";
import type { InvitationRow, MembershipRow, WebhookEventRow } from "../db/schema";
import { presentInvitation } from "../invitations/presenter";
import { presentMembership } from "../organizations/presenter";

const Metadata = z.record(z.string(), z.unknown());

/** What the triggers of migration 0004 write into `payload` for an invitation. */
const InvitationSnapshotSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  email_address: z.string(),
  role: z.string(),
  status: z.string(),
  inviter_id: z.string().nullable(),
  public_metadata: Metadata,
  private_metadata: Metadata,
  redirect_url: z.string().nullable(),
  expires_at: z.number(),
  link_version: z.number(),
  delivery_status: z.string(),
  delivery_attempts: z.number(),
  delivery_last_error: z.string().nullable(),
  delivery_sent_at: z.number().nullable(),
  accepted_user_id: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});

/** … and for a membership (with its organization's name and slug at the time). */
const MembershipSnapshotSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  user_id: z.string(),
  email_address: z.string().nullable(),
  role: z.string(),
  public_metadata: Metadata,
  created_at: z.number(),
  updated_at: z.number(),
  organization_name: z.string(),
  organization_slug: z.string(),
});

export interface RenderSettings {
  publicUrl: string;
  ticketSecret: string;
}

async function renderData(
  event: WebhookEventRow,
  settings: RenderSettings,
): Promise<Record<string, unknown>> {
  if (event.type === "organizationMembership.created") {
    const s = MembershipSnapshotSchema.parse(event.payload);
    const row: MembershipRow = {
      id: s.id,
      organizationId: s.organization_id,
      userId: s.user_id,
      emailAddress: s.email_address,
      role: s.role,
      publicMetadata: s.public_metadata,
      createdAt: s.created_at,
      updatedAt: s.updated_at,
    };
    return presentMembership(row, {
      id: s.organization_id,
      name: s.organization_name,
      slug: s.organization_slug,
    });
  }
  const s = InvitationSnapshotSchema.parse(event.payload);
  const row: InvitationRow = {
    id: s.id,
    organizationId: s.organization_id,
    emailAddress: s.email_address,
    role: s.role,
    status: s.status,
    inviterId: s.inviter_id,
    publicMetadata: s.public_metadata,
    privateMetadata: s.private_metadata,
    redirectUrl: s.redirect_url,
    expiresAt: s.expires_at,
    linkVersion: s.link_version,
    deliveryStatus: s.delivery_status,
    deliveryAttempts: s.delivery_attempts,
    deliveryLastError: s.delivery_last_error,
    deliverySentAt: s.delivery_sent_at,
    deliveryQueuedAt: null,
    acceptedUserId: s.accepted_user_id,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  };
  // Presented as of the change, so the status is the one the change produced.
  const data = await presentInvitation(row, {
    audience: "backend",
    now: event.occurredAt,
    publicUrl: settings.publicUrl,
    ticketSecret: settings.ticketSecret,
  });
  if (event.type === "organizationInvitation.accepted") {
    return { ...data, user_id: s.accepted_user_id };
  }
  return data;
}

/** The JSON text POSTed for this event: the same bytes on every attempt. */
export async function renderWebhookBody(
  event: WebhookEventRow,
  settings: RenderSettings,
): Promise<string> {
  return JSON.stringify({
    type: event.type,
    object: "event",
    data: await renderData(event, settings),
    timestamp: event.occurredAt,
  });
}
