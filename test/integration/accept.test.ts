/**
 * Accepting and declining: through the ticket (`POST /v1/tickets/accept`) and through the
 * invitee's own list (`/v1/me/organization_invitations/{id}/…`).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { openDatabase } from "../../src/db/client";
import { acceptLiveInvitation } from "../../src/invitations/acceptance-repository";
import { backend, call, json, session } from "../support/api";
import { addMember, createOrganization, email, invite, unique } from "../support/fixtures";
import { backendInvitation, errorOf, membershipsOf, ticketOf } from "../support/invitee";

const acceptTicket = async (ticket: string, userId: string, address?: string) =>
  call("POST", "/v1/tickets/accept", { as: await session(userId, address), body: { ticket } });

const acceptById = async (id: string, userId: string, address?: string) =>
  call("POST", `/v1/me/organization_invitations/${id}/accept`, {
    as: await session(userId, address),
  });

const declineById = async (id: string, userId: string, address?: string) =>
  call("POST", `/v1/me/organization_invitations/${id}/decline`, {
    as: await session(userId, address),
  });

async function invitedWorld(body: Record<string, unknown> = {}) {
  const org = await createOrganization({ createdBy: unique("user_admin") });
  const address = email("invitee");
  const invitation = await invite(org.id, { email_address: address, ...body });
  return { org, address, invitation, userId: unique("user_invitee") };
}

describe("accepting through the ticket", () => {
  it("makes the invitee a member with the invitation's role and public metadata", async () => {
    const { org, address, invitation, userId } = await invitedWorld({
      role: "guest_member",
      public_metadata: { team: "red", seats: 2 },
      private_metadata: { crm: "secret" },
    });

    // The session's email differs only in case: emails compare case-insensitively.
    const res = await acceptTicket(ticketOf(invitation), userId, address.toUpperCase());
    const accepted = await json<InvitationJson>(res);

    expect(accepted).toMatchObject({
      id: invitation.id,
      status: "accepted",
      role: "guest_member",
      private_metadata: {},
      url: null,
      public_organization_data: { id: org.id, name: org.name, slug: org.slug },
    });
    const member = (await membershipsOf(org.id)).find((m) => m.public_user_data.user_id === userId);
    expect(member, "the invitee is now a member").toMatchObject({
      role: "guest_member",
      public_metadata: { team: "red", seats: 2 },
      public_user_data: { identifier: address },
    });
    expect(await backendInvitation(org.id, invitation.id)).toMatchObject({
      status: "accepted",
      url: null,
    });
    const row = await env.DB.prepare("SELECT accepted_user_id FROM invitations WHERE id = ?")
      .bind(invitation.id)
      .first<{ accepted_user_id: string }>();
    expect(row?.accepted_user_id).toBe(userId);
  });

  it("stops the ticket from working once it has been used", async () => {
    const { org, address, invitation, userId } = await invitedWorld();
    await json(await acceptTicket(ticketOf(invitation), userId, address));

    const again = await errorOf(await acceptTicket(ticketOf(invitation), userId, address), 400);
    expect(again).toMatchObject({
      code: "organization_invitation_not_pending",
      meta: { status: "accepted" },
    });
    const other = await errorOf(
      await acceptTicket(ticketOf(invitation), unique("user_other"), address),
      400,
    );
    expect(other.code).toBe("organization_invitation_not_pending");
    expect(await membershipsOf(org.id)).toHaveLength(2);
  });

  it("refuses a tampered or unknown ticket with 404", async () => {
    const { invitation, userId, address } = await invitedWorld();
    const ticket = ticketOf(invitation);
    const tampered = `${ticket.slice(0, -2)}${ticket.endsWith("AA") ? "BB" : "AA"}`;
    for (const bad of [tampered, "orginv_nope.1.abc", "not-a-ticket"]) {
      const error = await errorOf(await acceptTicket(bad, userId, address), 404);
      expect(error.code, bad).toBe("resource_not_found");
    }
  });

  it("refuses a link replaced by a newer one (resend bumps the link version)", async () => {
    const { org, invitation, userId, address } = await invitedWorld();
    const oldTicket = ticketOf(invitation);
    await env.DB.prepare("UPDATE invitations SET link_version = link_version + 1 WHERE id = ?")
      .bind(invitation.id)
      .run();

    const error = await errorOf(await acceptTicket(oldTicket, userId, address), 404);
    expect(error).toMatchObject({ meta: { reason: "superseded_ticket" } });
    const fresh = await backendInvitation(org.id, invitation.id);
    expect(ticketOf(fresh)).not.toBe(oldTicket);
    await json(await acceptTicket(ticketOf(fresh), userId, address));
  });

  it("refuses a revoked invitation", async () => {
    const { org, invitation, userId, address } = await invitedWorld();
    const ticket = ticketOf(invitation);
    await json(
      await call("POST", `/v1/organizations/${org.id}/invitations/${invitation.id}/revoke`, {
        as: backend,
      }),
    );
    const error = await errorOf(await acceptTicket(ticket, userId, address), 400);
    expect(error).toMatchObject({
      code: "organization_invitation_not_pending",
      meta: { status: "revoked" },
    });
  });

  it("is for sessions only: the backend key is refused", async () => {
    const { invitation } = await invitedWorld();
    const res = await call("POST", "/v1/tickets/accept", {
      as: backend,
      body: { ticket: ticketOf(invitation) },
    });
    expect((await errorOf(res, 403)).code).toBe("missing_organization_permission");
  });

  it("requires a ticket in the body", async () => {
    const res = await call("POST", "/v1/tickets/accept", {
      as: await session("user_x", "x@example.com"),
      body: {},
    });
    expect(await errorOf(res, 422)).toMatchObject({
      code: "form_param_missing",
      meta: { param_name: "ticket" },
    });
  });
});

describe("accepting through /v1/me", () => {
  it("makes the invitee a member with the invitation's role and metadata, and kills the ticket", async () => {
    const { org, address, invitation, userId } = await invitedWorld({
      role: "admin",
      public_metadata: { plan: "pro" },
    });

    const accepted = await json<InvitationJson>(await acceptById(invitation.id, userId, address));

    expect(accepted).toMatchObject({
      status: "accepted",
      public_organization_data: { id: org.id },
    });
    const member = (await membershipsOf(org.id)).find((m) => m.public_user_data.user_id === userId);
    expect(member).toMatchObject({ role: "admin", public_metadata: { plan: "pro" } });
    expect((await backendInvitation(org.id, invitation.id)).status).toBe("accepted");
    const viaTicket = await errorOf(await acceptTicket(ticketOf(invitation), userId, address), 400);
    expect(viaTicket).toMatchObject({ meta: { status: "accepted" } });
  });
});

describe("concurrent accepts", () => {
  it("of one invitation produce one membership and one success", async () => {
    const { org, address, invitation, userId } = await invitedWorld();
    const ticket = ticketOf(invitation);

    const responses = await Promise.all([
      acceptTicket(ticket, userId, address),
      acceptById(invitation.id, userId, address),
      acceptTicket(ticket, userId, address),
      acceptById(invitation.id, unique("user_twin"), address),
      acceptTicket(ticket, unique("user_twin"), address),
    ]);

    const statuses = responses.map((r) => r.status).sort();
    expect(statuses, "exactly one success").toEqual([200, 400, 400, 400, 400]);
    for (const res of responses.filter((r) => r.status === 400)) {
      expect((await errorOf(res, 400)).code).toMatch(
        /^(organization_invitation_not_pending|already_a_member_in_organization)$/,
      );
    }
    const members = (await membershipsOf(org.id)).filter(
      (m) => m.public_user_data.identifier === address,
    );
    expect(members, "one membership for the invited address").toHaveLength(1);
  });
});

describe("refusals", () => {
  it("refuses a session whose email differs, on both paths, and changes nothing", async () => {
    const { org, invitation, userId } = await invitedWorld();
    const stranger = "someone.else@example.com";

    const byTicket = await errorOf(await acceptTicket(ticketOf(invitation), userId, stranger), 403);
    expect(byTicket).toMatchObject({
      code: "missing_organization_permission",
      meta: { reason: "email_mismatch" },
    });
    // By id, someone else's invitation does not exist as far as this session can tell.
    expect((await errorOf(await acceptById(invitation.id, userId, stranger), 404)).code).toBe(
      "resource_not_found",
    );
    expect((await errorOf(await declineById(invitation.id, userId, stranger), 404)).code).toBe(
      "resource_not_found",
    );
    expect((await backendInvitation(org.id, invitation.id)).status).toBe("pending");
    expect(await membershipsOf(org.id)).toHaveLength(1);
  });

  it("refuses a session without an email claim with a clear error", async () => {
    const { invitation, userId } = await invitedWorld();
    for (const res of [
      await acceptTicket(ticketOf(invitation), userId),
      await acceptById(invitation.id, userId),
    ]) {
      const error = await errorOf(res, 403);
      expect(error).toMatchObject({ meta: { reason: "email_missing" } });
    }
  });

  it("answers 400 already_a_member_in_organization to a member, leaving the invitation pending", async () => {
    const { org, address, invitation, userId } = await invitedWorld();
    await addMember(org.id, userId, "basic_member", address);

    for (const res of [
      await acceptTicket(ticketOf(invitation), userId, address),
      await acceptById(invitation.id, userId, address),
    ]) {
      const error = await errorOf(res, 400);
      expect(error.code).toBe("already_a_member_in_organization");
    }
    expect((await backendInvitation(org.id, invitation.id)).status).toBe("pending");
    expect(await membershipsOf(org.id)).toHaveLength(2);
  });
});

describe("declining", () => {
  it("makes the invitation declined and creates nothing", async () => {
    const { org, address, invitation, userId } = await invitedWorld();

    const declined = await json<InvitationJson>(await declineById(invitation.id, userId, address));

    expect(declined).toMatchObject({ id: invitation.id, status: "declined" });
    expect((await backendInvitation(org.id, invitation.id)).status).toBe("declined");
    expect(await membershipsOf(org.id), "only the creator").toHaveLength(1);
    const accept = await errorOf(await acceptTicket(ticketOf(invitation), userId, address), 400);
    expect(accept).toMatchObject({ meta: { status: "declined" } });
    const twice = await errorOf(await declineById(invitation.id, userId, address), 400);
    expect(twice).toMatchObject({
      code: "organization_invitation_not_pending",
      meta: { status: "declined" },
    });
  });

  it("frees the address for a new invitation", async () => {
    const { org, address, invitation, userId } = await invitedWorld();
    await json(await declineById(invitation.id, userId, address));
    const again = await invite(org.id, { email_address: address });
    expect(again.status).toBe("pending");
  });
});

describe("the accept batch (acceptance-repository)", () => {
  const db = () => openDatabase(env.DB);
  const write = (invitation: InvitationJson, userId: string) => ({
    invitationId: invitation.id,
    emailAddress: invitation.email_address,
    now: Date.now(),
    membershipId: `orgmem_${unique("m")}`,
    userId,
  });

  it("writes for exactly one of two racing accepts, even for different users", async () => {
    const { org, invitation } = await invitedWorld();

    // No pre-checks here: only the SQL guard stands between the two.
    const results = await Promise.all([
      acceptLiveInvitation(db(), write(invitation, unique("user_a"))),
      acceptLiveInvitation(db(), write(invitation, unique("user_b"))),
    ]);

    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(await membershipsOf(org.id), "the creator and one new member").toHaveLength(2);
  });

  it("rolls the whole batch back when the membership already exists", async () => {
    const { org, invitation, userId, address } = await invitedWorld();
    await addMember(org.id, userId, "basic_member", address);

    await expect(acceptLiveInvitation(db(), write(invitation, userId))).rejects.toThrow(/UNIQUE/);

    expect((await backendInvitation(org.id, invitation.id)).status, "flip rolled back").toBe(
      "pending",
    );
  });
});
