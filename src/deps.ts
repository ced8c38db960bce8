/**
 * What the domain needs from the outside world, built from the Worker's environment at the edge
 * (routes, consumer, scheduled handler). The domain itself never reads `env`.
 */
import type { Config } from "./config";
import { type Database, openDatabase } from "./db/client";
import type { EmailDispatcher } from "./invitations/ports";
import { queueEmailDispatcher } from "./queue/producer";
import { queueWebhookDeliveries } from "./queue/webhook-producer";
import type { WebhookDeliveryQueue } from "./webhooks/ports";

export interface Deps {
  db: Database;
  /** Unix milliseconds; one clock for every expiry and timestamp decision. */
  now: () => number;
  emails: EmailDispatcher;
  webhooks: WebhookDeliveryQueue;
  settings: {
    publicUrl: string;
    ticketSecret: string;
    invitationTtlDays: number;
    bulkMax: number;
    /** Origins `redirect_url` may point at; null when any http(s) origin is allowed. */
    allowedRedirectOrigins: readonly string[] | null;
    /** Encrypts webhook signing secrets at rest; undefined when webhooks are not configured. */
    webhookSecretKey: string | undefined;
    /** Development: webhook endpoints may be `http://localhost`. */
    allowLocalHttpWebhooks: boolean;
  };
}

export function buildDeps(env: Env, config: Config): Deps {
  return {
    db: openDatabase(env.DB),
    now: () => Date.now(),
    emails: queueEmailDispatcher(env.EMAIL_QUEUE),
    webhooks: queueWebhookDeliveries(env.WEBHOOK_QUEUE),
    settings: {
      publicUrl: config.PUBLIC_URL,
      ticketSecret: config.TICKET_SECRET,
      invitationTtlDays: config.INVITATION_TTL_DAYS,
      bulkMax: config.BULK_MAX,
      allowedRedirectOrigins: config.ALLOWED_REDIRECT_ORIGINS
        ? config.ALLOWED_REDIRECT_ORIGINS.split(",")
            .map((o) => o.trim())
            .filter((o) => o !== "")
        : null,
      webhookSecretKey: config.WEBHOOK_SECRET_KEY,
      allowLocalHttpWebhooks: config.ENVIRONMENT === "development",
    },
  };
}
