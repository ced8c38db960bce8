/**
 * Who may act on an organization. A session user who is not a member gets the same "not found"
 * as for an organization that does not exist (no existence leak); a member without the
 * permission is told so.
 */
import type { Principal } from "../auth/principal";
import type { Role } from "../contract/roles";
import type { Database } from "../db/client";
import type { OrganizationRow } from "../db/schema";
import { notFound } from "../shared/errors";
import { fail, ok, type Result } from "../shared/result";
import type { Permission } from "./permissions";
import { roleAllows } from "./permissions";
import { findOrganization, findOrganizationWithMembership } from "./repository";

export interface OrganizationAccess {
  organization: OrganizationRow;
  /** The caller's role; null for the backend. */
  role: Role | null;
}

export async function authorizeOrganization(
  db: Database,
  principal: Principal,
  organizationId: string,
  permission: Permission,
): Promise<Result<OrganizationAccess>> {
  if (principal.kind === "backend") {
    const organization = await findOrganization(db, organizationId);
    return organization ? ok({ organization, role: null }) : fail(notFound("organization"));
  }
  const { organization, membership } = await findOrganizationWithMembership(
    db,
    organizationId,
    principal.userId,
  );
  if (!organization || !membership) return fail(notFound("organization"));
  const role = membership.role as Role;
  if (!roleAllows(role, permission)) {
    return fail({
      code: "missing_organization_permission",
      message: "missing permission",
      longMessage: `Your role in this organization lacks the ${permission} permission.`,
      meta: { permission },
    });
  }
  return ok({ organization, role });
}
