/**
 * Delivering invitation emails: what the queue consumer asks for each batch of messages. For
 * every message it decides to send, skip, retry or give up, and records that on the invitation
 * (`email_delivery`). At-least-once delivery never becomes two emails:
 * - a message for an invitation no longer pending, for an older link version, or for a delivery
 *   already sent, failed or skipped is acknowledged and nothing is sent;
 * - duplicates inside one batch are sent once;
 * - a delivery is claimed (a conditional update) before sending, so two consumers holding the same
 *   message at once cannot both send it;
 * - the provider call carries an idempotency key per invitation and link version.
 */
import { ROLE_NAMES, type Role } from "../contract/roles";
import { runBatch, type Statement } from "../db/batch";
import type { Deps } from "../deps";
import { retryDelaySeconds } from "../email/retry";
import { renderInvitationEmail } from "../email/template";
import {
  clipError,
  type EmailTransport,
  idempotencyKeyFor,
  type OutgoingEmail,
  type SendOutcome,
} from "../email/types";
import {
  claimDeliveries,
  type DeliveryContext,
  type DeliveryRecord,
  failDeadLetteredDelivery,
  loadDeliveryContexts,
  recordDeliveries,
  skipDeliveryStatement,
} from "./delivery-repository";
import type { EmailRequest } from "./ports";
import { effectiveStatus } from "./rules";
import { acceptUrl, createTicket } from "./tickets";

/** How long a claim holds a delivery: far longer than one provider call can take. */
export const CLAIM_LEASE_MS = 2 * 60 * 1000;
/** A retried message may arrive this much before its due time and still be sent. */
export const DUE_TOLERANCE_MS = 5 * 1000;

export interface DeliveryRequest extends EmailRequest {
  /** Which delivery attempt of this message this is (`Message.attempts`, from 1). */
  attempt: number;
}

export type DeliveryResult =
  | { kind: "sent" }
  | { kind: "skipped"; reason: string }
  | { kind: "failed"; error: string }
  | { kind: "retry"; delaySeconds: number; error: string };

interface Candidate {
  request: DeliveryRequest;
  context: DeliveryContext;
  /** Positions in the batch of this message and of its duplicates. */
  positions: number[];
}

const skipped = (reason: string): DeliveryResult => ({ kind: "skipped", reason });

/** Sends what is due among `requests` through `transport`; one result per request, in order. */
export async function deliverInvitationEmails(
  deps: Deps,
  transport: EmailTransport,
  requests: readonly DeliveryRequest[],
): Promise<DeliveryResult[]> {
  const now = deps.now();
  const contexts = await loadDeliveryContexts(
    deps.db,
    requests.map((r) => r.invitationId),
  );
  const results: DeliveryResult[] = requests.map(() => skipped("not processed"));
  const skips: Statement[] = [];
  const candidates = new Map<string, Candidate>();

  requests.forEach((request, position) => {
    const context = contexts.get(request.invitationId);
    if (!context) {
      results[position] = skipped("invitation not found");
      return;
    }
    const { invitation } = context;
    if (invitation.linkVersion !== request.linkVersion) {
      results[position] = skipped(
        `link version ${request.linkVersion} superseded by ${invitation.linkVersion}`,
      );
      return;
    }
    if (invitation.deliveryStatus !== "queued") {
      results[position] = skipped(`delivery already ${invitation.deliveryStatus}`);
      return;
    }
    const status = effectiveStatus(invitation, now);
    if (status !== "pending") {
      const reason = `invitation is ${status}; email not sent`;
      skips.push(skipDeliveryStatement(deps.db, invitation.id, invitation.linkVersion, reason));
      results[position] = skipped(reason);
      return;
    }
    const existing = candidates.get(invitation.id);
    if (existing) existing.positions.push(position);
    else candidates.set(invitation.id, { request, context, positions: [position] });
  });
  await runBatch(deps.db, skips);

  const claimed = await claimDeliveries(
    deps.db,
    [...candidates.values()].map((c) => c.request),
    now,
    DUE_TOLERANCE_MS,
    now + CLAIM_LEASE_MS,
  );
  const sending: Candidate[] = [];
  for (const candidate of candidates.values()) {
    const [primary, ...duplicates] = candidate.positions;
    for (const position of duplicates) results[position] = skipped("duplicate in batch");
    if (primary === undefined) continue;
    if (claimed.has(candidate.request.invitationId)) sending.push(candidate);
    else results[primary] = skipped("held by another consumer, or waiting for its retry");
  }
  if (sending.length === 0) return results;

  const emails = await Promise.all(sending.map((c) => composeEmail(deps, c.context)));
  const outcomes = await sendSafely(transport, emails);

  const doneAt = deps.now();
  const records: DeliveryRecord[] = [];
  sending.forEach((candidate, i) => {
    const outcome = outcomes[i] ?? { kind: "transient", error: "transport gave no outcome" };
    const { invitationId, linkVersion, attempt } = candidate.request;
    const position = candidate.positions[0] ?? 0;
    switch (outcome.kind) {
      case "sent":
        records.push({ kind: "sent", invitationId, linkVersion });
        results[position] = { kind: "sent" };
        break;
      case "permanent":
        records.push({ kind: "failed", invitationId, linkVersion, error: outcome.error });
        results[position] = { kind: "failed", error: outcome.error };
        break;
      case "transient": {
        const delaySeconds = retryDelaySeconds(attempt, outcome.retryAfterSeconds);
        records.push({
          kind: "retry",
          invitationId,
          linkVersion,
          error: outcome.error,
          dueAt: doneAt + delaySeconds * 1000,
        });
        results[position] = { kind: "retry", delaySeconds, error: outcome.error };
        break;
      }
    }
  });
  await recordDeliveries(deps.db, records, doneAt);
  return results;
}

/** A transport that throws (a bug, not a provider answer) fails the batch transiently. */
async function sendSafely(
  transport: EmailTransport,
  emails: readonly OutgoingEmail[],
): Promise<SendOutcome[]> {
  try {
    return await transport.send(emails);
  } catch (err) {
    const error = clipError(
      `${transport.name} transport error: ${err instanceof Error ? err.message : String(err)}`,
    );
    return emails.map(() => ({ kind: "transient", error }));
  }
}

async function composeEmail(deps: Deps, context: DeliveryContext): Promise<OutgoingEmail> {
  const { invitation } = context;
  const link = acceptUrl(
    deps.settings.publicUrl,
    await createTicket(deps.settings.ticketSecret, invitation.id, invitation.linkVersion),
  );
  const rendered = renderInvitationEmail({
    to: invitation.emailAddress,
    organizationName: context.organizationName,
    inviter: context.inviterEmail,
    roleName: ROLE_NAMES[invitation.role as Role] ?? invitation.role,
    acceptUrl: link,
    expiresAt: invitation.expiresAt,
  });
  return {
    key: idempotencyKeyFor(invitation.id, invitation.linkVersion),
    invitationId: invitation.id,
    to: invitation.emailAddress,
    acceptUrl: link,
    ...rendered,
  };
}

/**
 * The dead-letter queue's work: these deliveries exhausted their retries, so each is `failed`
 * with its last error. Returns how many invitations changed (stale or finished ones do not).
 */
export async function failDeadLetteredDeliveries(
  deps: Deps,
  requests: readonly EmailRequest[],
): Promise<number> {
  let changed = 0;
  for (const r of requests) {
    if (await failDeadLetteredDelivery(deps.db, r.invitationId, r.linkVersion)) changed++;
  }
  return changed;
}
