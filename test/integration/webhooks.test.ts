/**
 * Webhook endpoints and delivery: the registry (secrets shown once), Standard Webhooks signatures
 * checked by an independent verifier (the `standardwebhooks` package), retries with the same
 * `webhook-id` and the attempt log, dead-lettering, and the outbox surviving a failed queue send.
 * The receiving endpoints are mocked at `fetch`: they are outside our system.
 */
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WebhookAttemptJson, WebhookEndpointJson } from "../../src/routes/webhooks";
import { STALE_DELIVERY_AFTER_MS } from "../../src/webhooks/dispatch";
import { backend, call, json, session } from "../support/api";
import { createOrganization, invite } from "../support/fixtures";
import { apiError } from "../support/invitations";
import {
  captureWebhookSends,
  consumeWebhooks,
  createEndpoint,
  deleteAllEndpoints,
  mockEndpoints,
  runCron,
  WEBHOOK_DLQ,
} from "../support/webhooks";

let capture: ReturnType<typeof captureWebhookSends>;

beforeEach(() => {
  capture = captureWebhookSends();
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await deleteAllEndpoints();
});

const attemptsOf = async (endpointId: string) =>
  json<{ data: WebhookAttemptJson[]; total_count: number }>(
    await call("GET", `/v1/webhooks/endpoints/${endpointId}/attempts`, { as: backend }),
  );

describe("webhook endpoints registry", () => {
  it("shows the secret once at creation, never in the list, and a new one on rotation", async () => {
    const created = await createEndpoint("/registry", ["organizationInvitation.created"]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({
      object: "webhook_endpoint",
      url: "https://hooks.example.test/registry",
      events: ["organizationInvitation.created"],
    });

    const list = await json<{ data: WebhookEndpointJson[]; total_count: number }>(
      await call("GET", "/v1/webhooks/endpoints", { as: backend }),
    );
    expect(list.total_count).toBe(1);
    expect(list.data[0]).not.toHaveProperty("secret");
    expect(JSON.stringify(list)).not.toContain(created.secret);

    const rotated = await json<{ secret: string }>(
      await call("POST", `/v1/webhooks/endpoints/${created.id}/rotate_secret`, { as: backend }),
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);

    await json(await call("DELETE", `/v1/webhooks/endpoints/${created.id}`, { as: backend }));
    const gone = await call("DELETE", `/v1/webhooks/endpoints/${created.id}`, { as: backend });
    expect((await apiError(gone, 404)).code).toBe("resource_not_found");
  });

  it.each([
    [
      "a plain http URL",
      { url: "http://hooks.example.test/x", events: ["organizationInvitation.created"] },
      "url",
    ],
    [
      "http://localhost outside development",
      { url: "http://localhost:3000/x", events: ["organizationInvitation.created"] },
      "url",
    ],
    ["a relative URL", { url: "/hooks", events: ["organizationInvitation.created"] }, "url"],
    [
      "an unknown event type",
      { url: "https://hooks.example.test/x", events: ["user.created"] },
      "events",
    ],
    ["no events", { url: "https://hooks.example.test/x", events: [] }, "events"],
  ])("refuses %s with 422 naming the field", async (_label, body, param) => {
    const res = await call("POST", "/v1/webhooks/endpoints", { as: backend, body });
    const error = await apiError(res, 422);
    expect(error.meta.param_name).toBe(param);
  });

  it("refuses sessions: endpoints receive every organization's events", async () => {
    const res = await call("POST", "/v1/webhooks/endpoints", {
      as: await session("user_hook_admin", "admin@example.com"),
      body: { url: "https://hooks.example.test/x", events: ["organizationInvitation.created"] },
    });
    expect((await apiError(res, 403)).code).toBe("missing_organization_permission");
  });
});

describe("webhook signatures", () => {
  it("verify with the standardwebhooks package; a tampered body or an old timestamp fails", async () => {
    const endpoint = await createEndpoint("/signed", ["organizationInvitation.created"]);
    const invitation = await invite((await createOrganization()).id);
    const { received } = mockEndpoints(200);

    await consumeWebhooks(capture.take());

    const [delivery] = received;
    if (!delivery) throw new Error("the endpoint received nothing");
    const verifier = new Webhook(endpoint.secret);
    expect(verifier.verify(delivery.body, delivery.headers)).toMatchObject({
      type: "organizationInvitation.created",
      data: { id: invitation.id },
    });
    expect(delivery.headers["webhook-id"]).toMatch(/^evt_[0-9a-f]{24}$/);

    const tampered = delivery.body.replace(invitation.email_address, "mallory@example.com");
    expect(() => verifier.verify(tampered, delivery.headers)).toThrow(WebhookVerificationError);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 10 * 60 * 1000);
    expect(() => verifier.verify(delivery.body, delivery.headers)).toThrow(/too old/i);
    vi.useRealTimers();

    const other = new Webhook(`whsec_${btoa("another-secret-of-32-bytes-0123")}`);
    expect(() => other.verify(delivery.body, delivery.headers)).toThrow(WebhookVerificationError);
  });
});

