/**
 * Sending a generated request and the check every answer must pass: never a 5xx; every refusal
 * in the contract's envelope (429 only as `rate_limit_exceeded` with `Retry-After`); and a
 * refused request leaves the database exactly as it was.
 */
import { env, exports } from "cloudflare:workers";
import { ErrorEnvelopeSchema } from "../../src/contract/objects";

const ORIGIN = "https://invitations.test";

export interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function request(r: FuzzRequest): Request {
  const canHaveBody = r.method !== "GET" && r.method !== "HEAD";
  return new Request(`${ORIGIN}${r.path}${r.query}`, {
    method: r.method,
    headers: r.headers,
    body: canHaveBody ? r.body : undefined,
  });
}

/** A number per enum value, so a status or role change shows even within the same millisecond. */
const code = (column: string, values: string) => `instr('${values}', ${column})`;
const STATUSES = "pending accepted revoked expired declined queued sent failed skipped";
const ROLES = "admin basic_member guest_member";

/**
 * Row counts and exact integer sums over every row of the tables a request may write (all of
 * them, not only one organization's: a refused request may write nowhere).
 */
export async function databaseFingerprint(): Promise<string> {
  const row = await env.DB.prepare(
    `SELECT
       (SELECT count(*) || ':' || coalesce(sum(updated_at), 0) || ':' || coalesce(sum(
           length(id) + length(email_address) + ${code("status", STATUSES)} + ${code("role", ROLES)}
           + link_version + delivery_attempts + ${code("delivery_status", STATUSES)}
           + length(public_metadata) + length(private_metadata) + coalesce(length(accepted_user_id), 0)
           + expires_at % 1000003 + coalesce(delivery_queued_at, 0) % 1000003), 0)
          FROM invitations) AS invitations,
       (SELECT count(*) || ':' || coalesce(sum(updated_at), 0) || ':' || coalesce(sum(
           length(id) + ${code("role", ROLES)} + length(user_id) + coalesce(length(email_address), 0)
           + length(public_metadata)), 0)
          FROM memberships) AS memberships,
       (SELECT count(*) || ':' || coalesce(sum(updated_at), 0) || ':' || coalesce(sum(
           length(id) + length(name) + length(slug) + max_allowed_memberships % 1000003
           + length(public_metadata) + length(private_metadata)), 0)
          FROM organizations) AS organizations`,
  ).first<Record<string, string>>();
  return JSON.stringify(row);
}

/** Status counts per property, printed after each run: shows how deep the fuzz got. */
export type Tally = Map<string, number>;

export class FuzzFailure extends Error {
  override name = "FuzzFailure";
}

/**
 * Sends one request and checks the three properties. Returns the fingerprint after it (a
 * successful request may change the database; a refused one must not).
 */
export async function checkOne(r: FuzzRequest, before: string, tally: Tally): Promise<string> {
  const res = await exports.default.fetch(request(r));
  const text = await res.text();
  const where = `${r.method} ${r.path}${r.query} → ${res.status}: ${text.slice(0, 500)}`;
  if (res.status >= 500) throw new FuzzFailure(`5xx answer: ${where}`);
  if (res.status >= 200 && res.status < 300) {
    tally.set(String(res.status), (tally.get(String(res.status)) ?? 0) + 1);
    return databaseFingerprint();
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FuzzFailure(`refusal is not JSON: ${where}`);
  }
  const envelope = ErrorEnvelopeSchema.safeParse(parsed);
  if (!envelope.success || envelope.data.errors.length === 0 || !envelope.data.clerk_trace_id) {
    throw new FuzzFailure(`refusal is not the contract's envelope: ${where}`);
  }
  const code = envelope.data.errors[0]?.code;
  tally.set(`${res.status} ${code}`, (tally.get(`${res.status} ${code}`) ?? 0) + 1);
  if (res.status === 429 && (code !== "rate_limit_exceeded" || !res.headers.get("retry-after"))) {
    throw new FuzzFailure(`429 without rate_limit_exceeded and Retry-After: ${where}`);
  }
  const after = await databaseFingerprint();
  if (after !== before) {
    throw new FuzzFailure(
      `a refused request changed the database (${before} → ${after}): ${where}`,
    );
  }
  return after;
}
