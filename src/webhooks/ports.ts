/** What the webhooks domain asks of the world, as interfaces the edge implements. */

export interface WebhookDeliveryQueue {
  /**
   * Puts these deliveries (by id) on the webhook queue. Must not throw for a transport failure:
   * the deliveries stay `pending` and the scheduled sweep enqueues them again.
   */
  enqueue(deliveryIds: readonly string[]): Promise<void>;
}
