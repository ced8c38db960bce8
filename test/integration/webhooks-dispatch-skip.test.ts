/**
 * A write reads whether any webhook endpoint exists in the same round trip as its access check,
 * and skips the dispatch after it when none does. That read is made by every write, never
 * remembered: the first write after an endpoint is registered is dispatched at once.
 */
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createOrganization, invite } from "../support/fixtures";
import {
  captureWebhookSends,
  consumeWebhooks,
  createEndpoint,
  deleteAllEndpoints,
  mockEndpoints,
} from "../support/webhooks";

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await deleteAllEndpoints();
});

describe("webhook dispatch after a write", () => {
  it("sends nothing while no endpoint exists, and dispatches the first write after one is registered", async () => {
    await deleteAllEndpoints();
    const capture = captureWebhookSends();
    const org = await createOrganization();

    await invite(org.id);
    expect(capture.take(), "no endpoint: nothing recorded, nothing sent").toEqual([]);

    await createEndpoint("/late");
    const second = await invite(org.id);
    const messages = capture.take();
    expect(messages, "one delivery, to the one endpoint").toHaveLength(1);

    const { received } = mockEndpoints(200);
    await consumeWebhooks(messages);
    expect(received.map((r) => [r.payload.type, r.payload.data.id])).toEqual([
      ["organizationInvitation.created", second.id],
    ]);
  });
});