describe("webhook delivery", () => {
  it("an endpoint answering 500, 500, then 200 gets the event three times with one webhook-id, and the attempt log shows all three", async () => {
    const endpoint = await createEndpoint("/flaky", ["organizationInvitation.created"]);
    const invitation = await invite((await createOrganization()).id);
    const messages = capture.take();
    expect(messages).toHaveLength(1);
    const { received } = mockEndpoints(500, 500, 200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now());

    const first = await consumeWebhooks(messages, { attempts: 1 });
    expect(first.result.retryMessages).toHaveLength(1);
    expect(first.delays[0]).toBeGreaterThanOrEqual(30);
    vi.setSystemTime(Date.now() + (first.delays[0] ?? 0) * 1000);

    const second = await consumeWebhooks(messages, { attempts: 2 });
    expect(second.delays[0]).toBeGreaterThanOrEqual(60);
    vi.setSystemTime(Date.now() + (second.delays[0] ?? 0) * 1000);

    const third = await consumeWebhooks(messages, { attempts: 3 });
    expect(third.result.explicitAcks).toEqual(third.batch.messages.map((m) => m.id));
    expect(third.result.retryMessages).toEqual([]);

    expect(received).toHaveLength(3);
    const ids = new Set(received.map((r) => r.headers["webhook-id"]));
    expect(ids.size, "one webhook-id across retries").toBe(1);
    expect(new Set(received.map((r) => r.body)).size, "the same body every time").toBe(1);
    expect(received[0]?.payload.data.id).toBe(invitation.id);

    const log = await attemptsOf(endpoint.id);
    expect(log.total_count).toBe(3);
    expect(
      log.data.map((a) => ({
        attempt: a.attempt,
        status: a.status_code,
        retry: a.next_retry_at !== null,
      })),
      "newest first",
    ).toEqual([
      { attempt: 3, status: 200, retry: false },
      { attempt: 2, status: 500, retry: true },
      { attempt: 1, status: 500, retry: true },
    ]);
    expect(log.data[2]).toMatchObject({
      event_type: "organizationInvitation.created",
      event_id: received[0]?.headers["webhook-id"],
      error: "HTTP 500: endpoint down",
    });
    expect(log.data.every((a) => a.duration_ms >= 0)).toBe(true);
  });

  it("a message redelivered after success sends nothing more", async () => {
    await createEndpoint("/once", ["organizationInvitation.created"]);
    await invite((await createOrganization()).id);
    const messages = capture.take();
    const { received } = mockEndpoints(200);

    await consumeWebhooks(messages);
    const again = await consumeWebhooks(messages, { attempts: 2 });

    expect(received).toHaveLength(1);
    expect(again.result.explicitAcks).toHaveLength(1);
  });

  it("a dead-lettered delivery is marked failed and never attempted again", async () => {
    const endpoint = await createEndpoint("/dead", ["organizationInvitation.created"]);
    await invite((await createOrganization()).id);
    const messages = capture.take();
    const { received } = mockEndpoints(503);
    vi.spyOn(console, "error").mockImplementation(() => {});

    await consumeWebhooks(messages);
    const dead = await consumeWebhooks(messages, { queue: WEBHOOK_DLQ });
    expect(dead.result.explicitAcks).toHaveLength(1);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 60 * 60 * 1000);
    await consumeWebhooks(messages, { attempts: 2 });

    expect(received).toHaveLength(1);
    expect((await attemptsOf(endpoint.id)).total_count).toBe(1);
  });

  it("a failed queue send after the write loses nothing: the sweep enqueues it and it is delivered", async () => {
    await createEndpoint("/outbox", ["organizationInvitation.created"]);
    capture.spy.mockRejectedValueOnce(new Error("Queue send failed: internal error"));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const invitation = await invite((await createOrganization()).id);
    expect(capture.take(), "the request's send failed").toEqual([]);
    expect(capture.spy).toHaveBeenCalled();

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + STALE_DELIVERY_AFTER_MS + 60_000);
    await runCron();
    const { received } = mockEndpoints(200);
    await consumeWebhooks(capture.take());

    expect(received.map((r) => [r.payload.type, r.payload.data.id])).toEqual([
      ["organizationInvitation.created", invitation.id],
    ]);
    await runCron();
    expect(capture.take(), "nothing left for later sweeps").toEqual([]);
  });
});
