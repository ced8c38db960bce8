import { z } from "@hono/zod-openapi";

/** The roles of the seed; Clerk's role names are what `role_name` shows. */
export const ROLES = ["admin", "basic_member", "guest_member"] as const;
export const RoleSchema = z.enum(ROLES).openapi("Role");
export type Role = z.infer<typeof RoleSchema>;

export const ROLE_NAMES: Record<Role, string> = {
  admin: "Admin",
  basic_member: "Member",
  guest_member: "Guest",
};

/** Statuses an invitation can show. `declined` is ours: an invitee who says no. */
export const INVITATION_STATUSES = [
  "pending",
  "accepted",
  "revoked",
  "expired",
  "declined",
] as const;
export const InvitationStatusSchema = z.enum(INVITATION_STATUSES).openapi("InvitationStatus");
export type InvitationStatus = z.infer<typeof InvitationStatusSchema>;
