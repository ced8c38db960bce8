/**
 * The `resend` transport: Resend's HTTP API over plain `fetch`. One email goes to `POST /emails`;
 * several go to `POST /emails/batch` in one call (Resend takes up to 100, the consumer's largest
 * batch). Every call carries an `Idempotency-Key`, so a redelivered message is not sent twice.
 */
import { z } from "zod";
import { parseRetryAfter } from "./retry";
import { formatSender } from "./sender";
import {
  clipError,
  type EmailTransport,
  type OutgoingEmail,
  type Sender,
  type SendOutcome,
} from "./types";

export const RESEND_API_URL = "https://api.resend.com";
/** Resend's batch endpoint takes at most 100 emails. */
export const RESEND_BATCH_MAX = 100;
/** A provider call that hangs is a transient failure, not a stuck consumer. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface ResendOptions {
  apiKey: string;
  from: Sender;
  now: () => number;
  baseUrl?: string;
}

const toPayload = (from: string, e: OutgoingEmail) => ({
  from,
  to: [e.to],
  subject: e.subject,
  html: e.html,
  text: e.text,
});

/**
 * The key for a batch call: derived from its emails' own keys, sorted, so the same messages
 * redelivered together make the same call.
 */
async function batchKey(emails: readonly OutgoingEmail[]): Promise<string> {
  const keys = emails
    .map((e) => e.key)
    .sort()
    .join("\n");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(keys));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `org-invitation-batch/${hex}`;
}

/** Resend's error body is `{statusCode, name, message}`; fall back to the raw text. */
function describeError(status: number, body: string): { name: string; text: string } {
  const parsed = ErrorAnswerSchema.safeParse(parseJson(body));
  if (!parsed.success) return { name: "", text: clipError(`resend ${status}: ${body}`) };
  const { name, message } = parsed.data;
  return { name, text: clipError(`resend ${status} ${name}: ${message}`) };
}

/**
 * 408, 429 and 5xx are worth retrying; so is 409 `concurrent_idempotent_requests` (the same key
 * is still in flight elsewhere). Every other 4xx is a refusal that will not change.
 */
function isTransient(status: number, errorName: string): boolean {
  if (status === 408 || status === 429 || status >= 500) return true;
  return status === 409 && errorName === "concurrent_idempotent_requests";
}

/** What `/emails` and `/emails/batch` answer on success (permissive batches add `errors`). */
const SentAnswerSchema = z.object({ id: z.string() });
const BatchAnswerSchema = z.object({
  data: z.array(z.object({ id: z.string().optional() })).default([]),
  errors: z.array(z.object({ index: z.number().int(), message: z.string() })).default([]),
});
const ErrorAnswerSchema = z.object({ name: z.string().default(""), message: z.string() });

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function resendTransport(options: ResendOptions): EmailTransport {
  const from = formatSender(options.from);
  const baseUrl = options.baseUrl ?? RESEND_API_URL;

  async function post(path: string, key: string, body: unknown, batch: boolean) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.apiKey}`,
      "content-type": "application/json",
      "idempotency-key": key,
      "user-agent": "org-invitations",
    };
    // Permissive: an address Resend refuses fails alone instead of failing the whole batch.
    if (batch) headers["x-batch-validation"] = "permissive";
    return fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  async function sendChunk(emails: readonly OutgoingEmail[]): Promise<SendOutcome[]> {
    const [single] = emails;
    const batch = emails.length > 1;
    let res: Response;
    try {
      res =
        single && !batch
          ? await post("/emails", single.key, toPayload(from, single), false)
          : await post(
              "/emails/batch",
              await batchKey(emails),
              emails.map((e) => toPayload(from, e)),
              true,
            );
    } catch (err) {
      const error = clipError(
        `resend request failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
      );
      return emails.map(() => ({ kind: "transient", error }));
    }

    const body = await res.text();
    if (!res.ok) {
      const { name, text } = describeError(res.status, body);
      if (isTransient(res.status, name)) {
        const retryAfterSeconds = parseRetryAfter(res.headers.get("retry-after"), options.now());
        return emails.map(() => ({ kind: "transient", error: text, retryAfterSeconds }));
      }
      return emails.map(() => ({ kind: "permanent", error: text }));
    }

    if (!batch) {
      const id = readId(body);
      return [{ kind: "sent", providerId: id }];
    }
    return readBatchOutcomes(body, emails.length);
  }

  return {
    name: "resend",
    async send(emails) {
      const outcomes: SendOutcome[] = [];
      for (let i = 0; i < emails.length; i += RESEND_BATCH_MAX) {
        outcomes.push(...(await sendChunk(emails.slice(i, i + RESEND_BATCH_MAX))));
      }
      return outcomes;
    },
  };
}

/** An accepted send with an unreadable body is still accepted; only its id is unknown. */
const readId = (body: string): string | undefined =>
  SentAnswerSchema.safeParse(parseJson(body)).data?.id;

/** Permissive batches answer the accepted emails' ids in order, and the refused ones by index. */
function readBatchOutcomes(body: string, size: number): SendOutcome[] {
  const answer = BatchAnswerSchema.safeParse(parseJson(body)).data ?? { data: [], errors: [] };
  const refused = new Map<number, string>();
  for (const e of answer.errors) refused.set(e.index, clipError(`resend refused: ${e.message}`));
  const ids = answer.data.map((d) => d.id);
  let next = 0;
  return Array.from({ length: size }, (_, i): SendOutcome => {
    const error = refused.get(i);
    if (error) return { kind: "permanent", error };
    return { kind: "sent", providerId: ids[next++] };
  });
}
