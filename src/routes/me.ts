/**
 * `/v1/me/organization_invitations`: the signed-in invitee's own invitations, and accepting or
 * declining one of them by id.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { SessionPrincipal } from "../auth/principal";
import { InvitationListSchema, InvitationSchema } from "../contract/objects";
import { ApiError, unwrap } from "../http/errors";
import { PagingQuerySchema, resolvePaging } from "../http/paging";
import { clientAddress, enforceLimit } from "../http/rate-limit";
import { bearerSecurity, createRouter, errorResponses, jsonContent } from "../http/router";
import type { AppEnv } from "../http/types";
import {
  acceptInvitationById,
  declineInvitationById,
  listMyInvitations,
} from "../invitations/accept";
import { presentAllForInvitee, presentForInvitee } from "../invitations/invitee-presenter";
import { ListInvitationsQuerySchema } from "./invitations/schemas";

export const MyInvitationsQuerySchema = PagingQuerySchema.extend({
  status: ListInvitationsQuerySchema.shape.status,
});
export type MyInvitationsQuery = z.input<typeof MyInvitationsQuerySchema>;

export const MyInvitationParamsSchema = z.object({
  invitation_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "invitation_id", in: "path" } }),
});

const BASE = "/me/organization_invitations";
const tags = ["Invitee"];

const listRoute = createRoute({
  method: "get",
  path: BASE,
  tags,
  summary: "The invitations addressed to the session's email, newest first",
  security: bearerSecurity,
  request: { query: MyInvitationsQuerySchema },
  responses: {
    200: jsonContent(InvitationListSchema, "A page of invitations, each with its organization"),
    ...errorResponses(401, 403, 422),
  },
});

const acceptRoute = createRoute({
  method: "post",
  path: `${BASE}/{invitation_id}/accept`,
  tags,
  summary: "Accept one of my invitations: I become a member with its role",
  security: bearerSecurity,
  request: { params: MyInvitationParamsSchema },
  responses: {
    200: jsonContent(InvitationSchema, "The accepted invitation"),
    ...errorResponses(400, 401, 403, 404),
  },
});

const declineRoute = createRoute({
  method: "post",
  path: `${BASE}/{invitation_id}/decline`,
  tags,
  summary: "Decline one of my invitations",
  security: bearerSecurity,
  request: { params: MyInvitationParamsSchema },
  responses: {
    200: jsonContent(InvitationSchema, "The declined invitation"),
    ...errorResponses(400, 401, 403, 404),
  },
});

const SESSION_ONLY = {
  code: "missing_organization_permission" as const,
  message: "session only",
  longMessage:
    "This endpoint acts for a signed-in user; call it with a session token, not the secret key.",
};

/** The session behind the request; the backend has no invitations of its own. */
export function requireSession(c: Context<AppEnv>): SessionPrincipal {
  const principal = c.get("principal");
  if (principal.kind !== "session") throw new ApiError(SESSION_ONLY);
  return principal;
}

export const meRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const invitee = requireSession(c);
    const query = c.req.valid("query");
    const deps = c.get("deps");
    const page = await listMyInvitations(deps, invitee, {
      statuses: query.status,
      ...resolvePaging(query),
    });
    return c.json(
      { data: await presentAllForInvitee(deps, page.rows), total_count: page.totalCount },
      200,
    );
  })
  .openapi(acceptRoute, async (c) => {
    const invitee = requireSession(c);
    const { invitation_id } = c.req.valid("param");
    const deps = c.get("deps");
    await enforceLimit(c, "ACCEPT_LIMITER", clientAddress(c), "accept attempts");
    const accepted = unwrap(await acceptInvitationById(deps, invitee, invitation_id));
    return c.json(await presentForInvitee(deps, accepted), 200);
  })
  .openapi(declineRoute, async (c) => {
    const invitee = requireSession(c);
    const { invitation_id } = c.req.valid("param");
    const deps = c.get("deps");
    await enforceLimit(c, "ACCEPT_LIMITER", clientAddress(c), "accept attempts");
    const declined = unwrap(await declineInvitationById(deps, invitee, invitation_id));
    return c.json(await presentForInvitee(deps, declined), 200);
  });
