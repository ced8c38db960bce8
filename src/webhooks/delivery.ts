/**
 * Attempting webhook deliveries: what the webhook queue's consumer asks for each batch. For each
 * message it claims the delivery (so two consumers holding the same message cannot both POST it),
 * renders and signs the event, POSTs it with a timeout, logs the attempt, and decides: done,
 * retry later (backoff with jitter, never sooner than `Retry-After`), or failed for good.
 * Receivers deduplicate on `webhook-id` (the event id), which every retry repeats.
 */
import type { WebhookAttemptRow } from "../db/schema";
import type { Deps } from "../deps";
import { parseRetryAfter, retryDelaySeconds } from "../email/retry";
import { clipError } from "../email/types";
import { newId } from "../shared/ids";
import { renderWebhookBody } from "./payload";
import {
  type AttemptOutcome,
  claimDelivery,
  type DeliveryContext,
  failDelivery,
  loadDeliveryContexts,
  recordAttempt,
} from "./repository";
import { decryptSecret } from "./secrets";
import { signWebhook } from "./signing";

/** Equal to the webhook consumer's `max_retries` in wrangler.toml. */
export const WEBHOOK_MAX_RETRIES = 12;
/** An endpoint that does not answer within this is a failed attempt, not a stuck consumer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How long a claim holds a delivery: far longer than one attempt can take. */
export const CLAIM_LEASE_MS = 2 * 60 * 1000;
/** A retried message may arrive this much before its due time and still be attempted. */
export const DUE_TOLERANCE_MS = 5 * 1000;
/** Characters of the endpoint's answer kept in the attempt log. */
const BODY_EXCERPT_CHARS = 200;

export interface WebhookDeliveryRequest {
  deliveryId: string;
  /** Which delivery of this queue message this is (`Message.attempts`, from 1). */
  attempt: number;
}

export type WebhookDeliveryResult =
  | { kind: "succeeded" }
  | { kind: "skipped"; reason: string }
  | { kind: "retry"; delaySeconds: number; error: string }
  | { kind: "failed"; error: string };

type Answer = { statusCode: number | null; error: string | null; retryAfterSeconds?: number };

/** One result per request, in order. */
export async function deliverWebhooks(
  deps: Deps,
  masterKey: string,
  requests: readonly WebhookDeliveryRequest[],
): Promise<WebhookDeliveryResult[]> {
  const contexts = await loadDeliveryContexts(
    deps.db,
    requests.map((r) => r.deliveryId),
  );
  const seen = new Set<string>();
  return Promise.all(
    requests.map((request) => {
      const context = contexts.get(request.deliveryId);
      if (!context) return { kind: "skipped", reason: "delivery or endpoint gone" } as const;
      if (seen.has(request.deliveryId)) return { kind: "skipped", reason: "duplicate in batch" };
      seen.add(request.deliveryId);
      if (context.delivery.status !== "pending") {
        return { kind: "skipped", reason: `delivery already ${context.delivery.status}` };
      }
      return attempt(deps, masterKey, context, request.attempt);
    }),
  );
}

async function attempt(
  deps: Deps,
  masterKey: string,
  { delivery, event, endpoint }: DeliveryContext,
  messageAttempt: number,
): Promise<WebhookDeliveryResult> {
  // Before the claim: a failure here (an unreadable secret) leaves the delivery unclaimed.
  const secret = await decryptSecret(masterKey, endpoint.id, endpoint.secretCiphertext);
  const body = await renderWebhookBody(event, deps.settings);
  const now = deps.now();
  const number = await claimDelivery(
    deps.db,
    delivery.id,
    now + DUE_TOLERANCE_MS,
    now + CLAIM_LEASE_MS,
  );
  if (number === undefined) {
    return { kind: "skipped", reason: "held by another consumer, or waiting for its retry" };
  }
  const started = Date.now();
  const answer = await post(endpoint.url, body, secret, event.id, deps.now());
  const durationMs = Date.now() - started;

  const doneAt = deps.now();
  let outcome: AttemptOutcome = "succeeded";
  let result: WebhookDeliveryResult = { kind: "succeeded" };
  let nextRetryAt: number | null = null;
  if (answer.error !== null) {
    if (messageAttempt > WEBHOOK_MAX_RETRIES) {
      outcome = "failed";
      result = { kind: "failed", error: answer.error };
    } else {
      const delaySeconds = retryDelaySeconds(messageAttempt, answer.retryAfterSeconds);
      outcome = "retry";
      nextRetryAt = doneAt + delaySeconds * 1000;
      result = { kind: "retry", delaySeconds, error: answer.error };
    }
  }
  const row: WebhookAttemptRow = {
    id: newId("whatt"),
    endpointId: endpoint.id,
    deliveryId: delivery.id,
    eventId: event.id,
    eventType: event.type,
    attempt: number,
    statusCode: answer.statusCode,
    durationMs,
    error: answer.error,
    nextRetryAt,
    createdAt: doneAt,
  };
  await recordAttempt(deps.db, row, outcome, doneAt);
  return result;
}

/** One signed POST. Any 2xx is success; anything else (redirects too) is a failed attempt. */
async function post(
  url: string,
  body: string,
  secret: string,
  eventId: string,
  now: number,
): Promise<Answer> {
  const signed = await signWebhook(secret, eventId, Math.floor(now / 1000), body);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "org-invitations-webhooks",
        ...signed,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (err) {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { statusCode: null, error: clipError(`request failed: ${reason}`) };
  }
  const text = await res.text().catch(() => "");
  if (res.status >= 200 && res.status < 300) return { statusCode: res.status, error: null };
  return {
    statusCode: res.status,
    error: clipError(`HTTP ${res.status}: ${text.slice(0, BODY_EXCERPT_CHARS)}`),
    retryAfterSeconds: parseRetryAfter(res.headers.get("retry-after"), now),
  };
}

/** The dead-letter queue's work: these deliveries exhausted their retries. */
export async function failDeadLetteredWebhooks(
  deps: Pick<Deps, "db" | "now">,
  deliveryIds: readonly string[],
): Promise<number> {
  let changed = 0;
  for (const id of deliveryIds) if (await failDelivery(deps.db, id, deps.now())) changed++;
  return changed;
}
