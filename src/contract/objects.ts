/**
 * The objects the API answers with (`../shared/contract.md`). Routes validate their responses'
 * shape against these, the OpenAPI document is generated from them, and the client SDK's wire
 * types are `z.infer` of them.
 */
import { z } from "@hono/zod-openapi";
import { InvitationStatusSchema, RoleSchema } from "./roles";

const Metadata = z.record(z.string(), z.unknown());
const UnixMs = z.number().int().openapi({ description: "Unix time in milliseconds" });

export const EmailDeliverySchema = z
  .object({
    status: z.enum(["queued", "sent", "failed", "skipped"]),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    sent_at: UnixMs.nullable(),
  })
  .openapi("EmailDelivery");

export const PublicOrganizationDataSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    has_image: z.boolean(),
    image_url: z.string().nullable(),
  })
  .openapi("PublicOrganizationData");

export const InvitationSchema = z
  .object({
    object: z.literal("organization_invitation"),
    id: z.string().openapi({ example: "orginv_2bQbJ1Xh3mC5m4kJ8fPq9RtZ" }),
    email_address: z.string(),
    role: RoleSchema,
    role_name: z.string(),
    organization_id: z.string(),
    inviter_id: z.string().nullable(),
    status: InvitationStatusSchema,
    public_metadata: Metadata,
    private_metadata: Metadata.openapi({ description: "Backend callers only; `{}` for sessions" }),
    url: z
      .string()
      .nullable()
      .openapi({ description: "The accept link. Backend callers only; null for sessions" }),
    redirect_url: z.string().nullable(),
    expires_at: UnixMs,
    created_at: UnixMs,
    updated_at: UnixMs,
    email_delivery: EmailDeliverySchema,
    public_organization_data: PublicOrganizationDataSchema.optional(),
  })
  .openapi("OrganizationInvitation");
export type InvitationJson = z.infer<typeof InvitationSchema>;

export const OrganizationSchema = z
  .object({
    object: z.literal("organization"),
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    image_url: z.string().nullable(),
    has_image: z.boolean(),
    created_by: z.string().nullable(),
    max_allowed_memberships: z.number().int(),
    admin_delete_enabled: z.boolean(),
    members_count: z.number().int(),
    pending_invitations_count: z.number().int(),
    public_metadata: Metadata,
    private_metadata: Metadata,
    created_at: UnixMs,
    updated_at: UnixMs,
  })
  .openapi("Organization");
export type OrganizationJson = z.infer<typeof OrganizationSchema>;

export const MembershipSchema = z
  .object({
    object: z.literal("organization_membership"),
    id: z.string(),
    role: RoleSchema,
    role_name: z.string(),
    permissions: z.array(z.string()),
    public_metadata: Metadata,
    private_metadata: Metadata,
    organization: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
    public_user_data: z.object({
      user_id: z.string(),
      identifier: z.string(),
      first_name: z.string().nullable(),
      last_name: z.string().nullable(),
      image_url: z.string(),
      has_image: z.boolean(),
    }),
    created_at: UnixMs,
    updated_at: UnixMs,
  })
  .openapi("OrganizationMembership");
export type MembershipJson = z.infer<typeof MembershipSchema>;

/** `{data, total_count}`: every list answers in this shape, Clerk's. */
export const paginated = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), total_count: z.number().int() }).openapi(name);

export const InvitationListSchema = paginated(InvitationSchema, "OrganizationInvitationList");
export const MembershipListSchema = paginated(MembershipSchema, "OrganizationMembershipList");

export const ErrorEnvelopeSchema = z
  .object({
    errors: z.array(
      z.object({
        code: z.string(),
        message: z.string(),
        long_message: z.string(),
        meta: z.record(z.string(), z.unknown()),
      }),
    ),
    clerk_trace_id: z.string(),
  })
  .openapi("Errors");
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
