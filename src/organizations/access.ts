/**
 * Who may act on an organization. A session user who is not a member gets the same "not found"
 * as for an organization that does not exist (no existence leak); a member without the
 * permission is told so.
 */
import type { Principal } from "../auth/principal";
import type { Role } from "../contract/roles";
import type { Database } from "../db/client";
import type { MembershipRow, OrganizationRow } from "../db/schema";
import { notFound } from "../shared/errors";
import { fail, ok, type Result } from "../shared/result";
import type { Permission } from "./permissions";
import { roleAllows } from "./permissions";
import {
  findOrganization,
  findOrganizationWithMembership,
  membershipRead,
  organizationRead,
} from "./repository";

export interface OrganizationAccess {
  organization: OrganizationRow;
  /** The caller's role; null for the backend. */
  role: Role | null;
}

/**
 * The reads the rule needs, bound: for callers that fold them into a larger batch. The backend
 * has no membership; the lookup for an empty user id finds none and costs an index probe, which
 * keeps one batch shape for every caller.
 */
export const accessReads = (db: Database, principal: Principal, organizationId: string) =>
  [
    organizationRead(db, organizationId),
    membershipRead(db, organizationId, principal.kind === "session" ? principal.userId : ""),
  ] as const;

export async function authorizeOrganization(
  db: Database,
  principal: Principal,
  organizationId: string,
  permission: Permission,
): Promise<Result<OrganizationAccess>> {
  if (principal.kind === "backend") {
    return decideAccess(principal, permission, await findOrganization(db, organizationId));
  }
  const { organization, membership } = await findOrganizationWithMembership(
    db,
    organizationId,
    principal.userId,
  );
  return decideAccess(principal, permission, organization, membership);
}

/**
 * The rule itself, over rows already read (callers that fold the reads into a larger batch use
 * it directly): the backend needs only the organization to exist; a session needs a membership,
 * and a role that holds the permission.
 */
export function decideAccess(
  principal: Principal,
  permission: Permission,
  organization: OrganizationRow | undefined,
  membership?: MembershipRow | undefined,
): Result<OrganizationAccess> {
  if (!organization) return fail(notFound("organization"));
  if (principal.kind === "backend") return ok({ organization, role: null });
  const member =
    membership?.userId === principal.userId && membership.organizationId === organization.id;
  if (!member) return fail(notFound("organization"));
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
