/**
 * The webhook queue's consumer, and its dead-letter queue's. The edge: reads the environment,
 * validates each message, and turns the domain's per-message results into acks and retries.
 */
import { ConfigError, readConfig } from "../config";
import { buildDeps, type Deps } from "../deps";
import { log } from "../http/log";
import { deliverWebhooks, failDeadLetteredWebhooks } from "../webhooks/delivery";
import { workOrBackOff } from "./back-off";
import { CONFIG_RETRY_DELAY_SECONDS, DEAD_LETTER_SUFFIX } from "./consumer";
import { type WebhookDeliveryMessage, WebhookDeliveryMessageSchema } from "./webhook-messages";

/** Queues whose name starts with this carry webhook deliveries (`webhook-deliveries[-dlq]`). */
export const WEBHOOK_QUEUE_PREFIX = "webhook-";

type Parsed = { message: Message<unknown>; body: WebhookDeliveryMessage };

function parseMessages(batch: MessageBatch<unknown>): Parsed[] {
  const parsed: Parsed[] = [];
  for (const message of batch.messages) {
    const result = WebhookDeliveryMessageSchema.safeParse(message.body);
    if (result.success) {
      parsed.push({ message, body: result.data });
      continue;
    }
    // A message that can never parse is logged and acknowledged, not retried forever.
    log.error("unparsable webhook message dropped", {
      queue: batch.queue,
      message_id: message.id,
      issues: result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`),
    });
    message.ack();
  }
  return parsed;
}

/** Deps and the secrets key, or null after scheduling the batch for later (misconfiguration). */
function setup(batch: MessageBatch<unknown>, env: Env): { deps: Deps; key: string } | null {
  try {
    const config = readConfig(env);
    if (!config.WEBHOOK_SECRET_KEY) {
      throw new ConfigError("WEBHOOK_SECRET_KEY is required to deliver webhooks");
    }
    return { deps: buildDeps(env, config), key: config.WEBHOOK_SECRET_KEY };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.error("webhook consumer misconfigured; batch retried later", {
      queue: batch.queue,
      messages: batch.messages.length,
      error: err.message,
    });
    batch.retryAll({ delaySeconds: CONFIG_RETRY_DELAY_SECONDS });
    return null;
  }
}

export async function handleWebhookQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) await consumeDeadLetters(batch, env);
  else await consumeDeliveries(batch, env);
}

async function consumeDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const ready = setup(batch, env);
  if (!ready) return;
  const parsed = parseMessages(batch);
  if (parsed.length === 0) return;
  const results = await workOrBackOff("webhook batch", batch.queue, parsed, () =>
    deliverWebhooks(
      ready.deps,
      ready.key,
      parsed.map(({ message, body }) => ({
        deliveryId: body.delivery_id,
        attempt: message.attempts,
      })),
    ),
  );
  if (!results) return;
  const tally = { succeeded: 0, skipped: 0, retried: 0, failed: 0 };
  for (const [i, { message, body }] of parsed.entries()) {
    const result = results[i];
    if (!result) {
      message.retry();
      continue;
    }
    if (result.kind === "retry") {
      tally.retried++;
      log.warn("webhook delivery will be retried", {
        delivery_id: body.delivery_id,
        attempt: message.attempts,
        delay_seconds: result.delaySeconds,
        error: result.error,
      });
      message.retry({ delaySeconds: result.delaySeconds });
      continue;
    }
    if (result.kind === "failed") {
      tally.failed++;
      log.warn("webhook delivery failed after its last retry", {
        delivery_id: body.delivery_id,
        error: result.error,
      });
    } else if (result.kind === "succeeded") tally.succeeded++;
    else tally.skipped++;
    message.ack();
  }
  log.info("webhook batch", { queue: batch.queue, messages: batch.messages.length, ...tally });
}

async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deps = buildDeps(env, readConfig(env));
  const parsed = parseMessages(batch);
  if (parsed.length === 0) return;
  const failed = await failDeadLetteredWebhooks(
    deps,
    parsed.map(({ body }) => body.delivery_id),
  );
  for (const { message } of parsed) message.ack();
  log.error("webhook deliveries dead-lettered", {
    queue: batch.queue,
    messages: parsed.length,
    marked_failed: failed,
    delivery_ids: parsed.map(({ body }) => body.delivery_id),
  });
}
