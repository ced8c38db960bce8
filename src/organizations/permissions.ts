/**
 * What each role may do in its organization. Roles come from our memberships table, never from a
 * token. Permission names follow Clerk's system permissions.
 */
import type { Role } from "../contract/roles";

export const PERMISSIONS = [
  "org:sys_profile:read",
  "org:sys_memberships:read",
  "org:sys_memberships:manage",
  "org:sys_invitations:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const BY_ROLE: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  basic_member: ["org:sys_profile:read", "org:sys_memberships:read"],
  guest_member: ["org:sys_profile:read"],
};

export const permissionsOf = (role: Role): readonly Permission[] => BY_ROLE[role];

export const roleAllows = (role: Role, permission: Permission): boolean =>
  BY_ROLE[role].includes(permission);
