/**
 * `POST /v1/organizations/{organization_id}/invitations/{invitation_id}/resend`: pending only, a
 * fresh link (the old one stops working), a new email, limited per recipient address.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ErrorEnvelope, InvitationJson } from "../../src/contract/objects";
import { readTicket } from "../../src/invitations/tickets";
import { backend, type Credentials, call, json, session } from "../support/api";
import { outboxFor, readInvitation } from "../support/email";
import { addMember, createOrganization, email, invite } from "../support/fixtures";
import { TEST_VARS } from "../support/vars";

afterEach(() => {
  vi.restoreAllMocks();
});

const resendPath = (orgId: string, id: string) =>
  `/v1/organizations/${orgId}/invitations/${id}/resend`;
const resend = (orgId: string, id: string, as: Credentials = backend) =>
  call("POST", resendPath(orgId, id), { as });

const ticketOf = (url: string | null) => new URL(url ?? "").searchParams.get("ticket") ?? "";

describe("resend", () => {
  it("issues a fresh link that works, stops the old one, and emails the new one", async () => {
    const org = await createOrganization();
    const invitation = await invite(org.id);
    const oldTicket = ticketOf(invitation.url);

    const resent = await json<InvitationJson>(await resend(org.id, invitation.id));

    expect(resent).toMatchObject({ id: invitation.id, status: "pending" });
    expect(resent.email_delivery).toEqual({
      status: "queued",
      attempts: 0,
      last_error: null,
      sent_at: null,
    });
    expect(resent.url).not.toBe(invitation.url);
    const stored = await readInvitation(invitation.id);
    const fresh = await readTicket(TEST_VARS.TICKET_SECRET, ticketOf(resent.url));
    const old = await readTicket(TEST_VARS.TICKET_SECRET, oldTicket);
    // A ticket works while its link version is the invitation's current one.
    expect(fresh).toEqual({ invitationId: invitation.id, linkVersion: stored.linkVersion });
    expect(stored.linkVersion).toBe(2);
    expect(old?.linkVersion).toBe(1);
    expect(old?.linkVersion).not.toBe(stored.linkVersion);

    // The new email goes out through the real queue, with the new link.
    const emails = await vi.waitUntil(
      async () => {
        const found = await outboxFor([invitation.id]);
        return found.some((e) => e.acceptUrl === resent.url) ? found : false;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(emails.filter((e) => e.acceptUrl === resent.url)).toHaveLength(1);
  });

  it("makes the invitation's next read show the new link", async () => {
    const org = await createOrganization();
    const invitation = await invite(org.id);
    const resent = await json<InvitationJson>(await resend(org.id, invitation.id));

    const read = await json<InvitationJson>(
      await call("GET", `/v1/organizations/${org.id}/invitations/${invitation.id}`, {
        as: backend,
      }),
    );

    expect(read.url).toBe(resent.url);
  });

  it("refuses a revoked invitation with organization_invitation_not_pending", async () => {
    const org = await createOrganization();
    const invitation = await invite(org.id);
    await json(
      await call("POST", `/v1/organizations/${org.id}/invitations/${invitation.id}/revoke`, {
        as: backend,
      }),
    );

    const body = await json<ErrorEnvelope>(await resend(org.id, invitation.id), 400);

    expect(body.errors[0]).toMatchObject({
      code: "organization_invitation_not_pending",
      meta: { status: "revoked" },
    });
    expect((await readInvitation(invitation.id)).linkVersion).toBe(1);
  });

  it("refuses an expired invitation", async () => {
    const org = await createOrganization();
    const invitation = await invite(org.id, { expires_in_days: 1 });
    vi.setSystemTime(Date.now() + 2 * 24 * 60 * 60 * 1000);
    try {
      const body = await json<ErrorEnvelope>(await resend(org.id, invitation.id), 400);
      expect(body.errors[0]?.code).toBe("organization_invitation_not_pending");
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers 404 for an unknown invitation or one of another organization", async () => {
    const org = await createOrganization();
    const other = await createOrganization();
    const invitation = await invite(other.id);

    for (const id of ["orginv_doesnotexist", invitation.id]) {
      const body = await json<ErrorEnvelope>(await resend(org.id, id), 404);
      expect(body.errors[0]?.code).toBe("resource_not_found");
    }
  });

  it("lets an admin session resend and refuses a member without the permission", async () => {
    const org = await createOrganization({ createdBy: "user_resend_admin" });
    await addMember(org.id, "user_resend_member", "basic_member");
    const invitation = await invite(org.id);

    await json(await resend(org.id, invitation.id, await session("user_resend_admin")));
    const body = await json<ErrorEnvelope>(
      await resend(org.id, invitation.id, await session("user_resend_member")),
      403,
    );

    expect(body.errors[0]?.code).toBe("missing_organization_permission");
  });

  it("limits resends per recipient: past the limit, 429 with Retry-After and nothing written", async () => {
    const org = await createOrganization();
    const invitation = await invite(org.id, { email_address: email("limited") });
    // RESEND_LIMITER allows 3 per address per 60 s (wrangler.toml).
    for (let i = 0; i < 3; i++) await json(await resend(org.id, invitation.id));
    const before = await readInvitation(invitation.id);

    const res = await resend(org.id, invitation.id);

    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    const body = await json<ErrorEnvelope>(res, 429);
    expect(body.errors[0]?.code).toBe("rate_limit_exceeded");
    const after = await readInvitation(invitation.id);
    expect(after.linkVersion).toBe(before.linkVersion);
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(after.deliveryQueuedAt).toBe(before.deliveryQueuedAt);

    // The limit is the recipient's: another address in the same organization is not affected.
    const other = await invite(org.id);
    await json(await resend(org.id, other.id));
  });
});
