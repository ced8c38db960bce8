/**
 * The invitation-email consumer, driven with `createMessageBatch`/`getQueueResult` against real
 * D1. Messages are captured at creation (see `queuedInvitations`), so each test decides how its
 * messages are delivered; the Resend API is mocked at `fetch`, nothing else is.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { invitations } from "../../src/db/schema";
import { backend, call, json } from "../support/api";
import {
  accepted,
  consume,
  db,
  jsonAnswer,
  mockResend,
  outboxFor,
  queuedInvitations,
  readInvitation,
  resendEnv,
} from "../support/email";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Moves the clock past a retry's delay, as the queue does before redelivering. */
function waitOut(delaySeconds: number | null | undefined) {
  vi.setSystemTime(Date.now() + (delaySeconds ?? 0) * 1000 + 1000);
}

describe("email consumer: success", () => {
  it("acknowledges the message, stores the email and records the delivery as sent", async () => {
    const { orgId, rows, messages } = await queuedInvitations(1, {
      orgName: "Acme",
      inviter: { userId: "user_inviter", email: "boss@acme.test" },
    });
    const [row] = rows;

    const { batch, result } = await consume(messages);

    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    expect(result.retryMessages).toEqual([]);
    const [email, ...more] = await outboxFor([row?.id ?? ""]);
    expect(more).toHaveLength(0);
    expect(email).toMatchObject({
      to: row?.emailAddress,
      subject: "boss@acme.test invited you to join Acme",
    });
    expect(email?.acceptUrl).toMatch(/^https:\/\/invitations\.test\/accept\?ticket=orginv_/);
    const shown = await json<InvitationJson>(
      await call("GET", `/v1/organizations/${orgId}/invitations/${row?.id}`, { as: backend }),
    );
    expect(shown.email_delivery).toEqual({
      status: "sent",
      attempts: 1,
      last_error: null,
      sent_at: expect.any(Number),
    });
    expect(email?.acceptUrl).toBe(shown.url);
  });
});

