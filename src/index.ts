/**
 * The Worker: HTTP, the invitation-email queue, and the scheduled sweeps.
 */
import { createApp } from "./app";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
