import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type InvitationJson, InvitationSchema } from "../../src/contract/objects";
import { backend, call, json, session } from "../support/api";
import { createOrganization, email, invite } from "../support/fixtures";
import {
  apiError,
  countStoredInvitations,
  invitationsPath,
  listInvitations,
} from "../support/invitations";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The contract's invitation object, field for field (Clerk's names). */
const CONTRACT_FIELDS = [
  "object",
  "id",
  "email_address",
  "role",
  "role_name",
  "organization_id",
  "inviter_id",
  "status",
  "public_metadata",
  "private_metadata",
  "url",
  "expires_at",
  "created_at",
  "updated_at",
  "email_delivery",
];

let orgId = "";
const create = (body: unknown, as = backend) => call("POST", invitationsPath(orgId), { as, body });

beforeAll(async () => {
  orgId = (await createOrganization({ createdBy: "user_create_admin" })).id;
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("create: the invitation object", () => {
  it("answers with the contract's object: Clerk's field names, ms timestamps, 30-day expiry", async () => {
    const before = Date.now();
    const inv = await json<InvitationJson>(
      await create({ email_address: "  Ada.Lovelace@Example.COM ", role: "basic_member" }),
    );
    const after = Date.now();

    expect(Object.keys(inv)).toEqual(expect.arrayContaining(CONTRACT_FIELDS));
    expect(InvitationSchema.strict().safeParse(inv).error).toBeUndefined();
    expect(inv).toMatchObject({
      object: "organization_invitation",
      email_address: "ada.lovelace@example.com",
      role: "basic_member",
      role_name: "Member",
      organization_id: orgId,
      inviter_id: null,
      status: "pending",
      public_metadata: {},
      private_metadata: {},
      email_delivery: { status: "queued", attempts: 0, last_error: null, sent_at: null },
    });
    expect(inv.id).toMatch(/^orginv_[0-9A-Za-z]{24}$/);
    // Milliseconds, not seconds: "now" is around 1.7e12 ms.
    expect(inv.created_at).toBeGreaterThanOrEqual(before);
    expect(inv.created_at).toBeLessThanOrEqual(after);
    expect(inv.updated_at).toBe(inv.created_at);
    expect(inv.expires_at - inv.created_at).toBe(30 * DAY_MS);
    expect(inv.url).toMatch(/^https:\/\/invitations\.test\/accept\?ticket=orginv_/);
  });

  it.each([
    ["admin", "Admin"],
    ["basic_member", "Member"],
    ["guest_member", "Guest"],
  ])("role %s is named %s", async (role, roleName) => {
    const inv = await json<InvitationJson>(await create({ email_address: email(), role }));
    expect(inv).toMatchObject({ role, role_name: roleName });
  });

  it("takes the backend's options: inviter, metadata, expiry, redirect, notify", async () => {
    const inv = await json<InvitationJson>(
      await create({
        email_address: email(),
        role: "admin",
        inviter_user_id: "user_inviter",
        public_metadata: { team: "core" },
        private_metadata: { cost_center: 42 },
        expires_in_days: 7,
        redirect_url: "https://app.example.com/welcome",
        notify: false,
      }),
    );
    expect(inv).toMatchObject({
      inviter_id: "user_inviter",
      public_metadata: { team: "core" },
      private_metadata: { cost_center: 42 },
      redirect_url: "https://app.example.com/welcome",
      email_delivery: { status: "skipped" },
    });
    expect(inv.expires_at - inv.created_at).toBe(7 * DAY_MS);
  });

  it("a session admin is the inviter, sees no private fields, and cannot set backend options", async () => {
    const admin = await session("user_create_admin", "admin@example.com");
    const inv = await json<InvitationJson>(
      await create(
        {
          email_address: email(),
          role: "guest_member",
          inviter_user_id: "user_someone_else",
          private_metadata: { secret: true },
          expires_in_days: 2,
        },
        admin,
      ),
    );
    expect(inv).toMatchObject({
      inviter_id: "user_create_admin",
      private_metadata: {},
      url: null,
    });
    expect(inv.expires_at - inv.created_at).toBe(30 * DAY_MS);
  });

  it("reads back the same object from GET", async () => {
    const created = await invite(orgId, { public_metadata: { a: 1 } });
    const fetched = await json<InvitationJson>(
      await call("GET", `${invitationsPath(orgId)}/${created.id}`, { as: backend }),
    );
    expect(fetched).toEqual(created);
  });
});

describe("create: duplicates", () => {
  it.each([
    ["grace@example.com", "grace@example.com"],
    ["Grace.H@Example.com", "grace.h@EXAMPLE.COM"],
    ["hopper@example.com", "  HOPPER@example.com  "],
  ])(
    "a second pending invitation to %s (sent as %j) is 400 duplicate_record naming it",
    async (first, second) => {
      const original = await invite(orgId, { email_address: first });
      const error = await apiError(await create({ email_address: second, role: "admin" }), 400);
      expect(error.code).toBe("duplicate_record");
      expect(error.meta).toEqual({ email_addresses: [original.email_address] });
      const same = await listInvitations(orgId, `email_address=${original.email_address}`);
      expect(same.total_count).toBe(1);
    },
  );

  it("concurrent invitations to one address: the database lets exactly one through", async () => {
    const raced = await createOrganization();
    const results = await Promise.all(
      ["race@example.com", "Race@example.com", "RACE@example.com", "race@Example.com"].map(
        (address) =>
          call("POST", invitationsPath(raced.id), {
            as: backend,
            body: { email_address: address, role: "basic_member" },
          }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400, 400]);
    for (const res of results.filter((r) => r.status === 400)) {
      const error = await apiError(res, 400);
      expect(error.code).toBe("duplicate_record");
      expect(error.meta).toEqual({ email_addresses: ["race@example.com"] });
    }
    expect(await countStoredInvitations(raced.id)).toBe(1);
  });

  it("the database itself refuses a second pending row for an address (the unique index)", async () => {
    const org = await createOrganization();
    const inv = await invite(org.id, { email_address: "indexed@example.com" });
    // A pending copy of the invitation, under a new id: what a racing writer would insert.
    const pendingCopy = (id: string) =>
      env.DB.prepare(
        `INSERT INTO invitations (id, organization_id, email_address, role, status, expires_at,
           delivery_status, created_at, updated_at)
         SELECT ?, organization_id, email_address, role, 'pending', expires_at, delivery_status,
           created_at, updated_at FROM invitations WHERE id = ?`,
      )
        .bind(id, inv.id)
        .run();
    await expect(pendingCopy("orginv_copy_1")).rejects.toThrow(/UNIQUE constraint failed/);
    // Once the first is no longer pending, the slot is free.
    await env.DB.prepare("UPDATE invitations SET status = 'revoked' WHERE id = ?")
      .bind(inv.id)
      .run();
    await expect(pendingCopy("orginv_copy_2")).resolves.toMatchObject({ success: true });
  });

  it("the same address may be invited again once the pending one is revoked", async () => {
    const first = await invite(orgId, { email_address: "again@example.com" });
    await json(await call("POST", `${invitationsPath(orgId)}/${first.id}/revoke`, { as: backend }));
    const second = await json<InvitationJson>(
      await create({ email_address: "Again@example.com", role: "basic_member" }),
    );
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe("pending");
  });

  it("an address whose pending invitation lapsed may be invited again; the old one reads expired", async () => {
    const org = await createOrganization();
    const old = await invite(org.id, { email_address: "lapsed@example.com", expires_in_days: 1 });
    vi.setSystemTime(old.expires_at + 1);
    const fresh = await invite(org.id, { email_address: "Lapsed@example.com" });
    expect(fresh.status).toBe("pending");
    const previous = await json<InvitationJson>(
      await call("GET", `${invitationsPath(org.id)}/${old.id}`, { as: backend }),
    );
    expect(previous.status).toBe("expired");
    const expired = await listInvitations(org.id, "status=expired");
    expect(expired.data.map((i) => i.id)).toEqual([old.id]);
  });

  it("the same address may be pending in two organizations", async () => {
    const other = await createOrganization();
    await invite(orgId, { email_address: "twice@example.com" });
    const inOther = await invite(other.id, { email_address: "twice@example.com" });
    expect(inOther.organization_id).toBe(other.id);
  });

  it("an address that belongs to a member is 400 already_a_member_in_organization", async () => {
    const memberOrg = await createOrganization();
    await json(
      await call("POST", `/v1/organizations/${memberOrg.id}/memberships`, {
        as: backend,
        body: { user_id: "user_member", role: "basic_member", email_address: "Member@Example.com" },
      }),
    );
    const res = await call("POST", invitationsPath(memberOrg.id), {
      as: backend,
      body: { email_address: "member@example.com", role: "admin" },
    });
    const error = await apiError(res, 400);
    expect(error.code).toBe("already_a_member_in_organization");
    expect(error.meta).toEqual({ email_addresses: ["member@example.com"] });
  });
});

describe("create: validation", () => {
  it.each([
    ["not-an-email"],
    ["a@b"],
    ["two words@example.com"],
    ["<angle@example.com>"],
    ["a@b@example.com"],
    [""],
    [`${"x".repeat(250)}@example.com`],
  ])(
    "an invalid email (%j) is 422 form_param_format_invalid naming email_address",
    async (address) => {
      const error = await apiError(await create({ email_address: address, role: "admin" }), 422);
      expect(error.code).toBe("form_param_format_invalid");
      expect(error.meta).toMatchObject({ param_name: "email_address" });
    },
  );

  it.each([["owner"], ["ADMIN"], ["org:admin"], [""]])(
    "an unknown role (%j) is 422 form_param_value_invalid naming role",
    async (role) => {
      const error = await apiError(await create({ email_address: email(), role }), 422);
      expect(error.code).toBe("form_param_value_invalid");
      expect(error.meta).toMatchObject({ param_name: "role" });
    },
  );

  it.each([
    ["{not json"],
    ['{"email_address": "a@example.com",'],
    ["email_address=a@example.com&role=admin"],
  ])("malformed JSON (%j) is 400 request_body_invalid", async (rawBody) => {
    const res = await call("POST", invitationsPath(orgId), { as: backend, rawBody });
    expect((await apiError(res, 400)).code).toBe("request_body_invalid");
  });

  it.each([['"ada@example.com"'], ["42"], ["null"], ["true"], ['[{"email_address":"a@b.co"}]']])(
    "a body that is JSON but not an object (%s) is 400 request_body_invalid",
    async (rawBody) => {
      const res = await call("POST", invitationsPath(orgId), { as: backend, rawBody });
      expect((await apiError(res, 400)).code).toBe("request_body_invalid");
    },
  );

  it.each([
    [{ role: "admin" }, "email_address"],
    [{ email_address: "ada@example.com" }, "role"],
    [{}, "email_address"],
  ])("a missing field (%j) is 422 form_param_missing naming %s", async (body, param) => {
    const error = await apiError(await create(body), 422);
    expect(error.code).toBe("form_param_missing");
    expect(error.meta).toMatchObject({ param_name: param });
  });

  it.each([
    [{ email_address: 42, role: "admin" }, "email_address"],
    [{ email_address: ["a@example.com"], role: "admin" }, "email_address"],
    [{ email_address: "a@example.com", role: 1 }, "role"],
    [{ email_address: "a@example.com", role: "admin", expires_in_days: 0 }, "expires_in_days"],
    [{ email_address: "a@example.com", role: "admin", expires_in_days: 366 }, "expires_in_days"],
    [{ email_address: "a@example.com", role: "admin", public_metadata: "x" }, "public_metadata"],
  ])("a wrong value (%j) is 422 form_param_value_invalid naming %s", async (body, param) => {
    const error = await apiError(await create(body), 422);
    expect(error.code).toBe("form_param_value_invalid");
    expect(error.meta).toMatchObject({ param_name: param });
  });

  it("stores nothing when the request is refused", async () => {
    const quiet = await createOrganization();
    const bad = [
      { email_address: "nope", role: "admin" },
      { email_address: "ok@example.com", role: "owner" },
      { role: "admin" },
    ];
    for (const body of bad) {
      const res = await call("POST", invitationsPath(quiet.id), { as: backend, body });
      expect(res.status).toBe(422);
      await res.body?.cancel();
    }
    expect(await countStoredInvitations(quiet.id)).toBe(0);
  });
});
