/**
 * The tables: the one source of column truth. `docs/data-model.md` explains each column and index;
 * `npm run db:generate` turns changes here into a migration under `migrations/`.
 */
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** JSON object columns (metadata): stored as text, parsed by drizzle. */
const jsonObject = (name: string) =>
  text(name, { mode: "json" }).$type<Record<string, unknown>>().notNull().default({});

export const organizations = sqliteTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    createdBy: text("created_by"),
    /** 0 means unlimited, as in Clerk. Counts members plus pending invitations. */
    maxAllowedMemberships: integer("max_allowed_memberships").notNull().default(0),
    publicMetadata: jsonObject("public_metadata"),
    privateMetadata: jsonObject("private_metadata"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("organizations_slug_unique").on(t.slug)],
);

export const memberships = sqliteTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    /** Lower-cased; lets invitations refuse addresses that already belong to a member. */
    emailAddress: text("email_address"),
    role: text("role").notNull(),
    publicMetadata: jsonObject("public_metadata"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("memberships_org_user_unique").on(t.organizationId, t.userId),
    index("memberships_org_created").on(t.organizationId, t.createdAt, t.id),
    index("memberships_org_email").on(t.organizationId, t.emailAddress),
    index("memberships_user").on(t.userId),
  ],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Trimmed and lower-cased before it is stored. */
    emailAddress: text("email_address").notNull(),
    role: text("role").notNull(),
    /**
     * Stored status: pending, accepted, revoked, declined or expired. A pending row past
     * `expires_at` reads as expired before the scheduled sweep persists the flip.
     */
    status: text("status").notNull(),
    inviterId: text("inviter_id"),
    publicMetadata: jsonObject("public_metadata"),
    privateMetadata: jsonObject("private_metadata"),
    redirectUrl: text("redirect_url"),
    expiresAt: integer("expires_at").notNull(),
    /** Bumped by resend: tickets carry it, so a resend invalidates every older link. */
    linkVersion: integer("link_version").notNull().default(1),
    /** queued, sent, failed or skipped (`notify: false`). */
    deliveryStatus: text("delivery_status").notNull(),
    deliveryAttempts: integer("delivery_attempts").notNull().default(0),
    deliveryLastError: text("delivery_last_error"),
    deliverySentAt: integer("delivery_sent_at"),
    /** When the email was last put on the queue; the sweep re-enqueues stale `queued` rows. */
    deliveryQueuedAt: integer("delivery_queued_at"),
    acceptedUserId: text("accepted_user_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // The invariant: one pending invitation per organization and address, held by the database.
    uniqueIndex("invitations_one_pending_per_address")
      .on(t.organizationId, t.emailAddress)
      .where(sql`status = 'pending'`),
    // Lists and counts, newest first; `expires_at` rides along so the expiry test never reads a row.
    index("invitations_org_created").on(t.organizationId, t.createdAt, t.id, t.expiresAt),
    index("invitations_org_status_created").on(
      t.organizationId,
      t.status,
      t.createdAt,
      t.id,
      t.expiresAt,
    ),
    index("invitations_org_email").on(t.organizationId, t.emailAddress, t.createdAt, t.id),
    // The invitee's own list (`/v1/me/organization_invitations`).
    index("invitations_email_created").on(t.emailAddress, t.createdAt, t.id),
    // Lapsed pending rows of one organization: the correction applied to the status counters.
    index("invitations_org_pending_expiry")
      .on(t.organizationId, t.expiresAt)
      .where(sql`status = 'pending'`),
    // Scheduled sweeps: pending rows by expiry, queued deliveries by age.
    index("invitations_pending_expiry").on(t.expiresAt).where(sql`status = 'pending'`),
    index("invitations_delivery_queued")
      .on(t.deliveryQueuedAt)
      .where(sql`delivery_status = 'queued'`),
  ],
);

/**
 * How many invitations each organization has in each stored status. Maintained by triggers on
 * `invitations` (migration 0002), inside the same transaction as every write, so `total_count`
 * costs one index lookup however large the organization grows.
 */
