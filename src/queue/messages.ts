/**
 * What travels on the invitation-email queue: a reference, never the email or the ticket. The
 * consumer loads the invitation and derives the link itself.
 */
import { z } from "zod";

export const InvitationEmailMessageSchema = z.object({
  v: z.literal(1),
  type: z.literal("invitation.email"),
  invitation_id: z.string().startsWith("orginv_"),
  link_version: z.number().int().positive(),
});
export type InvitationEmailMessage = z.infer<typeof InvitationEmailMessageSchema>;
