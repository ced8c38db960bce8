/**
 * The invitation endpoints' OpenAPI route definitions.
 */
import { createRoute } from "@hono/zod-openapi";
import { InvitationListSchema, InvitationSchema } from "../../contract/objects";
import { emptyBodyIsNoBody } from "../../http/optional-body";
import { bearerSecurity, errorResponses, jsonContent } from "../../http/router";
import { OrgParamsSchema } from "../organizations";
import {
  BulkInvitationBodySchema,
  CreateInvitationBodySchema,
  InvitationParamsSchema,
  ListInvitationsQuerySchema,
  PendingInvitationsQuerySchema,
  RevokeBodySchema,
} from "./schemas";

const BASE = "/organizations/{organization_id}/invitations";
const tags = ["Invitations"];
const json = <T>(schema: T, required = true) => ({
  required,
  content: { "application/json": { schema } },
});

export const listRoute = createRoute({
  method: "get",
  path: BASE,
  tags,
  summary: "List invitations: paging, status, email prefix, order",
  security: bearerSecurity,
  request: { params: OrgParamsSchema, query: ListInvitationsQuerySchema },
  responses: {
    200: jsonContent(InvitationListSchema, "A page of invitations and the total matching"),
    ...errorResponses(401, 403, 404, 422),
  },
});

export const pendingRoute = createRoute({
  method: "get",
  path: `${BASE}/pending`,
  tags,
  deprecated: true,
  summary: "Deprecated: pending invitations by limit/offset; use the list with status=pending",
  security: bearerSecurity,
  request: { params: OrgParamsSchema, query: PendingInvitationsQuerySchema },
  responses: {
    200: jsonContent(InvitationListSchema, "A page of pending invitations"),
    ...errorResponses(401, 403, 404, 422),
  },
});

export const createRoute_ = createRoute({
  method: "post",
  path: BASE,
  tags,
  summary: "Invite one address; the email goes out through the queue",
  security: bearerSecurity,
  request: { params: OrgParamsSchema, body: json(CreateInvitationBodySchema) },
  responses: {
    200: jsonContent(InvitationSchema, "The invitation"),
    ...errorResponses(400, 401, 403, 404, 422, 429),
  },
});

export const bulkRoute = createRoute({
  method: "post",
  path: `${BASE}/bulk`,
  tags,
  summary: "Invite many addresses, all or nothing",
  security: bearerSecurity,
  request: { params: OrgParamsSchema, body: json(BulkInvitationBodySchema) },
  responses: {
    200: jsonContent(InvitationListSchema, "The invitations created"),
    ...errorResponses(400, 401, 403, 404, 422, 429),
  },
});

export const getRoute = createRoute({
  method: "get",
  path: `${BASE}/{invitation_id}`,
  tags,
  summary: "Get one invitation",
  security: bearerSecurity,
  request: { params: InvitationParamsSchema },
  responses: {
    200: jsonContent(InvitationSchema, "The invitation"),
    ...errorResponses(401, 403, 404),
  },
});

export const revokeRoute = createRoute({
  method: "post",
  path: `${BASE}/{invitation_id}/revoke`,
  tags,
  summary: "Revoke a pending invitation",
  security: bearerSecurity,
  request: { params: InvitationParamsSchema, body: json(RevokeBodySchema, false) },
  // Clerk's SDK revokes with `Content-Type: application/json` and no body.
  middleware: [emptyBodyIsNoBody],
  responses: {
    200: jsonContent(InvitationSchema, "The revoked invitation"),
    ...errorResponses(400, 401, 403, 404),
  },
});

export const resendRoute = createRoute({
  method: "post",
  path: `${BASE}/{invitation_id}/resend`,
  tags,
  summary: "Resend a pending invitation's email with a fresh link (the old link stops working)",
  description:
    "Limited per recipient address: past the limit the answer is 429 with `Retry-After`, and nothing changes.",
  security: bearerSecurity,
  request: { params: InvitationParamsSchema },
  responses: {
    200: jsonContent(InvitationSchema, "The invitation, its delivery queued again"),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});
