/**
 * `max_allowed_memberships`: members plus pending invitations may not pass it (Clerk's rule). A
 * request that would pass it is 403 `organization_membership_quota_exceeded` and creates nothing.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { openDatabase } from "../../src/db/client";
import { quotaMemberCountRead } from "../../src/organizations/repository";
import { backend, call, json, session } from "../support/api";
import { addMember, createOrganization, email, invite, unique } from "../support/fixtures";
import { errorOf } from "../support/invitee";

type Page = { data: InvitationJson[]; total_count: number };

afterEach(() => {
  vi.useRealTimers();
});

const createOne = (orgId: string, body: Record<string, unknown> = {}) =>
  call("POST", `/v1/organizations/${orgId}/invitations`, {
    as: backend,
    body: { email_address: email(), role: "basic_member", ...body },
  });

const createBulk = (orgId: string, body: unknown) =>
  call("POST", `/v1/organizations/${orgId}/invitations/bulk`, { as: backend, body });

const invitationCount = async (orgId: string) =>
  (
    await json<Page>(
      await call("GET", `/v1/organizations/${orgId}/invitations?limit=500`, { as: backend }),
    )
  ).total_count;

/** An organization whose creator is its first member, limited to `max` memberships. */
const limitedOrganization = (max: number) =>
  createOrganization({ createdBy: unique("user_admin"), max });

describe("the membership quota, single creation", () => {
  it("admits invitations up to the limit and refuses the one that would pass it", async () => {
    const org = await limitedOrganization(3);
    await invite(org.id);
    await invite(org.id);

    const refused = await errorOf(await createOne(org.id), 403);

    expect(refused).toMatchObject({
      code: "organization_membership_quota_exceeded",
      meta: { max_allowed_memberships: 3, members: 1, pending_invitations: 2 },
    });
    expect(await invitationCount(org.id), "nothing created").toBe(2);
  });

  it("counts a session admin's invitations the same way", async () => {
    const adminId = unique("user_admin");
    const org = await createOrganization({ createdBy: adminId, max: 1 });
    const res = await call("POST", `/v1/organizations/${org.id}/invitations`, {
      as: await session(adminId, email("admin")),
      body: { email_address: email(), role: "basic_member" },
    });
    expect((await errorOf(res, 403)).code).toBe("organization_membership_quota_exceeded");
  });

  it("gives the slot back when an invitation is revoked or expires", async () => {
    const org = await limitedOrganization(2);
    const first = await invite(org.id, { expires_in_days: 1 });
    expect((await errorOf(await createOne(org.id), 403)).code).toBe(
      "organization_membership_quota_exceeded",
    );

    await json(
      await call("POST", `/v1/organizations/${org.id}/invitations/${first.id}/revoke`, {
        as: backend,
      }),
    );
    const second = await json<InvitationJson>(await createOne(org.id, { expires_in_days: 1 }));

    vi.setSystemTime(second.expires_at + 1_000);
    await json(await createOne(org.id));
  });

  it("counts an accepted invitation as the member it became", async () => {
    const org = await limitedOrganization(2);
    const address = email("joiner");
    const invitation = await invite(org.id, { email_address: address });
    await json(
      await call("POST", `/v1/me/organization_invitations/${invitation.id}/accept`, {
        as: await session(unique("user_joiner"), address),
      }),
    );

    expect(await errorOf(await createOne(org.id), 403)).toMatchObject({
      meta: { members: 2, pending_invitations: 0 },
    });
  });

  it("counts members added directly", async () => {
    const org = await limitedOrganization(2);
    await addMember(org.id, unique("user_direct"), "basic_member");
    expect((await errorOf(await createOne(org.id), 403)).code).toBe(
      "organization_membership_quota_exceeded",
    );
  });

  it("is unlimited at 0, the default", async () => {
    const org = await createOrganization({ createdBy: unique("user_admin") });
    for (let i = 0; i < 5; i++) await json(await createOne(org.id));
    expect(await invitationCount(org.id)).toBe(5);
  });
});

describe("the membership quota, bulk creation", () => {
  it("refuses a bulk request that would pass the limit as a whole, creating none of it", async () => {
    const org = await limitedOrganization(4);
    await invite(org.id);

    const byAddresses = await createBulk(org.id, {
      email_address: [email(), email(), email()],
      role: "basic_member",
    });
    expect(await errorOf(byAddresses, 403)).toMatchObject({
      code: "organization_membership_quota_exceeded",
      meta: { max_allowed_memberships: 4, members: 1, pending_invitations: 1 },
    });
    const clerkItems = await createBulk(org.id, [
      { email_address: email(), role: "admin" },
      { email_address: email(), role: "basic_member" },
      { email_address: email(), role: "guest_member" },
    ]);
    expect((await errorOf(clerkItems, 403)).code).toBe("organization_membership_quota_exceeded");
    expect(await invitationCount(org.id), "all or nothing").toBe(1);
  });

  it("admits a bulk request that exactly fills the limit", async () => {
    const org = await limitedOrganization(4);
    const created = await json<Page>(
      await createBulk(org.id, {
        email_address: [email(), email(), email()],
        role: "basic_member",
      }),
    );
    expect(created.total_count).toBe(3);
    expect((await errorOf(await createOne(org.id), 403)).code).toBe(
      "organization_membership_quota_exceeded",
    );
  });
});

describe("the membership quota's cost", () => {
  /** Rows D1 reads to answer the quota check's member count for the organization. */
  async function memberRowsRead(orgId: string): Promise<number> {
    const { query } = quotaMemberCountRead(openDatabase(env.DB), orgId);
    const result = await env.DB.prepare(query.sql)
      .bind(...query.params)
      .all();
    return result.meta.rows_read;
  }

  it("counts members only for an organization that has a quota", async () => {
    const free = await createOrganization();
    const limited = await limitedOrganization(100);
    for (const org of [free, limited]) {
      for (let i = 0; i < 20; i++) await addMember(org.id, unique("user_m"), "basic_member");
    }
    expect(await memberRowsRead(limited.id), "21 members walked").toBeGreaterThanOrEqual(21);
    expect(await memberRowsRead(free.id), "no membership walked").toBeLessThan(5);
  });
});
