/**
 * Helpers for the webhook tests: endpoints made through the API, the webhook queue's sends
 * captured (so the test decides when each message is consumed, not the local queue), the
 * consumer driven through `createMessageBatch`/`getQueueResult`, the receiving endpoints mocked
 * at `fetch` (they are outside our system), and the cron run.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import worker from "../../src/index";
import type { WebhookDeliveryMessage } from "../../src/queue/webhook-messages";
import type { WebhookEndpointJson, WebhookEndpointWithSecretJson } from "../../src/routes/webhooks";
import { WEBHOOK_EVENT_TYPES } from "../../src/webhooks/events";
import { backend, call, json } from "./api";

export const WEBHOOK_QUEUE = "webhook-deliveries";
export const WEBHOOK_DLQ = "webhook-deliveries-dlq";
export const HOOK_ORIGIN = "https://hooks.example.test";

export async function createEndpoint(
  path: string,
  events: readonly string[] = WEBHOOK_EVENT_TYPES,
): Promise<WebhookEndpointWithSecretJson> {
  return json<WebhookEndpointWithSecretJson>(
    await call("POST", "/v1/webhooks/endpoints", {
      as: backend,
      body: { url: `${HOOK_ORIGIN}${path}`, events },
    }),
  );
}

/** Deletes every endpoint: endpoints are global, and each test file has a cap of 16. */
export async function deleteAllEndpoints(): Promise<void> {
  const page = await json<{ data: WebhookEndpointJson[] }>(
    await call("GET", "/v1/webhooks/endpoints?limit=100", { as: backend }),
  );
  for (const e of page.data) {
    await json(await call("DELETE", `/v1/webhooks/endpoints/${e.id}`, { as: backend }));
  }
}

/**
 * Replaces the webhook queue's `sendBatch` with a recorder: what would have been sent piles up in
 * `messages` until `take()` hands it over.
 */
export function captureWebhookSends() {
  let messages: WebhookDeliveryMessage[] = [];
  const spy = vi.spyOn(env.WEBHOOK_QUEUE, "sendBatch").mockImplementation(async (batch) => {
    for (const m of batch) messages.push(m.body as WebhookDeliveryMessage);
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
  });
  return {
    spy,
    take(): WebhookDeliveryMessage[] {
      const taken = messages;
      messages = [];
      return taken;
    },
  };
}

export interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
  payload: { type: string; object: string; data: Record<string, unknown>; timestamp: number };
}

/**
 * Mocks the receiving endpoints at `fetch`: each call to `HOOK_ORIGIN` gets the next status (the
 * last repeating) and is recorded; other URLs pass through.
 */
export function mockEndpoints(...statuses: number[]) {
  const realFetch = globalThis.fetch;
  const received: Received[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(HOOK_ORIGIN)) return realFetch(input, init);
    const body = await request.text();
    received.push({
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body,
      payload: JSON.parse(body),
    });
    const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
    return new Response(status < 300 ? "ok" : "endpoint down", { status });
  });
  return { spy, received };
}

let counter = 0;

/** Runs the Worker's `queue` handler on these bodies, each on its `attempts`th delivery. */
export async function consumeWebhooks(
  bodies: readonly unknown[],
  options: { queue?: string; attempts?: number } = {},
) {
  const batch = createMessageBatch(
    options.queue ?? WEBHOOK_QUEUE,
    bodies.map((body) => ({
      id: `whmsg-${++counter}`,
      timestamp: new Date(),
      attempts: options.attempts ?? 1,
      body,
    })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  const delays = retries.map((spy) => spy.mock.calls[0]?.[0]?.delaySeconds);
  return { batch, result, delays };
}

export async function runCron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}
