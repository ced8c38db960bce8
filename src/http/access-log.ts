/**
 * One structured line per request, keyed by the request id that error bodies carry as
 * `clerk_trace_id`. Only the path is logged, never the query: `/accept?ticket=…` holds a secret.
 */
import type { MiddlewareHandler } from "hono";
import { log } from "./log";
import type { AppEnv } from "./types";

export const accessLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  await next();
  const ms = Date.now() - started;
  // The worker's own share of the latency, for clients and the benchmark to tell apart from
  // the network (W3C Server-Timing).
  c.res.headers.set("Server-Timing", `app;dur=${ms}`);
  log.info("request", {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    // Workers clocks advance only across I/O: this is the request's I/O time, not its CPU time.
    ms,
    caller: c.get("principal")?.kind ?? "anonymous",
  });
};
