/**
 * The one place handlers ask "may this caller act on this organization?".
 */
import type { Context } from "hono";
import { authorizeOrganization, type OrganizationAccess } from "../organizations/access";
import type { Permission } from "../organizations/permissions";
import { unwrap } from "./errors";
import type { AppEnv } from "./types";

export async function requireOrganization(
  c: Context<AppEnv>,
  organizationId: string,
  permission: Permission,
): Promise<OrganizationAccess> {
  return unwrap(
    await authorizeOrganization(c.get("deps").db, c.get("principal"), organizationId, permission),
  );
}

/** Backend callers see private fields; sessions do not. */
export const audienceOf = (c: Context<AppEnv>) =>
  c.get("principal").kind === "backend" ? ("backend" as const) : ("session" as const);
