/**
 * HMAC-SHA256 with URL-safe base64 MACs: what tickets and form tokens are made of. Keys are
 * imported once per secret per isolate; verification is WebCrypto's, in constant time.
 */
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** An HMAC-SHA256 MAC is 32 bytes: 43 base64url characters without padding. */
const MAC_BASE64URL = /^[A-Za-z0-9_-]{43}$/;

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

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Unpadded base64url, written out directly: a list page signs a link per pending invitation, and
 * `btoa` plus three replacements cost about as much as the MAC itself.
 */
function toBase64Url(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      BASE64URL.charAt(n >>> 18) +
      BASE64URL.charAt((n >>> 12) & 63) +
      BASE64URL.charAt((n >>> 6) & 63) +
      BASE64URL.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out += BASE64URL.charAt(n >>> 18) + BASE64URL.charAt((n >>> 12) & 63);
    if (rest === 2) out += BASE64URL.charAt((n >>> 6) & 63);
  }
  return out;
}

function macBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!MAC_BASE64URL.test(text)) return null;
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The base64url HMAC-SHA256 of `message` under `secret`. */
export async function macOf(secret: string, message: string): Promise<string> {
  return toBase64Url(
    await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message)),
  );
}

/** True when `mac` is `macOf(secret, message)`; compared in constant time. */
export async function macMatches(secret: string, message: string, mac: string): Promise<boolean> {
  const signature = macBytes(mac);
  if (!signature) return false;
  return crypto.subtle.verify("HMAC", await hmacKey(secret), signature, encoder.encode(message));
}
