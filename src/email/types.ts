/**
 * What the email pipeline hands a transport, and what a transport answers. A transport is the
 * only code that talks to a provider; it decides nothing about retries beyond classifying each
 * failure as transient (try again later) or permanent (never going to work).
 */

/** One rendered invitation email, ready for a provider. */
export interface OutgoingEmail {
  /** Idempotency key: one per invitation and link version (see `idempotencyKeyFor`). */
  key: string;
  invitationId: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The link inside the email; the dev outbox shows it as a clickable link. */
  acceptUrl: string;
}

export type SendOutcome =
  | { kind: "sent"; providerId?: string | undefined }
  /** Network error, 408/429, 5xx: worth another attempt; `retryAfterSeconds` from the provider. */
  | { kind: "transient"; error: string; retryAfterSeconds?: number | undefined }
  /** Any other refusal (a 4xx): the same request will never succeed. */
  | { kind: "permanent"; error: string };

export interface EmailTransport {
  readonly name: "outbox" | "resend" | "cloudflare";
  /**
   * Sends every email, using the provider's batch API where it has one (one call for the lot).
   * Answers one outcome per email, in order; never throws for a provider failure.
   */
  send(emails: readonly OutgoingEmail[]): Promise<SendOutcome[]>;
}

/** The `From` of every email, parsed from `EMAIL_FROM`. */
export interface Sender {
  name: string | null;
  email: string;
}

/**
 * Stable per invitation and link version: a redelivered message reuses it, a resend (new link
 * version) gets a new one. Resend keeps keys for 24 hours.
 */
export const idempotencyKeyFor = (invitationId: string, linkVersion: number) =>
  `org-invitation/${invitationId}/v${linkVersion}`;

/** Provider error text kept on the invitation (`email_delivery.last_error`): short, one line. */
export const LAST_ERROR_MAX_CHARS = 500;
export const clipError = (text: string) =>
  text.replace(/\s+/g, " ").trim().slice(0, LAST_ERROR_MAX_CHARS);
