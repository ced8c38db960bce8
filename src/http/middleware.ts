/**
 * Middleware every request passes: settings and dependencies on the context, then (for the API)
 * authentication.
 */
import type { MiddlewareHandler } from "hono";
import { bearerToken, principalFromToken } from "../auth/authenticate";
import { readConfig } from "../config";
import { buildDeps } from "../deps";
import { ApiError } from "./errors";
import type { AppEnv } from "./types";

export const withDeps: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = readConfig(c.env);
  c.set("config", config);
  c.set("deps", buildDeps(c.env, config));
  await next();
};

const UNAUTHENTICATED = {
  code: "authentication_invalid" as const,
  message: "unauthenticated",
  longMessage: "Provide a valid secret key or session token as `Authorization: Bearer <token>`.",
};

/** Every `/v1` route requires a backend key or a verified session. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  const principal = token ? await principalFromToken(token, c.get("config")) : null;
  if (!principal) throw new ApiError(UNAUTHENTICATED, { "WWW-Authenticate": 'Bearer realm="api"' });
  c.set("principal", principal);
  await next();
};
