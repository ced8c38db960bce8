/**
 * The client SDK against the real worker: the worker's own `fetch` is handed to the SDK, so every
 * request goes through routing, auth, validation and D1 exactly as over the network.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  ApiResponseError,
  createClient,
  type FetchLike,
  type InvitationsClient,
  Organization,
  OrganizationInvitation,
} from "../../src/client";
import { SECRET_KEY, sessionToken } from "../support/api";
import { addMember, createOrganization, email, unique } from "../support/fixtures";

const DAY_MS = 24 * 60 * 60 * 1000;
const workerFetch: FetchLike = (input, init) => exports.default.fetch(new Request(input, init));

const clientWith = (token: string | null): InvitationsClient =>
  createClient({ baseUrl: "https://invitations.test/", getToken: () => token, fetch: workerFetch });

/** An organization, its admin's SDK client (session with `org_id`), and the organization object. */
async function adminWorld() {
  const adminId = unique("user_admin");
  const org = await createOrganization({ createdBy: adminId });
  const token = await sessionToken(adminId, { email: email("admin"), org_id: org.id });
  const client = clientWith(token);
  return { adminId, client, organization: await client.getOrganization(org.id) };
}

/** The error a promise rejects with, asserted to be the SDK's one error class. */
async function failure(promise: Promise<unknown>): Promise<ApiResponseError> {
  const err = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiResponseError);
  return err as ApiResponseError;
}

async function inviteMany(organization: Organization, count: number) {
  const created: OrganizationInvitation[] = [];
  for (let i = 0; i < count; i++) {
    created.push(
      await organization.inviteMember({ emailAddress: email(`many-${i}`), role: "basic_member" }),
    );
  }
  return created;
}

describe("client.getOrganization / getActiveOrganization", () => {
  it("reads the organization into camelCase fields and Dates", async () => {
    const { organization, adminId } = await adminWorld();
    expect(organization).toBeInstanceOf(Organization);
    expect(organization.id).toMatch(/^org_/);
    expect(organization.createdBy).toBe(adminId);
    expect(organization.membersCount).toBe(1);
    expect(organization.pendingInvitationsCount).toBe(0);
    expect(organization.createdAt).toBeInstanceOf(Date);
    expect(organization.privateMetadata, "sessions never see private metadata").toEqual({});
  });

  it("finds the active organization from the token's org_id or o.id claim, or none", async () => {
    const { organization, adminId } = await adminWorld();
    const byOrgId = await clientWith(
      await sessionToken(adminId, { org_id: organization.id }),
    ).getActiveOrganization();
    expect(byOrgId?.id).toBe(organization.id);

    const byV2Claim = await clientWith(
      await sessionToken(adminId, { o: { id: organization.id, rol: "admin" } }),
    ).getActiveOrganization();
    expect(byV2Claim?.id).toBe(organization.id);

    const none = await clientWith(await sessionToken(adminId)).getActiveOrganization();
    expect(none).toBeNull();
    expect(await clientWith(null).getActiveOrganization(), "signed out").toBeNull();
  });
});

describe("Organization.inviteMember / inviteMembers", () => {
  it("invites one address and returns an OrganizationInvitation with camelCase fields and Dates", async () => {
    const { organization, adminId } = await adminWorld();
    const address = email("ada");
    const invitation = await organization.inviteMember({
      emailAddress: address.toUpperCase(),
      role: "admin",
    });

    expect(invitation).toBeInstanceOf(OrganizationInvitation);
    expect(invitation).toMatchObject({
      emailAddress: address,
      role: "admin",
      roleName: "Admin",
      organizationId: organization.id,
      inviterId: adminId,
      status: "pending",
      publicMetadata: {},
      url: null,
      publicOrganizationData: null,
    });
    expect(invitation.id).toMatch(/^orginv_/);
    expect(invitation.createdAt).toBeInstanceOf(Date);
    expect(invitation.expiresAt.getTime() - invitation.createdAt.getTime()).toBe(30 * DAY_MS);
    expect(invitation.emailDelivery).toMatchObject({ status: "queued", sentAt: null });
  });

  it("invites many addresses with one role, all or nothing", async () => {
    const { organization } = await adminWorld();
    const addresses = [email("m1"), email("m2"), email("m3")];
    const invitations = await organization.inviteMembers({
      emailAddresses: addresses,
      role: "guest_member",
    });
    expect(invitations.map((i) => i.emailAddress).sort()).toEqual([...addresses].sort());
    expect(invitations.every((i) => i.role === "guest_member" && i.roleName === "Guest")).toBe(
      true,
    );

    const err = await failure(
      organization.inviteMembers({
        emailAddresses: [email("m4"), addresses[0] ?? ""],
        role: "admin",
      }),
    );
    expect(err.code).toBe("duplicate_record");
    const { total_count } = await organization.getInvitations();
    expect(total_count, "the failed bulk created nothing").toBe(3);
  });
});

