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

export type OrganizationRow = typeof organizations.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;
export type NewInvitationRow = typeof invitations.$inferInsert;
