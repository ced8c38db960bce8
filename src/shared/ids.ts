/**
 * Opaque, URL-safe, unguessable identifiers: a prefix naming the kind, then 24 base62 characters
 * (about 143 bits from the platform's CSPRNG).
 */
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ID_LENGTH = 24;
// 62 * 4 = 248: bytes at or above it are redrawn, so every character is equally likely.
const UNBIASED_LIMIT = 248;

export type IdPrefix = "org" | "orgmem" | "orginv" | "mail" | "whep" | "whatt";

export function newId(prefix: IdPrefix): string {
  let out = "";
  while (out.length < ID_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(ID_LENGTH * 2))) {
      if (byte < UNBIASED_LIMIT) out += ALPHABET[byte % 62];
      if (out.length === ID_LENGTH) break;
    }
  }
  return `${prefix}_${out}`;
}
