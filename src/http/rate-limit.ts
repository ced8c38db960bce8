/**
 * Rate limits through the Workers Rate Limiting binding. Past a limit the caller gets 429
 * `rate_limit_exceeded` with `Retry-After`, before anything is written.
 */
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "./errors";
import type { AppEnv } from "./types";

/**
 * The binding counts over its configured period (10 or 60 s) and does not say when the window
 * resets, so `Retry-After` names the whole period: waiting that long always clears it.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

export type LimiterName = "INVITE_LIMITER" | "RESEND_LIMITER" | "ACCEPT_LIMITER";

export function rateLimited(what: string): ApiError {
  return new ApiError(
    {
      code: "rate_limit_exceeded",
      message: "too many requests",
      longMessage: `Too many ${what}; try again in ${RATE_LIMIT_PERIOD_SECONDS} seconds.`,
      meta: { retry_after_seconds: RATE_LIMIT_PERIOD_SECONDS },
    },
    { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
  );
}

/** Throws 429 when `key` has used up its allowance on `limiter`. */
export async function enforceLimit(
  c: Context<AppEnv>,
  limiter: LimiterName,
  key: string,
  what: string,
): Promise<void> {
  const { success } = await c.env[limiter].limit({ key });
  if (!success) throw rateLimited(what);
}

/** The caller's address as Cloudflare saw it (absent locally, where every caller shares one). */
export const clientAddress = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? "local";

/** Middleware form: one hit per request, keyed by what `keyOf` picks from the request. */
export function rateLimit(
  limiter: LimiterName,
  keyOf: (c: Context<AppEnv>) => string,
  what: string,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await enforceLimit(c, limiter, keyOf(c), what);
    await next();
  };
}
