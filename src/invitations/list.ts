/**
 * The invitation list, with the caller's access read in the same D1 batch as the page and its
 * total: one round trip for the common (shallow) page instead of two. The access rule is the one
 * in `organizations/access.ts`; rows read for a caller it refuses are dropped, never returned.
 */
import type { Principal } from "../auth/principal";
import { runReads } from "../db/prepared";
import type { InvitationRow, OrganizationRow } from "../db/schema";
import type { Deps } from "../deps";
import { accessReads, authorizeOrganization, decideAccess } from "../organizations/access";
import type { Permission } from "../organizations/permissions";
import { ok, type Result } from "../shared/result";
import { totalFor } from "./counts";
import { DEEP_OFFSET, invitationListStatements, listInvitationsPage } from "./repository";
import { type ListParams, toListQuery } from "./service";

export interface ListedInvitations {
  organization: OrganizationRow;
  rows: InvitationRow[];
  totalCount: number;
}

export async function listInvitationsWithAccess(
  deps: Deps,
  principal: Principal,
  organizationId: string,
  permission: Permission,
  params: ListParams,
): Promise<Result<ListedInvitations>> {
  const { db } = deps;
  const q = toListQuery(deps, organizationId, params);
  if (q.offset >= DEEP_OFFSET) {
    // Deep pages take two steps anyway (the total decides which end to read from).
    const access = await authorizeOrganization(db, principal, organizationId, permission);
    if (!access.ok) return access;
    return ok({ organization: access.value.organization, ...(await listInvitationsPage(db, q)) });
  }
  const [organization, membership] = accessReads(db, principal, organizationId);
  const { page, total } = invitationListStatements(db, q);
  let read: { org?: OrganizationRow; member?: Parameters<typeof decideAccess>[3] };
  let rows: InvitationRow[];
  let totalCount: number;
  if (total.kind === "rows") {
    const [orgs, members, pageRows, counted] = await runReads(db, [
      organization,
      membership,
      page,
      total.count,
    ]);
    read = { org: orgs[0], member: members[0] };
    rows = pageRows;
    totalCount = counted[0]?.n ?? 0;
  } else {
    const [orgs, members, pageRows, stored, lapsed] = await runReads(db, [
      organization,
      membership,
      page,
      total.stored,
      total.lapsed,
    ]);
    read = { org: orgs[0], member: members[0] };
    rows = pageRows;
    totalCount = totalFor(q.statuses, { stored, lapsed: lapsed[0]?.n ?? 0 });
  }
  const access = decideAccess(principal, permission, read.org, read.member);
  if (!access.ok) return access;
  return ok({ organization: access.value.organization, rows, totalCount });
}
