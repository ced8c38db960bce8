/**
 * Session JWTs, verified with jose: HS256 with a shared secret, or RS256/ES256 against a JWKS URL.
 * The algorithm list is pinned (never `none`); `exp`/`nbf` are enforced with a small skew.
 */
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { z } from "zod";
import type { SessionPrincipal } from "./principal";

export interface SessionVerifierSettings {
  secret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** Clock skew tolerated on `exp` and `nbf`, in seconds. */
const CLOCK_SKEW_SECONDS = 5;
const ASYMMETRIC_ALGORITHMS = ["RS256", "ES256"];

const ClaimsSchema = z.object({
  // User ids end up in rows (created_by, user_id): bounded like every other stored string.
  sub: z.string().min(1).max(128),
  email: z.string().optional(),
  org_id: z.string().optional(),
  o: z.object({ id: z.string().optional() }).optional(),
});

// createRemoteJWKSet caches keys and refetches on unknown `kid`; keep one per URL per isolate.
const jwksByUrl = new Map<string, JWTVerifyGetKey>();
const encoder = new TextEncoder();

/** The session's principal, or null when the token is not one we accept (any reason). */
export async function verifySessionToken(
  token: string,
  settings: SessionVerifierSettings,
): Promise<SessionPrincipal | null> {
  const options = {
    clockTolerance: CLOCK_SKEW_SECONDS,
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
  };
  let payload: JWTPayload | undefined;
  if (settings.secret) {
    payload = await verifyWith(() =>
      jwtVerify(token, encoder.encode(settings.secret), { ...options, algorithms: ["HS256"] }),
    );
  }
  if (!payload && settings.jwksUrl) {
    let jwks = jwksByUrl.get(settings.jwksUrl);
    if (!jwks) {
      jwks = createRemoteJWKSet(new URL(settings.jwksUrl));
      jwksByUrl.set(settings.jwksUrl, jwks);
    }
    const keySet = jwks;
    payload = await verifyWith(() =>
      jwtVerify(token, keySet, { ...options, algorithms: ASYMMETRIC_ALGORITHMS }),
    );
  }
  if (!payload) return null;
  const claims = ClaimsSchema.safeParse(payload);
  if (!claims.success) return null;
  return {
    kind: "session",
    userId: claims.data.sub,
    email: claims.data.email ? claims.data.email.trim().toLowerCase() : null,
    activeOrganizationId: claims.data.org_id ?? claims.data.o?.id ?? null,
  };
}

async function verifyWith(
  verify: () => Promise<{ payload: JWTPayload }>,
): Promise<JWTPayload | undefined> {
  try {
    return (await verify()).payload;
  } catch {
    // Every verification failure (bad signature, expired, wrong alg, malformed) is a plain "no".
    return undefined;
  }
}
