/**
 * The only code that puts messages on the webhook queue.
 */
import { log } from "../http/log";
import type { WebhookDeliveryQueue } from "../webhooks/ports";
import { QUEUE_SEND_BATCH_MAX } from "./producer";
import type { WebhookDeliveryMessage } from "./webhook-messages";

export function queueWebhookDeliveries(queue: Queue): WebhookDeliveryQueue {
  return {
    async enqueue(deliveryIds) {
      for (let i = 0; i < deliveryIds.length; i += QUEUE_SEND_BATCH_MAX) {
        const chunk = deliveryIds.slice(i, i + QUEUE_SEND_BATCH_MAX);
        try {
          await queue.sendBatch(
            chunk.map((id) => ({
              body: {
                v: 1,
                type: "webhook.delivery",
                delivery_id: id,
              } satisfies WebhookDeliveryMessage,
              contentType: "json" as const,
            })),
          );
        } catch (err) {
          // The deliveries stay `pending`; the scheduled sweep enqueues them again.
          log.error("webhook queue send failed; left for the sweep", {
            count: chunk.length,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }
    },
  };
}
