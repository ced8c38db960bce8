/**
 * What every consumer does when its whole batch fails unexpectedly (D1 unavailable, a bug): log
 * it with its stack and retry each message with backoff, instead of letting the runtime
 * redeliver the whole batch at once.
 */
import { retryDelaySeconds } from "../email/retry";
import { log } from "../http/log";

/** The batch's results, or null when it failed and its messages were scheduled for retry. */
export async function workOrBackOff<R>(
  label: string,
  queue: string,
  parsed: readonly { message: Message }[],
  work: () => Promise<R>,
): Promise<R | null> {
  try {
    return await work();
  } catch (err) {
    log.error(`${label} failed`, {
      queue,
      messages: parsed.length,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    for (const { message } of parsed) {
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
    return null;
  }
}
