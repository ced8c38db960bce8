/**
 * Drives the worker under test through its own `fetch`, with the credentials tests need.
 */
import { exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { TEST_VARS } from "./vars";

export const SECRET_KEY = TEST_VARS.SECRET_KEY;
const sessionSecret = new TextEncoder().encode(TEST_VARS.SESSION_JWT_SECRET);

export type Credentials = { token?: string | null; headers?: Record<string, string> };

export const backend: Credentials = { token: SECRET_KEY };

/** A session JWT for `userId`, signed like the service expects (HS256). */
export async function sessionToken(
  userId: string,
  claims: Record<string, unknown> = {},
  options: { expiresIn?: string | number; secret?: Uint8Array } = {},
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "10m")
    .sign(options.secret ?? sessionSecret);
}

export async function session(userId: string, email?: string): Promise<Credentials> {
  return { token: await sessionToken(userId, email ? { email } : {}) };
}

export async function call(
  method: string,
  path: string,
  options: { as?: Credentials; body?: unknown; rawBody?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(options.as?.headers ?? {}) };
  if (options.as?.token) headers.authorization = `Bearer ${options.as.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers["content-type"] = "application/json";
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  return exports.default.fetch(
    new Request(`https://invitations.test${path}`, { method, headers, body }),
  );
}

/** The JSON body, typed by the caller; fails the test with the body when the status is unexpected. */
export async function json<T = Record<string, unknown>>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${res.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}