describe("Organization.getInvitations", () => {
  it("pages with initialPage/pageSize: pages are consecutive slices of the newest-first list", async () => {
    const { organization } = await adminWorld();
    await inviteMany(organization, 7);
    const all = await organization.getInvitations({ pageSize: 10 });
    expect(all.total_count).toBe(7);
    expect(all.data).toHaveLength(7);
    const times = all.data.map((i) => i.createdAt.getTime());
    expect(times, "newest first").toEqual([...times].sort((a, b) => b - a));

    const pages = await Promise.all(
      [1, 2, 3].map((initialPage) => organization.getInvitations({ initialPage, pageSize: 3 })),
    );
    expect(pages.map((p) => p.data.length)).toEqual([3, 3, 1]);
    expect(pages.every((p) => p.total_count === 7)).toBe(true);
    expect(pages.flatMap((p) => p.data.map((i) => i.id))).toEqual(all.data.map((i) => i.id));

    const past = await organization.getInvitations({ initialPage: 4, pageSize: 3 });
    expect(past).toEqual({ data: [], total_count: 7 });
    const firstPageByDefault = await organization.getInvitations({ pageSize: 2 });
    expect(firstPageByDefault.data.map((i) => i.id)).toEqual(all.data.slice(0, 2).map((i) => i.id));
  });

  it("filters by status, with total_count counting the matches", async () => {
    const { organization } = await adminWorld();
    const [a, b] = await inviteMany(organization, 4);
    await a?.revoke();
    await b?.revoke();

    const revoked = await organization.getInvitations({ status: "revoked" });
    expect(revoked.total_count).toBe(2);
    expect(revoked.data.map((i) => i.id).sort()).toEqual([a?.id, b?.id].sort());
    const pending = await organization.getInvitations({ status: "pending", pageSize: 1 });
    expect(pending.total_count).toBe(2);
    expect(pending.data).toHaveLength(1);
    expect(pending.data[0]?.status).toBe("pending");
    const accepted = await organization.getInvitations({ status: "accepted" });
    expect(accepted).toEqual({ data: [], total_count: 0 });
  });
});

describe("Organization.getPendingInvitations (deprecated)", () => {
  it("still returns pending invitations only, by limit/offset", async () => {
    const { organization } = await adminWorld();
    const created = await inviteMany(organization, 4);
    await created[3]?.revoke();

    const newestFirst = (await organization.getInvitations({ status: "pending" })).data;
    expect(newestFirst).toHaveLength(3);
    const page = await organization.getPendingInvitations({ limit: 2, offset: 1 });
    expect(page.every((i) => i instanceof OrganizationInvitation && i.status === "pending")).toBe(
      true,
    );
    expect(page.map((i) => i.id)).toEqual(newestFirst.slice(1, 3).map((i) => i.id));
    expect(await organization.getPendingInvitations()).toHaveLength(3);
  });
});

describe("OrganizationInvitation.revoke / resend", () => {
  it("revoke() updates the invitation in place and resolves with it", async () => {
    const { organization } = await adminWorld();
    const invitation = await organization.inviteMember({
      emailAddress: email("rev"),
      role: "basic_member",
    });
    const result = await invitation.revoke();
    expect(result).toBe(invitation);
    expect(invitation.status).toBe("revoked");
    expect((await organization.getInvitations({ status: "pending" })).total_count).toBe(0);

    const again = await failure(invitation.revoke());
    expect(again.status).toBe(400);
    expect(again.code).toBe("organization_invitation_not_pending");
  });

  it("resend() issues a fresh link for a pending invitation", async () => {
    const backend = clientWith(SECRET_KEY);
    const org = await createOrganization({ createdBy: unique("user_admin") });
    const organization = await backend.getOrganization(org.id);
    const invitation = await organization.inviteMember({
      emailAddress: email("resend"),
      role: "basic_member",
    });
    const oldUrl = invitation.url;
    expect(oldUrl, "the backend sees the link").toMatch(/\/accept\?ticket=/);

    expect(await invitation.resend()).toBe(invitation);
    expect(invitation.status).toBe("pending");
    expect(invitation.url).toMatch(/\/accept\?ticket=/);
    expect(invitation.url, "a fresh link").not.toBe(oldUrl);
  });
});

