/**
 * The invitation endpoints' request contracts. Types are inferred from these; the OpenAPI
 * document and the client SDK use the same schemas.
 */
import { z } from "@hono/zod-openapi";
import { InvitationStatusSchema, RoleSchema } from "../../contract/roles";
import { MetadataSchema } from "../../http/limits";
import { PagingQuerySchema } from "../../http/paging";
import { ORDER_BY } from "../../invitations/queries";
import { OrgParamsSchema } from "../organizations";

/** `status` may repeat (`status=a&status=b`) or be comma-joined (`status=a,b`). */
const StatusListSchema = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    (Array.isArray(v) ? v : v === undefined ? [] : [v])
      .flatMap((s) => s.split(","))
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  )
  .pipe(z.array(InvitationStatusSchema))
  .openapi({
    type: "array",
    items: { type: "string", enum: [...InvitationStatusSchema.options] },
    description: "Repeat or comma-join: pending, accepted, revoked, expired, declined",
  });

export const ListInvitationsQuerySchema = PagingQuerySchema.extend({
  status: StatusListSchema,
  email_address: z
    .string()
    .max(254)
    .optional()
    .openapi({ description: "Case-insensitive prefix of the invited address" }),
  order_by: z.enum(ORDER_BY).default("-created_at"),
});
export type ListInvitationsQuery = z.input<typeof ListInvitationsQuerySchema>;

export const PendingInvitationsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(10),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Options only the backend may set; a session's are ignored. */
const BackendOptions = {
  inviter_user_id: z.string().max(128).nullish(),
  public_metadata: MetadataSchema.optional(),
  private_metadata: MetadataSchema.optional(),
  redirect_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullish(),
  expires_in_days: z.number().int().min(1).max(365).optional(),
  notify: z.boolean().optional(),
};

export const CreateInvitationBodySchema = z
  .object({
    email_address: z.string().max(320),
    role: RoleSchema,
    ...BackendOptions,
  })
  .openapi("CreateInvitation");
export type CreateInvitationBody = z.infer<typeof CreateInvitationBodySchema>;

/** The seed's bulk form: many addresses, one role. */
export const BulkByAddressesSchema = z
  .object({
    // No `.min(1)` in zod: the domain answers an empty list as `form_param_missing` (either form).
    email_address: z.array(z.string().max(320)).openapi({ minItems: 1 }),
    role: RoleSchema,
    ...BackendOptions,
  })
  .openapi("CreateInvitationsByAddresses");

/** Clerk's bulk form: an array of create items, each with its own role. */
export const BulkItemsSchema = z.array(CreateInvitationBodySchema).openapi({ minItems: 1 });

export const BulkInvitationBodySchema = z.union([BulkItemsSchema, BulkByAddressesSchema]);
export type BulkInvitationBody = z.infer<typeof BulkInvitationBodySchema>;

export const InvitationParamsSchema = OrgParamsSchema.extend({
  invitation_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "invitation_id", in: "path" } }),
});

export const RevokeBodySchema = z
  .object({ requesting_user_id: z.string().max(128).nullish() })
  .optional();
