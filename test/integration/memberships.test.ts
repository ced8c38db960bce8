import { afterEach, describe, expect, it, vi } from "vitest";
import { type MembershipJson, MembershipSchema } from "../../src/contract/objects";
import { backend, type Credentials, call, json, session } from "../support/api";
import { addMember, createOrganization } from "../support/fixtures";
import { apiError } from "../support/invitations";

interface MembershipList {
  data: MembershipJson[];
  total_count: number;
}

const membershipsPath = (orgId: string) => `/v1/organizations/${orgId}/memberships`;
const list = async (orgId: string, query = "", as: Credentials = backend) =>
  json<MembershipList>(
    await call("GET", `${membershipsPath(orgId)}${query ? `?${query}` : ""}`, { as }),
  );
const userIds = (page: MembershipList) => page.data.map((m) => m.public_user_data.user_id);

afterEach(() => {
  vi.useRealTimers();
});

describe("add a membership", () => {
  it("answers with Clerk's membership object", async () => {
    const org = await createOrganization({ name: "Members Inc" });
    const m = await json<MembershipJson>(
      await call("POST", membershipsPath(org.id), {
        as: backend,
        body: {
          user_id: "user_ada",
          role: "basic_member",
          email_address: "Ada@Example.com",
          public_metadata: { team: "math" },
        },
      }),
    );
    expect(MembershipSchema.strict().safeParse(m).error).toBeUndefined();
    expect(m).toMatchObject({
      object: "organization_membership",
      role: "basic_member",
      role_name: "Member",
      public_metadata: { team: "math" },
      organization: { id: org.id, name: "Members Inc", slug: org.slug },
      public_user_data: { user_id: "user_ada", identifier: "ada@example.com" },
    });
    expect(m.id).toMatch(/^orgmem_/);
    expect(m.permissions).toContain("org:sys_memberships:read");
    expect(m.permissions).not.toContain("org:sys_invitations:manage");
  });

  it("a user already in the organization is 400 already_a_member_in_organization", async () => {
    const org = await createOrganization({ createdBy: "user_twice" });
    const error = await apiError(
      await call("POST", membershipsPath(org.id), {
        as: backend,
        body: { user_id: "user_twice", role: "guest_member" },
      }),
      400,
    );
    expect(error.code).toBe("already_a_member_in_organization");
    expect((await list(org.id)).data.map((m) => m.role)).toEqual(["admin"]);
  });

  it("is 404 for an unknown organization", async () => {
    const res = await call("POST", membershipsPath("org_unknown00000000000000000"), {
      as: backend,
      body: { user_id: "user_x", role: "admin" },
    });
    expect((await apiError(res, 404)).code).toBe("resource_not_found");
  });

  it("is the backend's alone: an admin's session is 403", async () => {
    const org = await createOrganization({ createdBy: "user_adder" });
    const res = await call("POST", membershipsPath(org.id), {
      as: await session("user_adder"),
      body: { user_id: "user_friend", role: "admin" },
    });
    expect((await apiError(res, 403)).code).toBe("missing_organization_permission");
    expect(userIds(await list(org.id))).toEqual(["user_adder"]);
  });

  it.each([
    [{ role: "admin" }, "form_param_missing", "user_id"],
    [{ user_id: "user_y" }, "form_param_missing", "role"],
    [{ user_id: "user_y", role: "owner" }, "form_param_value_invalid", "role"],
    [
      { user_id: "user_y", role: "admin", email_address: "nope" },
      "form_param_format_invalid",
      "email_address",
    ],
  ])("a bad body (%j) is 422 %s naming %s", async (body, code, param) => {
    const org = await createOrganization();
    const error = await apiError(
      await call("POST", membershipsPath(org.id), { as: backend, body }),
      422,
    );
    expect(error.code).toBe(code);
    expect(error.meta).toMatchObject({ param_name: param });
  });
});

