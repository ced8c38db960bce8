/**
 * Invitation rules that need no I/O: address normalization, effective status, expiry.
 */
import type { InvitationStatus } from "../contract/roles";
import type { InvitationRow } from "../db/schema";

const DAY_MS = 24 * 60 * 60 * 1000;
/** RFC 5321: a path is at most 256 octets, so an address at most 254. */
export const EMAIL_MAX_LENGTH = 254;
// Deliberately plain: one @, a dot in the domain, no spaces or angle brackets. Deliverability is
// the provider's call; this refuses what can never be an address or could smuggle headers.
const EMAIL_PATTERN = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;

/** Emails are compared case-insensitively: trimmed and lower-cased before storing or matching. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Also refuses lone surrogates: such a string cannot be encoded into an email header. */
export const isValidEmail = (normalized: string): boolean =>
  normalized.length <= EMAIL_MAX_LENGTH &&
  normalized.isWellFormed() &&
  EMAIL_PATTERN.test(normalized);

export const expiresAtFrom = (now: number, days: number): number => now + days * DAY_MS;

/** A pending invitation whose `expires_at` has passed is `expired` everywhere. */
export function effectiveStatus(
  row: Pick<InvitationRow, "status" | "expiresAt">,
  now: number,
): InvitationStatus {
  if (row.status === "pending" && row.expiresAt <= now) return "expired";
  return row.status as InvitationStatus;
}

export const isPending = (row: Pick<InvitationRow, "status" | "expiresAt">, now: number) =>
  effectiveStatus(row, now) === "pending";
