/**
 * Test data made through the API, so every test builds its own world.
 */
import type { InvitationJson, OrganizationJson } from "../../src/contract/objects";
import type { Role } from "../../src/contract/roles";
import { backend, call, json } from "./api";

let counter = 0;
export const unique = (label: string) =>
  `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
export const email = (label = "user") => `${unique(label)}@example.com`;

export async function createOrganization(
  options: { name?: string; createdBy?: string; max?: number } = {},
): Promise<OrganizationJson> {
  return json<OrganizationJson>(
    await call("POST", "/v1/organizations", {
      as: backend,
      body: {
        name: options.name ?? unique("Org"),
        created_by: options.createdBy,
        max_allowed_memberships: options.max,
      },
    }),
  );
}

export async function addMember(orgId: string, userId: string, role: Role, emailAddress?: string) {
  return json(
    await call("POST", `/v1/organizations/${orgId}/memberships`, {
      as: backend,
      body: { user_id: userId, role, email_address: emailAddress },
    }),
  );
}

export async function invite(
  orgId: string,
  body: Record<string, unknown> = {},
): Promise<InvitationJson> {
  return json<InvitationJson>(
    await call("POST", `/v1/organizations/${orgId}/invitations`, {
      as: backend,
      body: { email_address: email(), role: "basic_member", ...body },
    }),
  );
}
