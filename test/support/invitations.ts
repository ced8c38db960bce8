/**
 * Helpers for the invitation endpoint tests: paths, lists, bulk creation, the first error of an
 * envelope, and counts read straight from D1 (for what the API does not show).
 */
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { ErrorEnvelope, InvitationJson } from "../../src/contract/objects";
import type { Role } from "../../src/contract/roles";
import { backend, type Credentials, call, json } from "./api";

export interface InvitationList {
  data: InvitationJson[];
  total_count: number;
}

export const invitationsPath = (orgId: string) => `/v1/organizations/${orgId}/invitations`;

/** The one error of a Clerk envelope, after checking the status and the envelope's shape. */
export async function apiError(res: Response, status: number) {
  const body = await json<ErrorEnvelope>(res, status);
  const [first, ...rest] = body.errors;
  if (!first || rest.length > 0) throw new Error(`expected one error, got ${JSON.stringify(body)}`);
  if (typeof body.clerk_trace_id !== "string" || body.clerk_trace_id === "") {
    throw new Error(`missing clerk_trace_id in ${JSON.stringify(body)}`);
  }
  return first;
}

/** `GET …/invitations?<query>` as `as`, expecting 200. */
export async function listInvitations(
  orgId: string,
  query = "",
  as: Credentials = backend,
): Promise<InvitationList> {
  const suffix = query ? `?${query}` : "";
  return json<InvitationList>(await call("GET", `${invitationsPath(orgId)}${suffix}`, { as }));
}

/** Creates the invitations in one bulk call (the seed's form), expecting 200. */
export async function bulkInvite(
  orgId: string,
  emails: readonly string[],
  role: Role = "basic_member",
): Promise<InvitationList> {
  return json<InvitationList>(
    await call("POST", `${invitationsPath(orgId)}/bulk`, {
      as: backend,
      body: { email_address: emails, role },
    }),
  );
}

/** `n` distinct addresses under one label. */
export const addresses = (label: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${label}-${i}@example.com`);

/** Rows in D1 for the organization, optionally with one delivery status. */
export async function countStoredInvitations(
  orgId: string,
  deliveryStatus?: "queued" | "sent" | "failed" | "skipped",
): Promise<number> {
  const row = deliveryStatus
    ? await env.DB.prepare(
        "SELECT count(*) AS n FROM invitations WHERE organization_id = ? AND delivery_status = ?",
      )
        .bind(orgId, deliveryStatus)
        .first<{ n: number }>()
    : await env.DB.prepare("SELECT count(*) AS n FROM invitations WHERE organization_id = ?")
        .bind(orgId)
        .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Replaces the queue producer's `sendBatch` with a recorder, so a test can count what would go on
 * the queue without the local consumer picking messages up (and racing the assertions).
 */
export function recordQueueSends() {
  return vi.spyOn(env.EMAIL_QUEUE, "sendBatch").mockResolvedValue({
    metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } },
  });
}
