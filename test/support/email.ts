/**
 * Helpers for the email pipeline tests: invitations written to D1 with their queue messages
 * captured instead of sent (so the test, not the local queue, decides when and how each message
 * is delivered), the consumer driven through `createMessageBatch`/`getQueueResult`, the delivery
 * columns and the outbox read straight from D1, and the Resend API mocked at `fetch`.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { vi } from "vitest";
import { readConfig } from "../../src/config";
import { openDatabase } from "../../src/db/client";
import { type InvitationRow, invitations, outboxEmails } from "../../src/db/schema";
import { buildDeps } from "../../src/deps";
import { RESEND_API_URL } from "../../src/email/resend";
import worker from "../../src/index";
import { createInvitations } from "../../src/invitations/create";
import type { EmailRequest } from "../../src/invitations/ports";
import { findOrganization } from "../../src/organizations/repository";
import type { InvitationEmailMessage } from "../../src/queue/messages";
import { addMember, createOrganization, email } from "./fixtures";

export const EMAIL_QUEUE = "invitation-emails";
export const EMAIL_DLQ = "invitation-emails-dlq";

/** The Worker's environment with the Resend transport selected. */
export const resendEnv = (): Env =>
  Object.assign({}, env, { EMAIL_TRANSPORT: "resend", RESEND_API_KEY: "re_test_0123456789" });

export const db = () => openDatabase(env.DB);

/**
 * Invitations created by the domain exactly as the API creates them, in a fresh organization,
 * with the queue messages they would have sent captured and returned instead of put on the queue.
 */
export async function queuedInvitations(
  count = 1,
  options: { orgName?: string; inviter?: { userId: string; email: string } } = {},
): Promise<{ orgId: string; rows: InvitationRow[]; messages: InvitationEmailMessage[] }> {
  const org = await createOrganization({ name: options.orgName });
  if (options.inviter) {
    await addMember(org.id, options.inviter.userId, "admin", options.inviter.email);
  }
  const captured: EmailRequest[] = [];
  const deps = {
    ...buildDeps(env, readConfig(env)),
    emails: {
      enqueue: async (requests: readonly EmailRequest[]) => void captured.push(...requests),
    },
  };
  const organization = await findOrganization(deps.db, org.id);
  if (!organization) throw new Error("organization just created is missing");
  const result = await createInvitations(
    deps,
    organization,
    Array.from({ length: count }, () => ({
      emailAddress: email("invitee"),
      role: "basic_member" as const,
      inviterUserId: options.inviter?.userId,
    })),
  );
  if (!result.ok) throw new Error(`createInvitations failed: ${JSON.stringify(result.error)}`);
  return { orgId: org.id, rows: result.value, messages: captured.map(toMessageBody) };
}

export const toMessageBody = (r: EmailRequest): InvitationEmailMessage => ({
  v: 1,
  type: "invitation.email",
  invitation_id: r.invitationId,
  link_version: r.linkVersion,
});

let messageCounter = 0;

/** Runs the Worker's `queue` handler on these bodies; every message on its `attempts`th delivery. */
export async function consume(
  bodies: readonly unknown[],
  options: { queue?: string; env?: Env; attempts?: number } = {},
) {
  const batch = createMessageBatch(
    options.queue ?? EMAIL_QUEUE,
    bodies.map((body) => ({
      id: `msg-${++messageCounter}`,
      timestamp: new Date(),
      attempts: options.attempts ?? 1,
      body,
    })),
  );
  // The fake batch's own bookkeeping drops `delaySeconds`; the spies keep it.
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ?? env, ctx);
  const result = await getQueueResult(batch, ctx);
  const delays = retries.map((spy) =>
    spy.mock.calls.length > 0 ? (spy.mock.calls[0]?.[0]?.delaySeconds ?? null) : undefined,
  );
  return { batch, result, delays };
}

export async function readInvitation(id: string): Promise<InvitationRow> {
  const row = await db().query.invitations.findFirst({ where: eq(invitations.id, id) });
  if (!row) throw new Error(`invitation ${id} not found`);
  return row;
}

export async function outboxFor(invitationIds: readonly string[]) {
  if (invitationIds.length === 0) return [];
  const found = [];
  for (let i = 0; i < invitationIds.length; i += 90) {
    found.push(
      ...(await db()
        .select()
        .from(outboxEmails)
        .where(inArray(outboxEmails.invitationId, invitationIds.slice(i, i + 90)))),
    );
  }
  return found;
}

export interface ResendCall {
  url: string;
  headers: Headers;
  body: unknown;
  /** The status the mock answered with. */
  status: number;
}

/**
 * Mocks Resend's API at `fetch` (nothing else is mocked): each call gets the next answer, the last
 * one repeating. Other URLs pass through to the real `fetch`.
 */
export function mockResend(...answers: Array<() => Response | Promise<Response>>) {
  const realFetch = globalThis.fetch;
  const calls: ResendCall[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(RESEND_API_URL)) return realFetch(input, init);
    const answer = answers[Math.min(calls.length, answers.length - 1)];
    if (!answer) throw new Error("mockResend needs at least one answer");
    const response = await answer();
    calls.push({
      url: request.url,
      headers: request.headers,
      body: await request.json(),
      status: response.status,
    });
    return response;
  });
  return { spy, calls };
}

export const jsonAnswer =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

/** What Resend answers when it accepts one email. */
export const accepted = () => jsonAnswer(200, { id: crypto.randomUUID() })();