export const invitationStatusCounts = sqliteTable(
  "invitation_status_counts",
  {
    organizationId: text("organization_id").notNull(),
    status: text("status").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.status] })],
);

/**
 * Emails "sent" by the outbox transport (development): what `/dev/mailbox` shows.
 */
export const outboxEmails = sqliteTable(
  "outbox_emails",
  {
    id: text("id").primaryKey(),
    invitationId: text("invitation_id").notNull(),
    to: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text: text("text_body").notNull(),
    html: text("html_body").notNull(),
    acceptUrl: text("accept_url").notNull(),
    sentAt: integer("sent_at").notNull(),
  },
  (t) => [index("outbox_emails_sent").on(t.sentAt, t.id)],
);

/**
 * Webhook endpoints: where invitation events are POSTed. The signing secret is stored encrypted
 * (AES-GCM under a key derived from `WEBHOOK_SECRET_KEY`): signing needs the raw key, so a hash
 * would not do, but a database dump alone does not reveal it.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    /** The event types this endpoint receives (a JSON array of strings). */
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    /** base64 of the AES-GCM nonce followed by the ciphertext of the `whsec_` secret. */
    secretCiphertext: text("secret_ciphertext").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_created").on(t.createdAt, t.id)],
);

/**
 * The outbox: one row per state change, written by triggers on `invitations` and `memberships`
 * (migration 0004) inside the transaction of the change itself. `payload` is a snapshot of the
 * row as the change left it, so a delivery shows the state that caused it, not a later one.
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    organizationId: text("organization_id").notNull(),
    /** The invitation's or membership's id. */
    subjectId: text("subject_id").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** ms: the change's own timestamp (the row's `updated_at`). */
    occurredAt: integer("occurred_at").notNull(),
    /** ms: when deliveries were made for the endpoints then subscribed; null until then. */
    fannedOutAt: integer("fanned_out_at"),
  },
  (t) => [
    index("webhook_events_subject").on(t.subjectId, t.occurredAt),
    // The dispatcher's and the sweep's backlog: only events not yet fanned out are in it.
    index("webhook_events_unfanned").on(t.occurredAt, t.id).where(sql`fanned_out_at IS NULL`),
    // The history prune: events already fanned out, oldest first.
    index("webhook_events_fanned").on(t.occurredAt).where(sql`fanned_out_at IS NOT NULL`),
  ],
);

/** One event for one endpoint: the unit the webhook queue carries and retries. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** pending, succeeded or failed (retries exhausted). */
    status: text("status").notNull(),
    /** HTTP attempts made so far. */
    attempts: integer("attempts").notNull().default(0),
    /** ms: when the delivery is next due (enqueued, claimed, or waiting out a backoff). */
    dueAt: integer("due_at").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint").on(t.eventId, t.endpointId),
    index("webhook_deliveries_endpoint").on(t.endpointId),
    // The sweep: pending deliveries long past due were lost on the way to the queue.
    index("webhook_deliveries_pending_due").on(t.dueAt).where(sql`status = 'pending'`),
  ],
);

/** Every HTTP attempt of every delivery: what `GET /v1/webhooks/endpoints/{id}/attempts` shows. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    deliveryId: text("delivery_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** 1 for the first attempt of the delivery. */
    attempt: integer("attempt").notNull(),
    /** The endpoint's HTTP status; null when no answer came (network error, timeout). */
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
    /** ms: when the next attempt is planned; null after a success or the last attempt. */
    nextRetryAt: integer("next_retry_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("webhook_attempts_endpoint_created").on(t.endpointId, t.createdAt, t.id),
    // The history prune: attempts oldest first, whatever the endpoint.
    index("webhook_attempts_created").on(t.createdAt),
  ],
);

export type OrganizationRow = typeof organizations.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;
export type NewInvitationRow = typeof invitations.$inferInsert;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
