/**
 * The per-recipient email limit (resend) on the Workers Rate Limiting binding, and the 429 it
 * answers. The binding counts per key within its window (`RESEND_LIMITER` in wrangler.toml).
 */
import type { RecipientLimiter } from "../invitations/resend";
import type { Result } from "../shared/result";
import { ApiError, unwrap } from "./errors";

/** `RESEND_LIMITER`'s window in wrangler.toml (`period = 60`): a refused caller waits this long. */
export const RESEND_LIMIT_PERIOD_SECONDS = 60;

export const recipientLimiter = (binding: RateLimit): RecipientLimiter => ({
  // Keyed by address, so the limit follows the recipient across organizations and callers.
  allow: async (emailAddress) => (await binding.limit({ key: `resend:${emailAddress}` })).success,
  retryAfterSeconds: RESEND_LIMIT_PERIOD_SECONDS,
});

/** `unwrap`, plus `Retry-After` on a `rate_limit_exceeded` failure. */
export function unwrapLimited<T>(result: Result<T>): T {
  if (!result.ok && result.error.code === "rate_limit_exceeded") {
    const seconds = result.error.meta?.retry_after_seconds;
    throw new ApiError(result.error, {
      "Retry-After": String(typeof seconds === "number" ? seconds : RESEND_LIMIT_PERIOD_SECONDS),
    });
  }
  return unwrap(result);
}
