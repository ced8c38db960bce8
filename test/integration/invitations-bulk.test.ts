import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { InvitationEmailMessageSchema } from "../../src/queue/messages";
import { backend, call, json } from "../support/api";
import { addMember, createOrganization, invite } from "../support/fixtures";
import {
  addresses,
  apiError,
  countStoredInvitations,
  type InvitationList,
  invitationsPath,
  recordQueueSends,
} from "../support/invitations";

const bulkPath = (orgId: string) => `${invitationsPath(orgId)}/bulk`;
const bulk = (orgId: string, body: unknown) => call("POST", bulkPath(orgId), { as: backend, body });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("bulk: both body forms", () => {
  it("takes Clerk's array of create items, each with its own role and options", async () => {
    const org = await createOrganization();
    const created = await json<InvitationList>(
      await bulk(org.id, [
        { email_address: "Ann@Example.com", role: "admin", public_metadata: { seat: 1 } },
        { email_address: "ben@example.com", role: "guest_member", expires_in_days: 3 },
      ]),
    );
    expect(created.total_count).toBe(2);
    expect(created.data.map((i) => [i.email_address, i.role, i.role_name])).toEqual([
      ["ann@example.com", "admin", "Admin"],
      ["ben@example.com", "guest_member", "Guest"],
    ]);
    expect(created.data[0]?.public_metadata).toEqual({ seat: 1 });
    const ben = created.data[1];
    expect(ben && ben.expires_at - ben.created_at).toBe(3 * 24 * 60 * 60 * 1000);
    expect(await countStoredInvitations(org.id)).toBe(2);
  });

  it("takes the seed's {email_address: [...], role} with one role for all", async () => {
    const org = await createOrganization();
    const created = await json<InvitationList>(
      await bulk(org.id, {
        email_address: ["c1@example.com", "C2@example.com"],
        role: "basic_member",
      }),
    );
    expect(created.total_count).toBe(2);
    expect(created.data.map((i) => [i.email_address, i.role, i.status])).toEqual([
      ["c1@example.com", "basic_member", "pending"],
      ["c2@example.com", "basic_member", "pending"],
    ]);
  });

  it.each([['"a@example.com"'], ["17"], ["null"], ["{not json"]])(
    "a body that is not an object or array (%s) is 400 request_body_invalid",
    async (rawBody) => {
      const org = await createOrganization();
      const res = await call("POST", bulkPath(org.id), { as: backend, rawBody });
      expect((await apiError(res, 400)).code).toBe("request_body_invalid");
    },
  );

  it.each([[[]], [{ email_address: [], role: "admin" }]])(
    "an empty request (%j) is 422 form_param_missing naming email_address",
    async (body) => {
      const org = await createOrganization();
      const error = await apiError(await bulk(org.id, body), 422);
      expect(error.code).toBe("form_param_missing");
      expect(error.meta).toMatchObject({ param_name: "email_address" });
    },
  );

  it.each([
    [[{ email_address: "x@example.com", role: "owner" }], "role"],
    [{ email_address: ["x@example.com"], role: "owner" }, "role"],
    [[{ email_address: "x@example.com" }], "role"],
    [{ email_address: ["x@example.com"] }, "role"],
  ])("a bad or missing role (%j) is 422 naming %s", async (body, param) => {
    const org = await createOrganization();
    const error = await apiError(await bulk(org.id, body), 422);
    expect(error.code).toMatch(/^form_param_(value_invalid|missing)$/);
    expect(error.meta).toMatchObject({ param_name: param });
  });

  it("one invalid address refuses the whole request with 422 form_param_format_invalid", async () => {
    const org = await createOrganization();
    const error = await apiError(
      await bulk(org.id, { email_address: ["ok@example.com", "not an email"], role: "admin" }),
      422,
    );
    expect(error.code).toBe("form_param_format_invalid");
    expect(error.meta).toMatchObject({ param_name: "email_address" });
    expect(await countStoredInvitations(org.id)).toBe(0);
  });
});

