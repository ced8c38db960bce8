/**
 * Invitation tickets: the secret in an email link. A ticket is `<invitation id>.<link version>.
 * <HMAC-SHA256>` under `TICKET_SECRET`: 256 bits of MAC, nothing stored, so no ticket sits in the
 * database in plain text. Bumping the link version (resend) or leaving `pending` (accept, decline,
 * revoke, expiry) makes every older ticket useless.
 */
import { macMatches, macOf } from "../shared/hmac";

const signedPart = (invitationId: string, linkVersion: number) => `${invitationId}.${linkVersion}`;

export async function createTicket(
  secret: string,
  invitationId: string,
  linkVersion: number,
): Promise<string> {
  const payload = signedPart(invitationId, linkVersion);
  return `${payload}.${await macOf(secret, payload)}`;
}

export interface TicketClaims {
  invitationId: string;
  linkVersion: number;
}

/** The ticket's claims when its MAC verifies (in constant time), else null. */
export async function readTicket(secret: string, ticket: string): Promise<TicketClaims | null> {
  const parts = ticket.split(".");
  if (parts.length !== 3) return null;
  const [invitationId = "", version = "", mac = ""] = parts;
  if (!invitationId.startsWith("orginv_") || !/^[1-9][0-9]{0,8}$/.test(version)) return null;
  const linkVersion = Number(version);
  const valid = await macMatches(secret, signedPart(invitationId, linkVersion), mac);
  return valid ? { invitationId, linkVersion } : null;
}

export const acceptUrl = (publicUrl: string, ticket: string): string =>
  `${publicUrl}/accept?ticket=${encodeURIComponent(ticket)}`;
