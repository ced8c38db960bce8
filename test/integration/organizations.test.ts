import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type MembershipJson,
  type OrganizationJson,
  OrganizationSchema,
} from "../../src/contract/objects";
import { backend, call, json, session } from "../support/api";
import { createOrganization, invite, unique } from "../support/fixtures";
import { apiError, bulkInvite, invitationsPath } from "../support/invitations";

const getOrganization = (orgId: string, as = backend) =>
  call("GET", `/v1/organizations/${orgId}`, { as });

afterEach(() => {
  vi.useRealTimers();
});

describe("create an organization", () => {
  it("answers with Clerk's organization object, its creator an admin member", async () => {
    const before = Date.now();
    const org = await json<OrganizationJson>(
      await call("POST", "/v1/organizations", {
        as: backend,
        body: {
          name: "Analytical Engines Ltd",
          created_by: "user_creator",
          max_allowed_memberships: 25,
          public_metadata: { plan: "pro" },
          private_metadata: { crm: "abc" },
        },
      }),
    );
    expect(OrganizationSchema.strict().safeParse(org).error).toBeUndefined();
    expect(org).toMatchObject({
      object: "organization",
      name: "Analytical Engines Ltd",
      created_by: "user_creator",
      max_allowed_memberships: 25,
      members_count: 1,
      pending_invitations_count: 0,
      public_metadata: { plan: "pro" },
      private_metadata: { crm: "abc" },
    });
    expect(org.id).toMatch(/^org_[0-9A-Za-z]{24}$/);
    expect(org.slug).toMatch(/^analytical-engines-ltd/);
    expect(org.created_at).toBeGreaterThanOrEqual(before);

    const members = await json<{ data: MembershipJson[] }>(
      await call("GET", `/v1/organizations/${org.id}/memberships`, { as: backend }),
    );
    expect(members.data.map((m) => [m.public_user_data.user_id, m.role])).toEqual([
      ["user_creator", "admin"],
    ]);
  });

  it("without a creator, the organization has no members", async () => {
    const org = await createOrganization();
    expect(org).toMatchObject({ created_by: null, members_count: 0, max_allowed_memberships: 0 });
  });

  it("keeps a given slug, and refuses one already taken with 400 duplicate_record", async () => {
    const slug = unique("acme").toLowerCase();
    const first = await json<OrganizationJson>(
      await call("POST", "/v1/organizations", { as: backend, body: { name: "Acme", slug } }),
    );
    expect(first.slug).toBe(slug);
    const error = await apiError(
      await call("POST", "/v1/organizations", { as: backend, body: { name: "Acme 2", slug } }),
      400,
    );
    expect(error.code).toBe("duplicate_record");
    expect(error.meta).toMatchObject({ param_name: "slug" });
  });

  it("derives distinct slugs for organizations with the same name", async () => {
    const name = unique("Same Name");
    const [a, b] = [await createOrganization({ name }), await createOrganization({ name })];
    expect(a.slug).not.toBe(b.slug);
  });

  it("a session creates for itself: it is the admin, and backend-only fields are ignored", async () => {
    const as = await session("user_self_creator", "Self@Example.com");
    const org = await json<OrganizationJson>(
      await call("POST", "/v1/organizations", {
        as,
        body: {
          name: "Mine",
          created_by: "user_someone_else",
          max_allowed_memberships: 3,
          private_metadata: { nope: true },
        },
      }),
    );
    expect(org).toMatchObject({
      created_by: "user_self_creator",
      max_allowed_memberships: 0,
      private_metadata: {},
      members_count: 1,
    });
    const read = await json<OrganizationJson>(await getOrganization(org.id, as));
    expect(read.id).toBe(org.id);
  });

  it.each([
    [{}, "form_param_missing", "name"],
    [{ name: "" }, "form_param_value_invalid", "name"],
    [{ name: "   " }, "form_param_value_invalid", "name"],
    [{ name: "Ok", slug: "Not A Slug" }, "form_param_format_invalid", "slug"],
    [
      { name: "Ok", max_allowed_memberships: -1 },
      "form_param_value_invalid",
      "max_allowed_memberships",
    ],
  ])("a bad body (%j) is 422 %s naming %s", async (body, code, param) => {
    const error = await apiError(
      await call("POST", "/v1/organizations", { as: backend, body }),
      422,
    );
    expect(error.code).toBe(code);
    expect(error.meta).toMatchObject({ param_name: param });
  });

  it("malformed JSON is 400 request_body_invalid", async () => {
    const res = await call("POST", "/v1/organizations", { as: backend, rawBody: "{" });
    expect((await apiError(res, 400)).code).toBe("request_body_invalid");
  });

  it("needs credentials", async () => {
    const res = await call("POST", "/v1/organizations", { body: { name: "Anon" } });
    expect((await apiError(res, 401)).code).toBe("authentication_invalid");
  });
});

describe("get an organization", () => {
  it("counts pending invitations: not revoked, not expired", async () => {
    const org = await createOrganization({ createdBy: "user_counter" });
    await bulkInvite(org.id, ["one@example.com", "two@example.com", "three@example.com"]);
    const revoked = await invite(org.id);
    await json(
      await call("POST", `${invitationsPath(org.id)}/${revoked.id}/revoke`, { as: backend }),
    );
    const lapsing = await invite(org.id, { expires_in_days: 1 });

    const now = await json<OrganizationJson>(await getOrganization(org.id));
    expect(now).toMatchObject({ id: org.id, pending_invitations_count: 4, members_count: 1 });

    vi.setSystemTime(lapsing.expires_at + 1);
    const later = await json<OrganizationJson>(await getOrganization(org.id));
    expect(later.pending_invitations_count).toBe(3);
  });

  it("any member's session may read it, without private metadata", async () => {
    const org = await json<OrganizationJson>(
      await call("POST", "/v1/organizations", {
        as: backend,
        body: { name: "Readable", created_by: "user_reader_admin", private_metadata: { x: 1 } },
      }),
    );
    await json(
      await call("POST", `/v1/organizations/${org.id}/memberships`, {
        as: backend,
        body: { user_id: "user_reader_guest", role: "guest_member" },
      }),
    );
    const read = await json<OrganizationJson>(
      await getOrganization(org.id, await session("user_reader_guest")),
    );
    expect(read).toMatchObject({ id: org.id, private_metadata: {}, members_count: 2 });
  });

  it("is 404 for a session that is not a member, exactly as for an unknown organization", async () => {
    const org = await createOrganization({ createdBy: "user_owner" });
    const outsider = await session("user_outsider");
    const hidden = await apiError(await getOrganization(org.id, outsider), 404);
    const unknown = await apiError(
      await getOrganization("org_unknown00000000000000000", outsider),
      404,
    );
    expect(hidden.code).toBe("resource_not_found");
    expect(hidden).toEqual(unknown);
  });

  it("is 404 for an unknown organization, for the backend too", async () => {
    const error = await apiError(await getOrganization("org_unknown00000000000000000"), 404);
    expect(error.code).toBe("resource_not_found");
  });
});