describe("bulk: size", () => {
  it("1000 valid addresses succeed in one call and put 1000 messages on the queue", async () => {
    const org = await createOrganization();
    const sends = recordQueueSends();
    const created = await json<InvitationList>(
      await bulk(org.id, { email_address: addresses("thousand", 1000), role: "basic_member" }),
    );
    expect(created.total_count).toBe(1000);
    expect(created.data).toHaveLength(1000);

    // Every invitation is stored, waiting for its email.
    expect(await countStoredInvitations(org.id)).toBe(1000);
    expect(await countStoredInvitations(org.id, "queued")).toBe(1000);

    // 1000 messages, at most 100 per sendBatch call, one per created invitation.
    const batches = sends.mock.calls.map(([messages]) => [...messages]);
    expect(batches.every((b) => b.length <= 100)).toBe(true);
    const messages = batches.flat();
    expect(messages).toHaveLength(1000);
    const ids = messages.map((m) => InvitationEmailMessageSchema.parse(m.body).invitation_id);
    expect(new Set(ids)).toEqual(new Set(created.data.map((i) => i.id)));
  });

  it("notify: false creates the invitations without putting anything on the queue", async () => {
    const org = await createOrganization();
    const sends = recordQueueSends();
    const created = await json<InvitationList>(
      await bulk(org.id, {
        email_address: addresses("quiet", 3),
        role: "guest_member",
        notify: false,
      }),
    );
    expect(created.data.map((i) => i.email_delivery.status)).toEqual([
      "skipped",
      "skipped",
      "skipped",
    ]);
    expect(sends).not.toHaveBeenCalled();
  });

  it("a single create puts exactly one message on the queue, for that invitation", async () => {
    const org = await createOrganization();
    const sends = recordQueueSends();
    const inv = await invite(org.id);
    const messages = sends.mock.calls.flatMap(([batch]) => [...batch]);
    expect(messages.map((m) => InvitationEmailMessageSchema.parse(m.body))).toEqual([
      expect.objectContaining({ type: "invitation.email", invitation_id: inv.id, link_version: 1 }),
    ]);
  });

  it("1001 addresses are 400 bulk_size_exceeded and create nothing", async () => {
    const org = await createOrganization();
    const sends = recordQueueSends();
    const error = await apiError(
      await bulk(org.id, { email_address: addresses("toomany", 1001), role: "basic_member" }),
      400,
    );
    expect(error.code).toBe("bulk_size_exceeded");
    expect(error.meta).toMatchObject({ max: 1000, received: 1001 });
    expect(await countStoredInvitations(org.id)).toBe(0);
    expect(sends).not.toHaveBeenCalled();
  });

  it("1001 items in Clerk's array form are 400 bulk_size_exceeded", async () => {
    const org = await createOrganization();
    const items = addresses("toomanyitems", 1001).map((a) => ({ email_address: a, role: "admin" }));
    expect((await apiError(await bulk(org.id, items), 400)).code).toBe("bulk_size_exceeded");
  });
});

describe("bulk: all or nothing", () => {
  it("an address with a pending invitation refuses the request, naming every such address", async () => {
    const org = await createOrganization();
    const taken = [
      await invite(org.id, { email_address: "taken1@example.com" }),
      await invite(org.id, { email_address: "taken2@example.com" }),
    ];
    const sends = recordQueueSends();
    const error = await apiError(
      await bulk(org.id, {
        email_address: [
          "fresh1@example.com",
          "TAKEN1@example.com",
          "fresh2@example.com",
          "taken2@example.com",
        ],
        role: "basic_member",
      }),
      400,
    );
    expect(error.code).toBe("duplicate_record");
    expect(error.meta).toEqual({
      email_addresses: expect.arrayContaining(taken.map((i: InvitationJson) => i.email_address)),
    });
    expect((error.meta.email_addresses as unknown[]).length).toBe(2);
    // Nothing new was stored or queued.
    expect(await countStoredInvitations(org.id)).toBe(2);
    expect(sends).not.toHaveBeenCalled();
  });

  it("the array form is refused the same way", async () => {
    const org = await createOrganization();
    await invite(org.id, { email_address: "held@example.com" });
    const error = await apiError(
      await bulk(org.id, [
        { email_address: "new@example.com", role: "admin" },
        { email_address: "Held@Example.com", role: "guest_member" },
      ]),
      400,
    );
    expect(error.code).toBe("duplicate_record");
    expect(error.meta).toEqual({ email_addresses: ["held@example.com"] });
    expect(await countStoredInvitations(org.id)).toBe(1);
  });

  it.each([
    [{ email_address: ["dup@example.com", "other@example.com", "DUP@example.com"], role: "admin" }],
    [
      [
        { email_address: "dup@example.com", role: "admin" },
        { email_address: " dup@example.com ", role: "basic_member" },
      ],
    ],
  ])("the same address twice in one request (%j) is 422 and creates nothing", async (body) => {
    const org = await createOrganization();
    const error = await apiError(await bulk(org.id, body), 422);
    expect(error.code).toBe("form_param_value_invalid");
    expect(error.meta).toMatchObject({
      param_name: "email_address",
      email_addresses: ["dup@example.com"],
    });
    expect(await countStoredInvitations(org.id)).toBe(0);
  });

  it("an address that belongs to a member is 400 already_a_member_in_organization", async () => {
    const org = await createOrganization();
    await addMember(org.id, "user_existing", "basic_member", "Existing@Example.com");
    const error = await apiError(
      await bulk(org.id, {
        email_address: ["new@example.com", "existing@example.com"],
        role: "admin",
      }),
      400,
    );
    expect(error.code).toBe("already_a_member_in_organization");
    expect(error.meta).toEqual({ email_addresses: ["existing@example.com"] });
    expect(await countStoredInvitations(org.id)).toBe(0);
  });
});