describe("the invitee's side", () => {
  async function inviteeWorld() {
    const backend = clientWith(SECRET_KEY);
    const org = await createOrganization({ name: unique("Acme"), createdBy: unique("user_admin") });
    const organization = await backend.getOrganization(org.id);
    const address = email("invitee");
    const inviteeId = unique("user_invitee");
    const invitee = clientWith(await sessionToken(inviteeId, { email: address }));
    return { org, organization, address, inviteeId, invitee };
  }

  it("getMyInvitations lists the invitations addressed to me, with the organization", async () => {
    const { org, organization, address, invitee } = await inviteeWorld();
    const invitation = await organization.inviteMember({ emailAddress: address, role: "admin" });
    await organization.inviteMember({ emailAddress: email("someone-else"), role: "admin" });

    const mine = await invitee.getMyInvitations();
    expect(mine.total_count).toBe(1);
    expect(mine.data[0]).toBeInstanceOf(OrganizationInvitation);
    expect(mine.data[0]).toMatchObject({
      id: invitation.id,
      emailAddress: address,
      url: null,
      publicOrganizationData: { id: org.id, name: org.name, slug: org.slug },
    });
    const accepted = await invitee.getMyInvitations({ status: "accepted", pageSize: 5 });
    expect(accepted).toEqual({ data: [], total_count: 0 });
  });

  it("accept() makes me a member with the invitation's role", async () => {
    const { org, organization, address, invitee } = await inviteeWorld();
    await organization.inviteMember({ emailAddress: address, role: "admin" });
    const [mine] = (await invitee.getMyInvitations()).data;

    expect(await mine?.accept()).toBe(mine);
    expect(mine?.status).toBe("accepted");
    // As an admin now, the invitee can manage the organization through the SDK.
    const asMember = await invitee.getOrganization(org.id);
    expect(asMember.membersCount).toBe(2);
    expect((await asMember.getInvitations({ status: "accepted" })).total_count).toBe(1);
  });

  it("decline() turns the invitation declined and makes no membership", async () => {
    const { org, organization, address, invitee } = await inviteeWorld();
    await organization.inviteMember({ emailAddress: address, role: "basic_member" });
    const [mine] = (await invitee.getMyInvitations()).data;

    await mine?.decline();
    expect(mine?.status).toBe("declined");
    expect((await failure(invitee.getOrganization(org.id))).status, "not a member").toBe(404);
    expect((await failure(mine?.accept() ?? Promise.resolve())).code).toBe(
      "organization_invitation_not_pending",
    );
  });

  it("acceptTicket(ticket) accepts the invitation the email link names", async () => {
    const { org, organization, address, invitee } = await inviteeWorld();
    const invitation = await organization.inviteMember({
      emailAddress: address,
      role: "guest_member",
    });
    const ticket = new URL(invitation.url ?? "").searchParams.get("ticket") ?? "";

    const accepted = await invitee.acceptTicket(ticket);
    expect(accepted).toBeInstanceOf(OrganizationInvitation);
    expect(accepted).toMatchObject({ id: invitation.id, status: "accepted", role: "guest_member" });
    expect((await organization.getInvitations({ status: "accepted" })).total_count).toBe(1);
    expect((await invitee.getOrganization(org.id)).membersCount).toBe(2);
  });
});

describe("errors", () => {
  it("maps the service's error envelope to ApiResponseError: status, errors[] with codes, trace id", async () => {
    const { organization } = await adminWorld();
    const invalid = await failure(
      organization.inviteMember({ emailAddress: "not-an-address", role: "basic_member" }),
    );
    expect(invalid).toBeInstanceOf(Error);
    expect(invalid.status).toBe(422);
    expect(invalid.errors).toEqual([
      expect.objectContaining({
        code: "form_param_format_invalid",
        meta: expect.objectContaining({ param_name: "email_address" }),
      }),
    ]);
    expect(invalid.errors[0]?.longMessage).toEqual(expect.any(String));
    expect(invalid.traceId).toEqual(expect.any(String));
    expect(invalid.message).toBe(invalid.errors[0]?.longMessage);

    const address = email("dup");
    await organization.inviteMember({ emailAddress: address, role: "basic_member" });
    const duplicate = await failure(
      organization.inviteMember({ emailAddress: address, role: "basic_member" }),
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.code).toBe("duplicate_record");
    expect(duplicate.errors[0]?.meta).toMatchObject({ email_addresses: [address] });

    const badPage = await failure(organization.getInvitations({ pageSize: 0 }));
    expect([badPage.status, badPage.code]).toEqual([422, "form_param_value_invalid"]);
  });

  it.each([
    ["no session", null],
    ["a forged token", "x.y.z"],
    ["a wrong secret key", "sk_test_wrong"],
  ])("%s is refused with 401 authentication_invalid", async (_label, token) => {
    const org = await createOrganization();
    const err = await failure(clientWith(token).getOrganization(org.id));
    expect([err.status, err.code]).toEqual([401, "authentication_invalid"]);
  });

  it("a non-member gets 404 and a basic member 403, and ids cannot change the path", async () => {
    const { organization } = await adminWorld();
    const stranger = clientWith(await sessionToken(unique("user_stranger")));
    expect((await failure(stranger.getOrganization(organization.id))).code).toBe(
      "resource_not_found",
    );

    const memberId = unique("user_member");
    await addMember(organization.id, memberId, "basic_member");
    const member = clientWith(await sessionToken(memberId));
    const asMember = await member.getOrganization(organization.id);
    const forbidden = await failure(asMember.getInvitations());
    expect([forbidden.status, forbidden.code]).toEqual([403, "missing_organization_permission"]);

    const traversal = await failure(clientWith(SECRET_KEY).getOrganization("../../healthz"));
    expect(traversal.status, "the id stays one escaped path segment").toBe(404);
  });
});
