/**
 * What travels on the webhook queue: a reference to one (event, endpoint) delivery, never the
 * payload or the secret. The consumer loads both and signs each attempt itself.
 */
import { z } from "zod";

export const WebhookDeliveryMessageSchema = z.object({
  v: z.literal(1),
  type: z.literal("webhook.delivery"),
  delivery_id: z.string().startsWith("whdel_"),
});
export type WebhookDeliveryMessage = z.infer<typeof WebhookDeliveryMessageSchema>;
