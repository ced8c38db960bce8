/**
 * CSRF tokens for server-rendered forms: stateless and signed. A token is `<issued at ms>.<MAC>`,
 * the MAC an HMAC-SHA256 over a purpose string that binds it to one session subject and one
 * thing being acted on (for example an invitation at one link version). Nothing is stored and no
 * cookie is set: a cross-site page can neither read the token out of our HTML (same-origin
 * policy) nor forge one (it lacks the key), and a token lifted from one account's page is useless
 * for another account or another invitation. This is the second layer; the first is Hono's
 * `csrf()` origin / `Sec-Fetch-Site` check on the POST route (see `docs/accepting.md`).
 *
 * @example
 * const token = await createCsrfToken(secret, `accept:${userId}:${invitationId}`, Date.now());
 * await verifyCsrfToken(secret, `accept:${userId}:${invitationId}`, token, Date.now()); // true
 */
import { macMatches, macOf } from "../shared/hmac";

/** How long a rendered form stays usable. */
export const CSRF_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Tolerated clock difference for a token "issued in the future" (several isolates, one secret). */
const CLOCK_SKEW_MS = 60 * 1000;
// Domain separation: the same secret may sign other things (tickets), never with this prefix.
const PURPOSE_PREFIX = "csrf:v1:";

const message = (binding: string, issuedAt: number) => `${PURPOSE_PREFIX}${binding}:${issuedAt}`;

export async function createCsrfToken(
  secret: string,
  binding: string,
  now: number,
): Promise<string> {
  return `${now}.${await macOf(secret, message(binding, now))}`;
}

/** True when the token was made for this binding with this secret and is still fresh. */
export async function verifyCsrfToken(
  secret: string,
  binding: string,
  token: string | undefined,
  now: number,
): Promise<boolean> {
  if (!token) return false;
  const match = /^([0-9]{1,15})\.(.+)$/.exec(token);
  const issuedAt = Number(match?.[1]);
  if (!match?.[2] || !Number.isSafeInteger(issuedAt)) return false;
  if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt > CSRF_TOKEN_TTL_MS) return false;
  return macMatches(secret, message(binding, issuedAt), match[2]);
}
