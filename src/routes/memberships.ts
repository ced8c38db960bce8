/**
 * `/v1/organizations/{organization_id}/memberships`: add, list and remove members.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { MembershipListSchema, MembershipSchema } from "../contract/objects";
import { RoleSchema } from "../contract/roles";
import { requireOrganization } from "../http/access";
import { ApiError, unwrap } from "../http/errors";
import { MetadataSchema } from "../http/limits";
import { PagingQuerySchema, resolvePaging } from "../http/paging";
import { bearerSecurity, createRouter, errorResponses, jsonContent } from "../http/router";
import { presentMembership } from "../organizations/presenter";
import { listMembershipsPage } from "../organizations/repository";
import { addMembership, removeMembership } from "../organizations/service";
import { OrgParamsSchema } from "./organizations";

export const AddMembershipBodySchema = z.object({
  user_id: z.string().min(1).max(128),
  role: RoleSchema,
  email_address: z.string().max(254).optional(),
  public_metadata: MetadataSchema.optional(),
});
export type AddMembershipBody = z.infer<typeof AddMembershipBodySchema>;

const MemberParamsSchema = OrgParamsSchema.extend({
  user_id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "user_id", in: "path" } }),
});

const addRoute = createRoute({
  method: "post",
  path: "/organizations/{organization_id}/memberships",
  tags: ["Memberships"],
  summary: "Add a member (backend only)",
  security: bearerSecurity,
  request: {
    params: OrgParamsSchema,
    body: { required: true, content: { "application/json": { schema: AddMembershipBodySchema } } },
  },
  responses: {
    200: jsonContent(MembershipSchema, "The membership"),
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/organizations/{organization_id}/memberships",
  tags: ["Memberships"],
  summary: "List members, newest first",
  security: bearerSecurity,
  request: { params: OrgParamsSchema, query: PagingQuerySchema },
  responses: {
    200: jsonContent(MembershipListSchema, "A page of memberships"),
    ...errorResponses(401, 403, 404, 422),
  },
});

const removeRoute = createRoute({
  method: "delete",
  path: "/organizations/{organization_id}/memberships/{user_id}",
  tags: ["Memberships"],
  summary: "Remove a member",
  security: bearerSecurity,
  request: { params: MemberParamsSchema },
  responses: {
    200: jsonContent(MembershipSchema, "The removed membership"),
    ...errorResponses(401, 403, 404),
  },
});

const BACKEND_ONLY = {
  code: "missing_organization_permission" as const,
  message: "backend only",
  longMessage: "Members are added through invitations; only the backend may add one directly.",
};

export const membershipsRoutes = createRouter()
  .openapi(addRoute, async (c) => {
    const { organization_id } = c.req.valid("param");
    const { organization } = await requireOrganization(
      c,
      organization_id,
      "org:sys_memberships:manage",
    );
    if (c.get("principal").kind !== "backend") throw new ApiError(BACKEND_ONLY);
    const body = c.req.valid("json");
    const membership = unwrap(
      await addMembership(c.get("deps"), {
        organizationId: organization.id,
        userId: body.user_id,
        role: body.role,
        emailAddress: body.email_address,
        publicMetadata: body.public_metadata,
      }),
    );
    return c.json(presentMembership(membership, organization), 200);
  })
  .openapi(listRoute, async (c) => {
    const { organization_id } = c.req.valid("param");
    const { organization } = await requireOrganization(
      c,
      organization_id,
      "org:sys_memberships:read",
    );
    const { limit, offset } = resolvePaging(c.req.valid("query"));
    const page = await listMembershipsPage(c.get("deps").db, organization.id, limit, offset);
    return c.json(
      {
        data: page.rows.map((m) => presentMembership(m, organization)),
        total_count: page.totalCount,
      },
      200,
    );
  })
  .openapi(removeRoute, async (c) => {
    const { organization_id, user_id } = c.req.valid("param");
    const { organization } = await requireOrganization(
      c,
      organization_id,
      "org:sys_memberships:manage",
    );
    const removed = unwrap(await removeMembership(c.get("deps"), organization.id, user_id));
    return c.json(presentMembership(removed, organization), 200);
  });
