/**
 * `/v1/organizations`: create and read organizations.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { OrganizationSchema } from "../contract/objects";
import { audienceOf } from "../http/access";
import { unwrap } from "../http/errors";
import { DisplayNameSchema, MetadataSchema } from "../http/limits";
import { bearerSecurity, createRouter, errorResponses, jsonContent } from "../http/router";
import { presentOrganization } from "../organizations/presenter";
import {
  createOrganization,
  organizationCounts,
  organizationWithSeats,
} from "../organizations/service";

export const CreateOrganizationBodySchema = z.object({
  name: DisplayNameSchema,
  slug: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lower-case letters, digits and single dashes")
    .max(64)
    .optional(),
  created_by: z.string().min(1).max(128).optional(),
  max_allowed_memberships: z.number().int().min(0).optional(),
  public_metadata: MetadataSchema.optional(),
  private_metadata: MetadataSchema.optional(),
});
export type CreateOrganizationBody = z.infer<typeof CreateOrganizationBodySchema>;

export const OrgParamsSchema = z.object({
  organization_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "organization_id", in: "path" } }),
});

const createOrganizationRoute = createRoute({
  method: "post",
  path: "/organizations",
  tags: ["Organizations"],
  summary: "Create an organization; its creator becomes an admin",
  security: bearerSecurity,
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: CreateOrganizationBodySchema } },
    },
  },
  responses: {
    200: jsonContent(OrganizationSchema, "The organization"),
    ...errorResponses(400, 401, 422),
  },
});

const getOrganizationRoute = createRoute({
  method: "get",
  path: "/organizations/{organization_id}",
  tags: ["Organizations"],
  summary: "Get an organization, with its pending invitation count",
  security: bearerSecurity,
  request: { params: OrgParamsSchema },
  responses: {
    200: jsonContent(OrganizationSchema, "The organization"),
    ...errorResponses(401, 403, 404),
  },
});

export const organizationsRoutes = createRouter()
  .openapi(createOrganizationRoute, async (c) => {
    const body = c.req.valid("json");
    const principal = c.get("principal");
    const deps = c.get("deps");
    // A session creates for itself; only the backend may name another creator or set limits.
    const backend = principal.kind === "backend";
    const org = unwrap(
      await createOrganization(deps, {
        name: body.name,
        slug: body.slug,
        createdBy: backend ? body.created_by : principal.userId,
        creatorEmail: backend ? undefined : (principal.email ?? undefined),
        maxAllowedMemberships: backend ? body.max_allowed_memberships : undefined,
        publicMetadata: backend ? body.public_metadata : undefined,
        privateMetadata: backend ? body.private_metadata : undefined,
      }),
    );
    const counts = await organizationCounts(deps, org.id);
    return c.json(presentOrganization(org, counts, audienceOf(c)), 200);
  })
  .openapi(getOrganizationRoute, async (c) => {
    const { organization_id } = c.req.valid("param");
    const { organization, seats } = unwrap(
      await organizationWithSeats(
        c.get("deps"),
        c.get("principal"),
        organization_id,
        "org:sys_profile:read",
      ),
    );
    return c.json(presentOrganization(organization, seats, audienceOf(c)), 200);
  });
