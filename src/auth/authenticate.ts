/**
 * Turns a bearer credential into a principal: a secret key (`sk_…`) is the backend, anything else
 * must be a session JWT we can verify. Null means "not authenticated", for whatever reason.
 */
import type { Config } from "../config";
import type { Principal, SessionPrincipal } from "./principal";
import { secretKeyMatches } from "./secret-key";
import { verifySessionToken } from "./session";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function bearerToken(header: string | undefined): string | null {
  return header ? (BEARER.exec(header)?.[1] ?? null) : null;
}

export async function principalFromToken(token: string, config: Config): Promise<Principal | null> {
  if (token.startsWith("sk_")) {
    return (await secretKeyMatches(token, config.SECRET_KEY)) ? { kind: "backend" } : null;
  }
  return sessionFromToken(token, config);
}

export function sessionFromToken(token: string, config: Config): Promise<SessionPrincipal | null> {
  return verifySessionToken(token, {
    secret: config.SESSION_JWT_SECRET,
    jwksUrl: config.SESSION_JWKS_URL,
    issuer: config.SESSION_JWT_ISSUER,
    audience: config.SESSION_JWT_AUDIENCE,
  });
}
