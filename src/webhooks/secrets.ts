/**
 * Endpoint signing secrets. A secret is `whsec_` + base64 of 32 random bytes (Standard Webhooks:
 * 24 to 64 bytes). Signing needs the raw bytes, so the secret cannot be stored hashed; it is
 * stored encrypted with AES-GCM under a key derived (HKDF-SHA-256) from `WEBHOOK_SECRET_KEY`, with
 * the endpoint id as additional data so a ciphertext cannot be moved to another endpoint.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;
const NONCE_BYTES = 12;
/** HKDF context: changing either value makes every stored secret unreadable. */
const HKDF_SALT = encoder.encode("org-invitations/webhook-secrets");
const HKDF_INFO = encoder.encode("aes-256-gcm v1");

export const toBase64 = (bytes: Uint8Array): string => {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
};

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function generateSecret(): string {
  return `${SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)))}`;
}

const keys = new Map<string, Promise<CryptoKey>>();

function encryptionKey(masterKey: string): Promise<CryptoKey> {
  let key = keys.get(masterKey);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(masterKey), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: HKDF_INFO },
          base,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
    keys.set(masterKey, key);
  }
  return key;
}

/** base64(nonce ‖ ciphertext) of `secret`, bound to `endpointId`. */
export async function encryptSecret(
  masterKey: string,
  endpointId: string,
  secret: string,
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(endpointId) },
    await encryptionKey(masterKey),
    encoder.encode(secret),
  );
  const out = new Uint8Array(NONCE_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), NONCE_BYTES);
  return toBase64(out);
}

/** The secret back; throws when the key is wrong or the ciphertext was tampered with. */
export async function decryptSecret(
  masterKey: string,
  endpointId: string,
  ciphertext: string,
): Promise<string> {
  const bytes = fromBase64(ciphertext);
  const opened = await crypto.subtle.decrypt(
    {
      name: "AES-GCM",
      iv: bytes.slice(0, NONCE_BYTES),
      additionalData: encoder.encode(endpointId),
    },
    await encryptionKey(masterKey),
    bytes.slice(NONCE_BYTES),
  );
  return decoder.decode(opened);
}
