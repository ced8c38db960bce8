/**
 * Invitation tickets: the secret in an email link. A ticket is `<invitation id>.<link version>.
 * <HMAC-SHA256>` under `TICKET_SECRET`: 256 bits of MAC, nothing stored, so no ticket sits in the
 * database in plain text. Bumping the link version (resend) or leaving `pending` (accept, decline,
 * revoke, expiry) makes every older ticket useless.
 */
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

const toBase64Url = (bytes: ArrayBuffer): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const signedPart = (invitationId: string, linkVersion: number) => `${invitationId}.${linkVersion}`;

export async function createTicket(
  secret: string,
  invitationId: string,
  linkVersion: number,
): Promise<string> {
  const payload = signedPart(invitationId, linkVersion);
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(payload));
  return `${payload}.${toBase64Url(mac)}`;
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
  const signature = fromBase64Url(mac);
  if (!signature) return null;
  const linkVersion = Number(version);
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret),
    signature,
    encoder.encode(signedPart(invitationId, linkVersion)),
  );
  return valid ? { invitationId, linkVersion } : null;
}

export const acceptUrl = (publicUrl: string, ticket: string): string =>
  `${publicUrl}/accept?ticket=${encodeURIComponent(ticket)}`;
