/**
 * After every successful write request, the webhook events its transaction recorded (triggers
 * write them, whatever the code path) are fanned out and enqueued. Awaited rather than left to
 * `waitUntil`, so it is done when the answer is; a failure here is logged and never turns a
 * committed write into an error: the scheduled sweep dispatches whatever is left.
 */
import type { MiddlewareHandler } from "hono";
import { dispatchWebhookEvents } from "../webhooks/dispatch";
import { log } from "./log";
import { isReadOnly } from "./methods";
import type { AppEnv } from "./types";

export const dispatchWebhooks: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (isReadOnly(c.req.method) || c.res.status >= 400) return;
  // No endpoint existed when the write checked its access, so no trigger recorded an event. One
  // created in the milliseconds between that read and the write leaves its events to the sweep.
  if (c.get("webhookEndpointsExist") === false) return;
  try {
    await dispatchWebhookEvents(c.get("deps"));
  } catch (err) {
    log.error("webhook dispatch failed; left for the sweep", {
      requestId: c.get("requestId"),
      error: err instanceof Error ? err.message : String(err),
    });
  }
};
