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

const toBase64Url = (bytes: ArrayBuffer): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

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
