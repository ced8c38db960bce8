/**
 * Each webhook event fires exactly once per state change, whatever the code path: single and bulk
 * creation, revoke, resend, accept (with the membership it creates), decline, and the scheduled
 * expiry. Events reach a real endpoint registration through the queue consumer; the receiving
 * HTTP server is mocked at `fetch`.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, call, json, session } from "../support/api";
import { createOrganization, email, invite } from "../support/fixtures";
import { bulkInvite, invitationsPath } from "../support/invitations";
import {
  captureWebhookSends,
  consumeWebhooks,
  createEndpoint,
  deleteAllEndpoints,
  mockEndpoints,
  type Received,
  runCron,
} from "../support/webhooks";

let capture: ReturnType<typeof captureWebhookSends>;

beforeAll(async () => {
  await createEndpoint("/all");
});

afterAll(async () => {
  await deleteAllEndpoints();
});

beforeEach(() => {
  capture = captureWebhookSends();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Consumes everything the webhook queue was sent; answers 200; returns what the endpoint got. */
async function deliverAll(): Promise<Received[]> {
  const { received } = mockEndpoints(200);
  const messages = capture.take();
  if (messages.length > 0) await consumeWebhooks(messages);
  return received;
}

/** "type subject" for every webhook received about these subjects, sorted. */
const eventsAbout = (received: Received[], ids: readonly string[]) =>
  received
    .filter((r) => ids.includes(String(r.payload.data.id)))
    .map((r) => `${r.payload.type} ${r.payload.data.id}`)
    .sort();

describe("webhook events: once per state change", () => {
  it("a created invitation fires organizationInvitation.created once, with the invitation object", async () => {
    const org = await createOrganization();
    const invitation = await invite(org.id);

    const received = await deliverAll();

    expect(eventsAbout(received, [invitation.id])).toEqual([
      `organizationInvitation.created ${invitation.id}`,
    ]);
    const created = received.find((r) => r.payload.data.id === invitation.id);
    expect(created?.payload).toMatchObject({
      type: "organizationInvitation.created",
      object: "event",
      timestamp: invitation.created_at,
      data: {
        object: "organization_invitation",
        email_address: invitation.email_address,
        status: "pending",
        url: invitation.url,
      },
    });
    expect(await deliverAll(), "nothing further is sent").toEqual([]);
  });

  it("a bulk creation of N invitations fires N created events, one per invitation", async () => {
    const org = await createOrganization();
    const emails = Array.from({ length: 7 }, () => email("bulk-hook"));

    const { data } = await bulkInvite(org.id, emails);
    const received = await deliverAll();

    const ids = data.map((i) => i.id);
    expect(eventsAbout(received, ids)).toEqual(
      ids.map((id) => `organizationInvitation.created ${id}`).sort(),
    );
  });

  it("revoke fires .revoked once; a second revoke (refused) fires nothing", async () => {
    const org = await createOrganization();
    const invitation = await invite(org.id);
    await deliverAll();
    const revoke = () =>
      call("POST", `${invitationsPath(org.id)}/${invitation.id}/revoke`, { as: backend });

    await json(await revoke());
    expect((await revoke()).status).toBe(400);
    const received = await deliverAll();

    expect(eventsAbout(received, [invitation.id])).toEqual([
      `organizationInvitation.revoked ${invitation.id}`,
    ]);
    expect(received[0]?.payload.data.status).toBe("revoked");
  });

  it("resend fires .resent once, carrying the new link", async () => {
    const org = await createOrganization();
    const invitation = await invite(org.id);
    await deliverAll();

    const resent = await json<{ url: string }>(
      await call("POST", `${invitationsPath(org.id)}/${invitation.id}/resend`, { as: backend }),
    );
    const received = await deliverAll();

    expect(eventsAbout(received, [invitation.id])).toEqual([
      `organizationInvitation.resent ${invitation.id}`,
    ]);
    expect(received[0]?.payload.data.url).toBe(resent.url);
  });

  it("accepting fires .accepted (with user_id) and organizationMembership.created, once each", async () => {
    const org = await createOrganization();
    const address = email("accepter");
    const invitation = await invite(org.id, { email_address: address });
    await deliverAll();
    const invitee = await session("user_hook_accepter", address);
    const accept = () =>
      call("POST", `/v1/me/organization_invitations/${invitation.id}/accept`, { as: invitee });

    await json(await accept());
    expect((await accept()).status).toBe(400);
    const received = await deliverAll();

    const accepted = received.filter((r) => r.payload.type === "organizationInvitation.accepted");
    expect(accepted.map((r) => r.payload.data)).toEqual([
      expect.objectContaining({
        id: invitation.id,
        status: "accepted",
        user_id: "user_hook_accepter",
      }),
    ]);
    const memberships = received.filter((r) => r.payload.type === "organizationMembership.created");
    expect(memberships.map((r) => r.payload.data)).toEqual([
      expect.objectContaining({
        object: "organization_membership",
        role: "basic_member",
        organization: expect.objectContaining({ id: org.id }),
        public_user_data: expect.objectContaining({ user_id: "user_hook_accepter" }),
      }),
    ]);
  });

  it("declining fires .declined once", async () => {
    const org = await createOrganization();
    const address = email("decliner");
    const invitation = await invite(org.id, { email_address: address });
    await deliverAll();

    await json(
      await call("POST", `/v1/me/organization_invitations/${invitation.id}/decline`, {
        as: await session("user_hook_decliner", address),
      }),
    );
    const received = await deliverAll();

    expect(eventsAbout(received, [invitation.id])).toEqual([
      `organizationInvitation.declined ${invitation.id}`,
    ]);
  });

  it("the scheduled expiry fires .expired once per lapsed invitation, however often it runs", async () => {
    const org = await createOrganization();
    const lapsing = await invite(org.id, { expires_in_days: 1 });
    const lasting = await invite(org.id, { expires_in_days: 30 });
    await deliverAll();

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 24 * 60 * 60 * 1000);
    await runCron();
    await runCron();
    const received = await deliverAll();

    expect(eventsAbout(received, [lapsing.id, lasting.id])).toEqual([
      `organizationInvitation.expired ${lapsing.id}`,
    ]);
    expect(received.find((r) => r.payload.data.id === lapsing.id)?.payload.data.status).toBe(
      "expired",
    );
  });

  it("an endpoint receives only the event types it subscribed to", async () => {
    const onlyRevoked = await createEndpoint("/revoked-only", ["organizationInvitation.revoked"]);
    const org = await createOrganization();
    const invitation = await invite(org.id);
    await json(
      await call("POST", `${invitationsPath(org.id)}/${invitation.id}/revoke`, { as: backend }),
    );

    const received = await deliverAll();

    const toIt = received.filter((r) => r.url.endsWith("/revoked-only"));
    expect(toIt.map((r) => r.payload.type)).toEqual(["organizationInvitation.revoked"]);
    await json(await call("DELETE", `/v1/webhooks/endpoints/${onlyRevoked.id}`, { as: backend }));
  });
});
