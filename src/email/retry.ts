/**
 * The retry policy for transient delivery failures: exponential backoff with jitter, never sooner
 * than the provider's `Retry-After`. With the consumer's `max_retries` (wrangler.toml) the delays
 * add up to about two hours of provider outage before a message is dead-lettered.
 */

/** First retry waits this long; each further retry doubles it. */
export const RETRY_BASE_SECONDS = 30;
/** No single backoff step is longer than an hour. */
export const RETRY_MAX_SECONDS = 60 * 60;
/** Up to +20% random spread, so a batch that failed together does not come back together. */
export const RETRY_JITTER_RATIO = 0.2;
/** Queues accept `delaySeconds` up to 12 hours; a larger Retry-After is clamped to it. */
export const QUEUE_MAX_DELAY_SECONDS = 12 * 60 * 60;

/**
 * Seconds to wait before delivery attempt `attempt + 1`, after attempt `attempt` (1-based, as
 * `Message.attempts` counts) failed transiently.
 *
 * @example retryDelaySeconds(1) // 30..36
 * @example retryDelaySeconds(1, 120) // 120: the provider asked for two minutes
 */
export function retryDelaySeconds(
  attempt: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 20));
  const backoff = Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** exponent);
  const jittered = Math.min(
    RETRY_MAX_SECONDS,
    Math.round(backoff * (1 + RETRY_JITTER_RATIO * random())),
  );
  const floor = retryAfterSeconds && retryAfterSeconds > 0 ? Math.ceil(retryAfterSeconds) : 0;
  return Math.min(QUEUE_MAX_DELAY_SECONDS, Math.max(jittered, floor));
}

/**
 * `Retry-After` in seconds: either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined
 * when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
