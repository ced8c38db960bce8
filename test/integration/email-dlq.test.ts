/**
 * The dead-letter queue's consumer: a message that exhausted `max_retries` marks its invitation's
 * delivery `failed`, keeping the last provider error.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { backend, call, json } from "../support/api";
import {
  consume,
  EMAIL_DLQ,
  jsonAnswer,
  mockResend,
  queuedInvitations,
  readInvitation,
  resendEnv,
} from "../support/email";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("dead-letter queue consumer", () => {
  it("marks a dead-lettered delivery failed with the last provider error", async () => {
    const { orgId, rows, messages } = await queuedInvitations(1);
    const id = rows[0]?.id ?? "";
    mockResend(
      jsonAnswer(503, { statusCode: 503, name: "service_unavailable", message: "try later" }),
    );
    // The last attempt on the main queue fails transiently; the queue then dead-letters it.
    await consume(messages, { env: resendEnv(), attempts: 9 });
    vi.spyOn(console, "error").mockImplementation(() => {});

    const { batch, result } = await consume(messages, { queue: EMAIL_DLQ });

    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    expect(result.retryMessages).toEqual([]);
    const shown = await json<InvitationJson>(
      await call("GET", `/v1/organizations/${orgId}/invitations/${id}`, { as: backend }),
    );
    expect(shown.email_delivery).toEqual({
      status: "failed",
      attempts: 1,
      last_error: "resend 503 service_unavailable: try later",
      sent_at: null,
    });
  });

  it("says so when no provider error was recorded before dead-lettering", async () => {
    const { rows, messages } = await queuedInvitations(1);
    vi.spyOn(console, "error").mockImplementation(() => {});

    await consume(messages, { queue: EMAIL_DLQ });

    expect(await readInvitation(rows[0]?.id ?? "")).toMatchObject({
      deliveryStatus: "failed",
      deliveryLastError: "retries exhausted (dead-lettered) with no provider error recorded",
    });
  });

  it("leaves a delivery that was sent meanwhile as sent", async () => {
    const { rows, messages } = await queuedInvitations(1);
    await consume(messages);
    vi.spyOn(console, "error").mockImplementation(() => {});

    await consume(messages, { queue: EMAIL_DLQ });

    expect((await readInvitation(rows[0]?.id ?? "")).deliveryStatus).toBe("sent");
  });

  it("acknowledges and logs an unparsable dead letter", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});

    const { batch, result } = await consume([{ hello: "world" }], { queue: EMAIL_DLQ });

    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    expect(
      errors.mock.calls.some((args) => String(args[0]).includes("unparsable queue message")),
    ).toBe(true);
  });
});
