/**
 * The backend secret key check. Both sides are hashed first so the comparison always covers 32
 * bytes, whatever the lengths, and `timingSafeEqual` leaks nothing about where they differ.
 */
const encoder = new TextEncoder();

async function sha256(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(value));
}

// The configured key's digest, computed once per isolate (per key).
const expectedDigests = new Map<string, Promise<ArrayBuffer>>();

export async function secretKeyMatches(presented: string, expected: string): Promise<boolean> {
  let digest = expectedDigests.get(expected);
  if (!digest) {
    digest = sha256(expected);
    expectedDigests.set(expected, digest);
  }
  const [a, b] = await Promise.all([sha256(presented), digest]);
  return crypto.subtle.timingSafeEqual(a, b);
}
