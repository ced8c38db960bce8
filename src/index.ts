/**
 * The Worker: HTTP, the invitation-email and webhook queues, and the scheduled sweeps.
 */
import { createApp } from "./app";
import { handleQueue } from "./queue/consumer";
import { handleWebhookQueue, WEBHOOK_QUEUE_PREFIX } from "./queue/webhook-consumer";
import { handleScheduled } from "./scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env, ctx) =>
    batch.queue.startsWith(WEBHOOK_QUEUE_PREFIX)
      ? handleWebhookQueue(batch, env)
      : handleQueue(batch, env, ctx),
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
