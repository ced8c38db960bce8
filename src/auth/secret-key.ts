/**
 * The backend secret key check. Both sides are hashed first so the comparison always covers 32
 * bytes, whatever the lengths, and `timingSafeEqual` leaks nothing about where they differ.
 */
const encoder = new TextEncoder();

async function sha256(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(value));
}

export async function secretKeyMatches(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}