describe("list memberships", () => {
  it("lists newest first with the total, in either paging family", async () => {
    const org = await createOrganization();
    const start = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(start + i * 1000);
      await addMember(org.id, `user_m${i}`, "basic_member");
    }
    vi.useRealTimers();
    const all = await list(org.id);
    expect(userIds(all)).toEqual(["user_m4", "user_m3", "user_m2", "user_m1", "user_m0"]);
    expect(all.total_count).toBe(5);
    const seed = await list(org.id, "initialPage=2&pageSize=2");
    const clerk = await list(org.id, "limit=2&offset=2");
    expect(userIds(seed)).toEqual(["user_m2", "user_m1"]);
    expect(userIds(clerk)).toEqual(userIds(seed));
    expect(seed.total_count).toBe(5);
    expect(await list(org.id, "offset=5")).toEqual({ data: [], total_count: 5 });
  });

  it.each([["initialPage=1&limit=2"], ["pageSize=0"], ["limit=501"]])(
    "%s is 422",
    async (query) => {
      const org = await createOrganization();
      const res = await call("GET", `${membershipsPath(org.id)}?${query}`, { as: backend });
      expect((await apiError(res, 422)).code).toBe("form_param_value_invalid");
    },
  );

  it("members may list, guests may not, outsiders see 404", async () => {
    const org = await createOrganization({ createdBy: "user_list_admin" });
    await addMember(org.id, "user_list_basic", "basic_member");
    await addMember(org.id, "user_list_guest", "guest_member");

    expect((await list(org.id, "", await session("user_list_admin"))).total_count).toBe(3);
    expect((await list(org.id, "", await session("user_list_basic"))).total_count).toBe(3);
    const guest = await call("GET", membershipsPath(org.id), {
      as: await session("user_list_guest"),
    });
    expect((await apiError(guest, 403)).code).toBe("missing_organization_permission");
    const outsider = await call("GET", membershipsPath(org.id), {
      as: await session("user_list_stranger"),
    });
    expect((await apiError(outsider, 404)).code).toBe("resource_not_found");
  });
});

describe("remove a membership", () => {
  it("removes the member and answers with the removed membership", async () => {
    const org = await createOrganization({ createdBy: "user_stay" });
    await addMember(org.id, "user_go", "basic_member");
    const removed = await json<MembershipJson>(
      await call("DELETE", `${membershipsPath(org.id)}/user_go`, { as: backend }),
    );
    expect(removed).toMatchObject({
      object: "organization_membership",
      public_user_data: { user_id: "user_go" },
    });
    const after = await list(org.id);
    expect(userIds(after)).toEqual(["user_stay"]);
    expect(after.total_count).toBe(1);
  });

  it("removing someone who is not a member is 404", async () => {
    const org = await createOrganization();
    const res = await call("DELETE", `${membershipsPath(org.id)}/user_never`, { as: backend });
    expect((await apiError(res, 404)).code).toBe("resource_not_found");
  });

  it("an admin's session may remove a member; a basic member's may not", async () => {
    const org = await createOrganization({ createdBy: "user_rm_admin" });
    await addMember(org.id, "user_rm_basic", "basic_member");
    await addMember(org.id, "user_rm_target", "guest_member");

    const denied = await call("DELETE", `${membershipsPath(org.id)}/user_rm_target`, {
      as: await session("user_rm_basic"),
    });
    expect((await apiError(denied, 403)).code).toBe("missing_organization_permission");

    const ok = await call("DELETE", `${membershipsPath(org.id)}/user_rm_target`, {
      as: await session("user_rm_admin"),
    });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    expect(userIds(await list(org.id)).sort()).toEqual(["user_rm_admin", "user_rm_basic"]);
  });

  it("a session that is not a member gets 404, and nothing is removed", async () => {
    const org = await createOrganization({ createdBy: "user_kept" });
    const res = await call("DELETE", `${membershipsPath(org.id)}/user_kept`, {
      as: await session("user_intruder"),
    });
    expect((await apiError(res, 404)).code).toBe("resource_not_found");
    expect(userIds(await list(org.id))).toEqual(["user_kept"]);
  });
});
