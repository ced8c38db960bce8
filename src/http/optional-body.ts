/**
 * Route middleware for endpoints whose JSON body is optional (revoke): an empty body is no body.
 *
 * Clerk's Backend SDK sends `Content-Type: application/json` on every request, including
 * `revokeOrganizationInvitation()` without `requestingUserId`, which POSTs no body at all. The
 * JSON validator would try to parse "" and answer 400; without the header, @hono/zod-openapi
 * treats an optional body as `{}`, which is what the caller meant.
 */
import type { MiddlewareHandler } from "hono";

export const emptyBodyIsNoBody: MiddlewareHandler = async (c, next) => {
  const raw = c.req.raw;
  // Only bodies of optional-body routes are read here, and those are a few bytes at most.
  if (raw.headers.has("content-type") && (raw.body === null || (await raw.clone().text()) === "")) {
    const headers = new Headers(raw.headers);
    headers.delete("content-type");
    c.req.raw = new Request(raw, { headers });
  }
  await next();
};
