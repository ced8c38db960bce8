/**
 * Organizations and memberships: creation, reads with counts, adding and removing members.
 */
import type { Principal } from "../auth/principal";
import type { Role } from "../contract/roles";
import { ReadBatch } from "../db/prepared";
import type { MembershipRow, OrganizationRow } from "../db/schema";
import type { Deps } from "../deps";
import { isValidEmail, normalizeEmail } from "../invitations/rules";
import { notFound, paramError } from "../shared/errors";
import { newId } from "../shared/ids";
import { fail, ok, type Result } from "../shared/result";
import { accessReads, decideAccess } from "./access";
import type { Permission } from "./permissions";
import {
  deleteMembership,
  insertMembershipIfAbsent,
  insertOrganizationWithCreator,
  isSlugTaken,
} from "./repository";
import { addSeatReads, readSeats, type Seats } from "./seats";

export interface CreateOrganizationInput {
  name: string;
  slug?: string | undefined;
  createdBy?: string | undefined;
  creatorEmail?: string | undefined;
  maxAllowedMemberships?: number | undefined;
  publicMetadata?: Record<string, unknown> | undefined;
  privateMetadata?: Record<string, unknown> | undefined;
}

const slugify = (name: string) =>
  name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48) || "organization";

export async function createOrganization(
  deps: Deps,
  input: CreateOrganizationInput,
): Promise<Result<OrganizationRow>> {
  const now = deps.now();
  let slug = input.slug ?? slugify(input.name);
  if (await isSlugTaken(deps.db, slug)) {
    if (input.slug) {
      return fail({
        code: "duplicate_record",
        message: "slug taken",
        longMessage: `The slug "${input.slug}" is already used by another organization.`,
        meta: { param_name: "slug" },
      });
    }
    slug = `${slug}-${newId("org").slice(-6).toLowerCase()}`;
  }
  const org: OrganizationRow = {
    id: newId("org"),
    name: input.name,
    slug,
    createdBy: input.createdBy ?? null,
    maxAllowedMemberships: input.maxAllowedMemberships ?? 0,
    publicMetadata: input.publicMetadata ?? {},
    privateMetadata: input.privateMetadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const creator: MembershipRow | null = input.createdBy
    ? {
        id: newId("orgmem"),
        organizationId: org.id,
        userId: input.createdBy,
        emailAddress: input.creatorEmail ? normalizeEmail(input.creatorEmail) : null,
        role: "admin",
        publicMetadata: {},
        createdAt: now,
        updatedAt: now,
      }
    : null;
  await insertOrganizationWithCreator(deps.db, org, creator);
  return ok(org);
}

export const organizationCounts = (deps: Deps, organizationId: string): Promise<Seats> =>
  readSeats(deps.db, organizationId, deps.now());

/** The organization with its seats, and the caller's access to it: one round trip. */
export async function organizationWithSeats(
  deps: Deps,
  principal: Principal,
  organizationId: string,
  permission: Permission,
): Promise<Result<{ organization: OrganizationRow; seats: Seats }>> {
  const batch = new ReadBatch();
  const [organizationRead, membershipRead] = accessReads(deps.db, principal, organizationId);
  const organizationRows = batch.add(organizationRead);
  const membershipRows = batch.add(membershipRead);
  const seats = addSeatReads(batch, deps.db, organizationId, deps.now());
  await batch.run(deps.db);
  const access = decideAccess(principal, permission, organizationRows()[0], membershipRows()[0]);
  if (!access.ok) return access;
  return ok({ organization: access.value.organization, seats: seats() });
}

export interface AddMembershipInput {
  organizationId: string;
  userId: string;
  role: Role;
  emailAddress?: string | undefined;
  publicMetadata?: Record<string, unknown> | undefined;
}

export async function addMembership(
  deps: Deps,
  input: AddMembershipInput,
): Promise<Result<MembershipRow>> {
  const now = deps.now();
  const email = input.emailAddress ? normalizeEmail(input.emailAddress) : null;
  // The address is what invitations are checked against ("already a member"): same rule as theirs.
  if (email !== null && !isValidEmail(email)) {
    return fail(
      paramError(
        "form_param_format_invalid",
        "email_address",
        `"${input.emailAddress?.slice(0, 100)}" is not a valid email address.`,
      ),
    );
  }
  const row: MembershipRow = {
    id: newId("orgmem"),
    organizationId: input.organizationId,
    userId: input.userId,
    emailAddress: email,
    role: input.role,
    publicMetadata: input.publicMetadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  if (!(await insertMembershipIfAbsent(deps.db, row))) {
    return fail({
      code: "already_a_member_in_organization",
      message: "already a member",
      longMessage: `User ${input.userId} is already a member of this organization.`,
      meta: { user_id: input.userId },
    });
  }
  return ok(row);
}

export async function removeMembership(
  deps: Deps,
  organizationId: string,
  userId: string,
): Promise<Result<MembershipRow>> {
  const removed = await deleteMembership(deps.db, organizationId, userId);
  return removed ? ok(removed) : fail(notFound("membership"));
}
