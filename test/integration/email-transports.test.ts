/**
 * Choosing the transport: a missing or inconsistent setting is an error naming the variable; the
 * Cloudflare transport sends through the local `send_email` binding.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../../src/config";
import { openDatabase } from "../../src/db/client";
import { createTransport } from "../../src/email/transport";
import { consume, queuedInvitations, readInvitation } from "../support/email";

afterEach(() => {
  vi.restoreAllMocks();
});

const transportFor = (vars: Record<string, unknown>) => {
  const merged = Object.assign({}, env, vars);
  return createTransport({
    env: merged,
    config: readConfig(merged),
    db: openDatabase(env.DB),
    now: Date.now,
  });
};

describe("email transport selection", () => {
  it.each([
    ["outbox", {}],
    ["resend", { EMAIL_TRANSPORT: "resend", RESEND_API_KEY: "re_live_key" }],
    ["cloudflare", { EMAIL_TRANSPORT: "cloudflare" }],
  ])("builds the %s transport", (name, vars) => {
    expect(transportFor(vars).name).toBe(name);
  });

  it.each([
    [{ EMAIL_TRANSPORT: "resend" }, /RESEND_API_KEY is required when EMAIL_TRANSPORT=resend/],
    [{ EMAIL_TRANSPORT: "cloudflare", SEND_EMAIL: undefined }, /SEND_EMAIL/],
    [{ EMAIL_FROM: "Invitations <nope>" }, /EMAIL_FROM/],
    [{ ENVIRONMENT: "production" }, /EMAIL_TRANSPORT=outbox/],
    [{ EMAIL_TRANSPORT: "smtp" }, /EMAIL_TRANSPORT/],
  ])("refuses %o with an error naming the variable", (vars, message) => {
    expect(() => transportFor(vars)).toThrow(message);
  });
});

describe("Cloudflare transport", () => {
  it("sends through the send_email binding and records the delivery", async () => {
    const { rows, messages } = await queuedInvitations(2);
    const send = vi.spyOn(env.SEND_EMAIL, "send");

    const { result } = await consume(messages, {
      env: Object.assign({}, env, { EMAIL_TRANSPORT: "cloudflare" }),
    });

    expect(result.explicitAcks).toHaveLength(2);
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls[0]?.[0]).toMatchObject({
      from: { name: "Invitations", email: "invitations@example.test" },
      to: rows[0]?.emailAddress,
    });
    for (const row of rows) {
      expect((await readInvitation(row.id)).deliveryStatus).toBe("sent");
    }
  });
});
