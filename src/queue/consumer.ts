/**
 * The invitation-email queue's consumer, and the dead-letter queue's. This is the edge: it reads
 * the environment, validates each message, and turns the domain's per-message results into acks
 * and retries. Every message is settled explicitly (ack or retry), so one message's fate never
 * depends on another's.
 */
import { ConfigError, readConfig } from "../config";
import { buildDeps } from "../deps";
import { createTransport } from "../email/transport";
import { log } from "../http/log";
import {
  type DeliveryRequest,
  deliverInvitationEmails,
  failDeadLetteredDeliveries,
} from "../invitations/delivery";
import { workOrBackOff } from "./back-off";
import { type InvitationEmailMessage, InvitationEmailMessageSchema } from "./messages";

/**
 * Dead-letter queues are named `<queue>-dlq` (wrangler.toml); dispatching on the suffix keeps
 * per-environment queue names working without a code change.
 */
export const DEAD_LETTER_SUFFIX = "-dlq";
/** A misconfigured consumer retries its batch this much later, giving a fix time to deploy. */
export const CONFIG_RETRY_DELAY_SECONDS = 5 * 60;

export async function handleQueue(
  batch: MessageBatch<unknown>,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) await consumeDeadLetters(batch, env);
  else await consumeEmails(batch, env);
}

type Parsed = { message: Message<unknown>; body: InvitationEmailMessage };

/** Valid messages; one that can never parse is logged and acknowledged, not retried forever. */
function parseMessages(batch: MessageBatch<unknown>): Parsed[] {
  const parsed: Parsed[] = [];
  for (const message of batch.messages) {
    const result = InvitationEmailMessageSchema.safeParse(message.body);
    if (result.success) {
      parsed.push({ message, body: result.data });
      continue;
    }
    log.error("unparsable queue message dropped", {
      queue: batch.queue,
      message_id: message.id,
      attempts: message.attempts,
      issues: result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`),
    });
    message.ack();
  }
  return parsed;
}

async function consumeEmails(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const ready = (() => {
    try {
      const config = readConfig(env);
      const deps = buildDeps(env, config);
      return { deps, transport: createTransport({ env, config, db: deps.db, now: deps.now }) };
    } catch (err) {
      return onSetupError(batch, err);
    }
  })();
  if (!ready) return;
  const parsed = parseMessages(batch);
  if (parsed.length === 0) return;

  const requests: DeliveryRequest[] = parsed.map(({ message, body }) => ({
    invitationId: body.invitation_id,
    linkVersion: body.link_version,
    attempt: message.attempts,
  }));
  const results = await workOrBackOff("invitation email batch", batch.queue, parsed, () =>
    deliverInvitationEmails(ready.deps, ready.transport, requests),
  );
  if (!results) return;

  const tally = { sent: 0, skipped: 0, failed: 0, retried: 0 };
  parsed.forEach(({ message, body }, i) => {
    const result = results[i];
    if (!result) {
      message.retry();
      return;
    }
    switch (result.kind) {
      case "sent":
        tally.sent++;
        message.ack();
        break;
      case "skipped":
        tally.skipped++;
        message.ack();
        break;
      case "failed":
        tally.failed++;
        log.warn("invitation email failed permanently", {
          invitation_id: body.invitation_id,
          link_version: body.link_version,
          error: result.error,
        });
        message.ack();
        break;
      case "retry":
        tally.retried++;
        log.warn("invitation email will be retried", {
          invitation_id: body.invitation_id,
          attempt: message.attempts,
          delay_seconds: result.delaySeconds,
          error: result.error,
        });
        message.retry({ delaySeconds: result.delaySeconds });
        break;
    }
  });
  log.info("invitation emails batch", {
    queue: batch.queue,
    transport: ready.transport.name,
    messages: batch.messages.length,
    ...tally,
  });
}

async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const ready = (() => {
    try {
      return { deps: buildDeps(env, readConfig(env)) };
    } catch (err) {
      return onSetupError(batch, err);
    }
  })();
  if (!ready) return;
  const parsed = parseMessages(batch);
  if (parsed.length === 0) return;
  const failed = await failDeadLetteredDeliveries(
    ready.deps,
    parsed.map(({ body }) => ({
      invitationId: body.invitation_id,
      linkVersion: body.link_version,
    })),
  );
  for (const { message } of parsed) message.ack();
  log.error("invitation emails dead-lettered", {
    queue: batch.queue,
    messages: parsed.length,
    marked_failed: failed,
    invitation_ids: parsed.map(({ body }) => body.invitation_id),
  });
}

/**
 * A configuration problem is logged naming the variable, and the batch is retried later, so no
 * message is lost while the fix is deployed. Anything else is unexpected and rethrown.
 */
function onSetupError(batch: MessageBatch<unknown>, err: unknown): null {
  if (!(err instanceof ConfigError)) throw err;
  log.error("email consumer misconfigured; batch retried later", {
    queue: batch.queue,
    messages: batch.messages.length,
    error: err.message,
  });
  batch.retryAll({ delaySeconds: CONFIG_RETRY_DELAY_SECONDS });
  return null;
}
