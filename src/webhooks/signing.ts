/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, "Signature scheme"): the
 * `webhook-signature` header is `v1,` + base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`,
 * keyed with the base64-decoded part of the `whsec_` secret. Svix's and Clerk's verifiers accept it.
 */
import { fromBase64, SECRET_PREFIX, toBase64 } from "./secrets";

const encoder = new TextEncoder();

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/**
 * The three headers for one attempt. `webhook-id` stays the same across retries (receivers
 * deduplicate on it); the timestamp is the attempt's own, in seconds.
 *
 * @example await signWebhook("whsec_…", "evt_123", 1767225600, '{"type":"…"}')
 */
export async function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<SignedHeaders> {
  const raw = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = await crypto.subtle.importKey(
    "raw",
    fromBase64(raw),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    encoder.encode(`${id}.${timestampSeconds}.${body}`),
  );
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${toBase64(new Uint8Array(mac))}`,
  };
}
