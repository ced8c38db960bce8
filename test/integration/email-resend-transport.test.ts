/**
 * The Resend transport, through the consumer: what goes over the wire. Resend's HTTP API is
 * mocked at `fetch`; D1, the consumer and the transport are real.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { resendTransport } from "../../src/email/resend";
import { idempotencyKeyFor, type OutgoingEmail } from "../../src/email/types";
import {
  accepted,
  consume,
  jsonAnswer,
  mockResend,
  queuedInvitations,
  readInvitation,
  resendEnv,
} from "../support/email";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("Resend transport", () => {
  it("sends one email to /emails with its payload, key and credentials", async () => {
    const { rows, messages } = await queuedInvitations(1, {
      orgName: "Acme",
      inviter: { userId: "user_boss", email: "boss@acme.test" },
    });
    const row = rows[0];
    const { calls } = mockResend(accepted);

    await consume(messages, { env: resendEnv() });

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe("https://api.resend.com/emails");
    expect(call?.headers.get("authorization")).toBe("Bearer re_test_0123456789");
    expect(call?.headers.get("content-type")).toBe("application/json");
    expect(call?.headers.get("idempotency-key")).toBe(
      `org-invitation/${row?.id}/v${row?.linkVersion}`,
    );
    expect(call?.body).toEqual({
      from: "Invitations <invitations@example.test>",
      to: [row?.emailAddress],
      subject: "boss@acme.test invited you to join Acme",
      html: expect.stringContaining("https://invitations.test/accept?ticket="),
      text: expect.stringContaining("https://invitations.test/accept?ticket="),
    });
    expect(await readInvitation(row?.id ?? "")).toMatchObject({
      deliveryStatus: "sent",
      deliveryAttempts: 1,
    });
  });

  it("sends a consumer batch as one call to /emails/batch", async () => {
    const { rows, messages } = await queuedInvitations(3);
    const { calls } = mockResend(
      jsonAnswer(200, { data: [{ id: "e1" }, { id: "e2" }, { id: "e3" }] }),
    );

    const { result } = await consume(messages, { env: resendEnv() });

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe("https://api.resend.com/emails/batch");
    expect(call?.headers.get("x-batch-validation")).toBe("permissive");
    expect(call?.headers.get("idempotency-key")).toMatch(/^org-invitation-batch\/[0-9a-f]{64}$/);
    expect(Array.isArray(call?.body) && call.body.map((e: { to: string[] }) => e.to[0])).toEqual(
      rows.map((r) => r.emailAddress),
    );
    expect(result.explicitAcks).toHaveLength(3);
    for (const row of rows) {
      expect((await readInvitation(row.id)).deliveryStatus).toBe("sent");
    }
  });

  it("fails only the emails a permissive batch refuses", async () => {
    const { rows, messages } = await queuedInvitations(3);
    mockResend(
      jsonAnswer(200, {
        data: [{ id: "e1" }, { id: "e3" }],
        errors: [{ index: 1, message: "Invalid `to` field." }],
      }),
    );

    const { result } = await consume(messages, { env: resendEnv() });

    expect(result.explicitAcks).toHaveLength(3);
    const statuses = await Promise.all(
      rows.map(async (r) => (await readInvitation(r.id)).deliveryStatus),
    );
    expect(statuses).toEqual(["sent", "failed", "sent"]);
    expect((await readInvitation(rows[1]?.id ?? "")).deliveryLastError).toBe(
      "resend refused: Invalid `to` field.",
    );
  });

  it("gives the same batch the same key whatever the order of its emails", async () => {
    const { calls } = mockResend(jsonAnswer(200, { data: [{ id: "a" }, { id: "b" }] }));
    const transport = resendTransport({
      apiKey: "re_test_key",
      from: { name: null, email: "invitations@example.test" },
      now: Date.now,
    });
    const email = (id: string): OutgoingEmail => ({
      key: idempotencyKeyFor(id, 1),
      invitationId: id,
      to: `${id}@example.com`,
      subject: "s",
      html: "<p>h</p>",
      text: "t",
      acceptUrl: "https://invitations.test/accept?ticket=x",
    });

    await transport.send([email("orginv_a"), email("orginv_b")]);
    await transport.send([email("orginv_b"), email("orginv_a")]);

    expect(calls[0]?.headers.get("idempotency-key")).toBe(calls[1]?.headers.get("idempotency-key"));
    expect(calls[0]?.body).toEqual([
      expect.objectContaining({ from: "invitations@example.test" }),
      expect.anything(),
    ]);
  });

  it("after 500, 500, 200 has exactly one email accepted, the delivery sent, 3 attempts", async () => {
    const { orgId, rows, messages } = await queuedInvitations(1);
    const id = rows[0]?.id ?? "";
    const outage = jsonAnswer(500, {
      statusCode: 500,
      name: "internal_server_error",
      message: "x",
    });
    const { calls } = mockResend(outage, outage, accepted);

    for (const attempts of [1, 2, 3]) {
      const { delays } = await consume(messages, { env: resendEnv(), attempts });
      // The queue redelivers after the delay the consumer asked for.
      if (delays[0]) vi.setSystemTime(Date.now() + delays[0] * 1000 + 1000);
    }
    // A fourth delivery (the queue's at-least-once) changes nothing.
    await consume(messages, { env: resendEnv(), attempts: 4 });

    expect(calls.map((c) => c.status)).toEqual([500, 500, 200]);
    expect(new Set(calls.map((c) => c.headers.get("idempotency-key")))).toEqual(
      new Set([`org-invitation/${id}/v1`]),
    );
    const row = await readInvitation(id);
    expect(row).toMatchObject({
      deliveryStatus: "sent",
      deliveryAttempts: 3,
      deliveryLastError: null,
    });
    expect(row.organizationId).toBe(orgId);
  });
});
