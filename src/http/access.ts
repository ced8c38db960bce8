/**
 * The one place handlers ask "may this caller act on this organization?".
 */
import type { Context } from "hono";
import { runReads } from "../db/prepared";
import {
  accessReads,
  authorizeOrganization,
  decideAccess,
  type OrganizationAccess,
} from "../organizations/access";
import type { Permission } from "../organizations/permissions";
import { anyEndpointRead } from "../webhooks/repository";
import { unwrap } from "./errors";
import { isReadOnly } from "./methods";
import type { AppEnv } from "./types";

export async function requireOrganization(
  c: Context<AppEnv>,
  organizationId: string,
  permission: Permission,
): Promise<OrganizationAccess> {
  const { db } = c.get("deps");
  const principal = c.get("principal");
  if (isReadOnly(c.req.method)) {
    return unwrap(await authorizeOrganization(db, principal, organizationId, permission));
  }
  // A write: whether any webhook endpoint exists is read in the same round trip, so that with
  // none the dispatch after the write (a D1 write transaction of its own) is skipped.
  const [organization, membership, endpoints] = await runReads(db, [
    ...accessReads(db, principal, organizationId),
    anyEndpointRead(db),
  ]);
  c.set("webhookEndpointsExist", endpoints.length > 0);
  return unwrap(decideAccess(principal, permission, organization[0], membership[0]));
}

/** Backend callers see private fields; sessions do not. */
export const audienceOf = (c: Context<AppEnv>) =>
  c.get("principal").kind === "backend" ? ("backend" as const) : ("session" as const);
