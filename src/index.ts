/**
 * The Worker: HTTP, the invitation-email queues, and the scheduled sweeps.
 */
import { createApp } from "./app";
import { handleQueue } from "./queue/consumer";
import { handleScheduled } from "./scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
