/**
 * The webhook event types. Clerk sends the first three; the rest are ours (Clerk has no event for
 * a decline, an expiry or a resend).
 */
export const WEBHOOK_EVENT_TYPES = [
  "organizationInvitation.created",
  "organizationInvitation.accepted",
  "organizationInvitation.revoked",
  "organizationInvitation.declined",
  "organizationInvitation.expired",
  "organizationInvitation.resent",
  "organizationMembership.created",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
