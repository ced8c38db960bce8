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
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** How long a rendered form stays usable. */
export const CSRF_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Tolerated clock difference for a token "issued in the future" (several isolates, one secret). */
const CLOCK_SKEW_MS = 60 * 1000;
// Domain separation: the same secret may sign other things (tickets), never with this prefix.
const PURPOSE_PREFIX = "csrf:v1:";

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

const message = (binding: string, issuedAt: number) =>
  encoder.encode(`${PURPOSE_PREFIX}${binding}:${issuedAt}`);

const toBase64Url = (bytes: ArrayBuffer): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null;
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export async function createCsrfToken(
  secret: string,
  binding: string,
  now: number,
): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), message(binding, now));
  return `${now}.${toBase64Url(mac)}`;
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
  const signature = fromBase64Url(match?.[2] ?? "");
  if (!match || !signature || !Number.isSafeInteger(issuedAt)) return false;
  if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt > CSRF_TOKEN_TTL_MS) return false;
  // `verify` compares in constant time.
  return crypto.subtle.verify("HMAC", await hmacKey(secret), signature, message(binding, issuedAt));
}
