import type { MembershipJson, OrganizationJson } from "../contract/objects";
import { ROLE_NAMES, type Role } from "../contract/roles";
import type { MembershipRow, OrganizationRow } from "../db/schema";
import { permissionsOf } from "./permissions";

export function presentOrganization(
  org: OrganizationRow,
  counts: { members: number; pendingInvitations: number },
  audience: "backend" | "session",
): OrganizationJson {
  return {
    object: "organization",
    id: org.id,
    name: org.name,
    slug: org.slug,
    image_url: null,
    has_image: false,
    created_by: org.createdBy,
    max_allowed_memberships: org.maxAllowedMemberships,
    admin_delete_enabled: true,
    members_count: counts.members,
    pending_invitations_count: counts.pendingInvitations,
    public_metadata: org.publicMetadata,
    private_metadata: audience === "backend" ? org.privateMetadata : {},
    created_at: org.createdAt,
    updated_at: org.updatedAt,
  };
}

export function presentMembership(
  m: MembershipRow,
  org: Pick<OrganizationRow, "id" | "name" | "slug">,
): MembershipJson {
  const role = m.role as Role;
  return {
    object: "organization_membership",
    id: m.id,
    role,
    role_name: ROLE_NAMES[role],
    permissions: [...permissionsOf(role)],
    public_metadata: m.publicMetadata,
    private_metadata: {},
    organization: { id: org.id, name: org.name, slug: org.slug },
    public_user_data: {
      user_id: m.userId,
      identifier: m.emailAddress ?? m.userId,
      first_name: null,
      last_name: null,
      image_url: "",
      has_image: false,
    },
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}