describe("email consumer: transient failures", () => {
  it("retries a provider 500 with exponential backoff and jitter", async () => {
    const { rows, messages } = await queuedInvitations(1);
    const id = rows[0]?.id ?? "";
    mockResend(
      jsonAnswer(500, { statusCode: 500, name: "internal_server_error", message: "boom" }),
    );

    const first = await consume(messages, { env: resendEnv(), attempts: 1 });
    expect(first.result.retryMessages).toHaveLength(1);
    expect(first.result.explicitAcks).toEqual([]);
    // 30 s base, up to +20% jitter.
    expect(first.delays[0]).toBeGreaterThanOrEqual(30);
    expect(first.delays[0]).toBeLessThanOrEqual(36);

    waitOut(first.delays[0]);
    const second = await consume(messages, { env: resendEnv(), attempts: 2 });
    expect(second.delays[0]).toBeGreaterThanOrEqual(60);
    expect(second.delays[0]).toBeLessThanOrEqual(72);

    waitOut(second.delays[0]);
    const third = await consume(messages, { env: resendEnv(), attempts: 3 });
    expect(third.delays[0]).toBeGreaterThanOrEqual(120);
    expect(third.delays[0]).toBeLessThanOrEqual(144);

    expect(await readInvitation(id)).toMatchObject({
      deliveryStatus: "queued",
      deliveryAttempts: 3,
      deliveryLastError: "resend 500 internal_server_error: boom",
    });
  });

  it.each([
    { retryAfter: "120", expected: 120 },
    { retryAfter: new Date(Date.now() + 300_000).toUTCString(), expected: 300 },
  ])("honours a 429's Retry-After ($retryAfter)", async ({ retryAfter, expected }) => {
    const { messages } = await queuedInvitations(1);
    mockResend(
      jsonAnswer(
        429,
        { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" },
        { "retry-after": retryAfter },
      ),
    );

    const { result, delays } = await consume(messages, { env: resendEnv() });

    expect(result.retryMessages).toHaveLength(1);
    // The date form is read against the clock, so allow it a second either way.
    expect(delays[0]).toBeGreaterThanOrEqual(expected - 1);
    expect(delays[0]).toBeLessThanOrEqual(expected + 1);
  });

  it("never retries sooner than its own backoff, whatever Retry-After says", async () => {
    const { messages } = await queuedInvitations(1);
    mockResend(
      jsonAnswer(
        429,
        { name: "rate_limit_exceeded", message: "slow down" },
        { "retry-after": "1" },
      ),
    );

    const { delays } = await consume(messages, { env: resendEnv(), attempts: 1 });

    expect(delays[0]).toBeGreaterThanOrEqual(30);
  });

  it("retries a network error", async () => {
    const { rows, messages } = await queuedInvitations(1);
    mockResend(() => {
      throw new TypeError("Network connection lost.");
    });

    const { result } = await consume(messages, { env: resendEnv() });

    expect(result.retryMessages).toHaveLength(1);
    expect((await readInvitation(rows[0]?.id ?? "")).deliveryLastError).toContain(
      "Network connection lost.",
    );
  });
});

describe("email consumer: permanent failures", () => {
  it("marks the delivery failed without a retry on 422", async () => {
    const { orgId, rows, messages } = await queuedInvitations(1);
    const id = rows[0]?.id ?? "";
    const { calls } = mockResend(
      jsonAnswer(422, {
        statusCode: 422,
        name: "validation_error",
        message: "Invalid `to` field.",
      }),
    );

    const { batch, result } = await consume(messages, { env: resendEnv() });

    expect(calls).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    const shown = await json<InvitationJson>(
      await call("GET", `/v1/organizations/${orgId}/invitations/${id}`, { as: backend }),
    );
    expect(shown.email_delivery).toEqual({
      status: "failed",
      attempts: 1,
      last_error: "resend 422 validation_error: Invalid `to` field.",
      sent_at: null,
    });

    // Delivered again, the message does not try a second time.
    await consume(messages, { env: resendEnv() });
    expect(calls).toHaveLength(1);
  });
});

describe("email consumer: messages that must not send", () => {
  it.each([
    ["a string", "not json at all"],
    [
      "a future version",
      { v: 2, type: "invitation.email", invitation_id: "orginv_x", link_version: 1 },
    ],
    [
      "a foreign id",
      { v: 1, type: "invitation.email", invitation_id: "user_123", link_version: 1 },
    ],
    ["no link version", { v: 1, type: "invitation.email", invitation_id: "orginv_x" }],
  ])("acknowledges and logs an unparsable body (%s)", async (_label, body) => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});

    const { batch, result } = await consume([body]);

    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    expect(result.retryMessages).toEqual([]);
    const logged = errors.mock.calls.map((args) => String(args[0]));
    expect(logged.some((line) => line.includes("unparsable queue message dropped"))).toBe(true);
    expect(logged.some((line) => line.includes(batch.messages[0]?.id ?? "?"))).toBe(true);
  });

  it("sends one email when the same message is delivered twice", async () => {
    const { rows, messages } = await queuedInvitations(1);

    const first = await consume(messages);
    const second = await consume(messages);

    expect(first.result.explicitAcks).toHaveLength(1);
    expect(second.result.explicitAcks).toHaveLength(1);
    expect(await outboxFor([rows[0]?.id ?? ""])).toHaveLength(1);
  });

  it("sends one email when a batch holds the same message twice", async () => {
    const { rows, messages } = await queuedInvitations(1);

    const { result } = await consume([...messages, ...messages]);

    expect(result.explicitAcks).toHaveLength(2);
    expect(await outboxFor([rows[0]?.id ?? ""])).toHaveLength(1);
    expect((await readInvitation(rows[0]?.id ?? "")).deliveryAttempts).toBe(1);
  });

  it("makes one provider call when the same message is delivered twice to Resend", async () => {
    const { messages } = await queuedInvitations(1);
    const { calls } = mockResend(accepted);

    await consume(messages, { env: resendEnv() });
    await consume(messages, { env: resendEnv() });

    expect(calls).toHaveLength(1);
  });

  it("sends nothing for an invitation revoked while its email waited, and says so", async () => {
    const { orgId, rows, messages } = await queuedInvitations(1);
    const id = rows[0]?.id ?? "";
    await json(
      await call("POST", `/v1/organizations/${orgId}/invitations/${id}/revoke`, { as: backend }),
    );

    const { result } = await consume(messages);

    expect(result.explicitAcks).toHaveLength(1);
    expect(await outboxFor([id])).toHaveLength(0);
    expect(await readInvitation(id)).toMatchObject({
      deliveryStatus: "skipped",
      deliveryLastError: "invitation is revoked; email not sent",
    });
  });

  it("sends nothing for a message whose link version was superseded", async () => {
    const { rows, messages } = await queuedInvitations(1);
    const id = rows[0]?.id ?? "";
    await db().update(invitations).set({ linkVersion: 2 }).where(eq(invitations.id, id));

    const { result } = await consume(messages);

    expect(result.explicitAcks).toHaveLength(1);
    expect(await outboxFor([id])).toHaveLength(0);
    expect((await readInvitation(id)).deliveryStatus).toBe("queued");
  });

  it("acknowledges a message for an invitation that no longer exists", async () => {
    const { result } = await consume([
      { v: 1, type: "invitation.email", invitation_id: "orginv_gone", link_version: 1 },
    ]);

    expect(result.explicitAcks).toHaveLength(1);
  });
});

describe("email consumer: configuration", () => {
  it.each([
    [{ EMAIL_TRANSPORT: "resend", RESEND_API_KEY: "" }, "RESEND_API_KEY"],
    [{ EMAIL_FROM: "not an address" }, "EMAIL_FROM"],
    [{ ENVIRONMENT: "production" }, "EMAIL_TRANSPORT=outbox"],
  ])(
    "retries the batch later and names the variable when misconfigured (%o)",
    async (vars, name) => {
      const { rows, messages } = await queuedInvitations(1);
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});

      const { result } = await consume(messages, { env: Object.assign({}, env, vars) });

      expect(result.retryBatch.retry).toBe(true);
      expect(result.explicitAcks).toEqual([]);
      expect(errors.mock.calls.some((args) => String(args[0]).includes(name))).toBe(true);
      expect((await readInvitation(rows[0]?.id ?? "")).deliveryAttempts).toBe(0);
    },
  );
});
