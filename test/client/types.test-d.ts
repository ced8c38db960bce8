/**
 * Type-level tests, checked by `npm run typecheck` (tsc): the SDK's public signatures are the
 * seed's, written out here literally, and its wire types are the server's zod schemas. Changing a
 * seed signature, or a schema without the SDK following, is a compile error in this file.
 */
import type { z } from "@hono/zod-openapi";
import { describe, expectTypeOf, it } from "vitest";
import type {
  ApiErrorItem,
  GetInvitationsParams,
  GetPendingInvitationsParams,
  InviteMemberParams,
  InviteMembersParams,
  Organization,
  OrganizationInvitation,
  OrganizationInvitationJSON,
  OrganizationJSON,
  OrganizationRole,
  PaginatedResources,
} from "../../src/client";
import type {
  ErrorEnvelopeSchema,
  InvitationListSchema,
  InvitationSchema,
  OrganizationSchema,
} from "../../src/contract/objects";
import type { InvitationStatus, Role } from "../../src/contract/roles";

/** `email_address` → `emailAddress`. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;
/** The data fields of a class (methods left out). */
type DataKeys<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : K;
}[keyof T];

type SeedRole = "admin" | "basic_member" | "guest_member";

describe("the seed's signatures", () => {
  it("getInvitations(params?: GetInvitationsParams): Promise<PaginatedResources<OrganizationInvitation>>", () => {
    expectTypeOf<Organization["getInvitations"]>().toEqualTypeOf<
      (params?: GetInvitationsParams) => Promise<PaginatedResources<OrganizationInvitation>>
    >();
    expectTypeOf<GetInvitationsParams>().toEqualTypeOf<{
      initialPage?: number;
      pageSize?: number;
      status?: "pending" | "accepted" | "revoked";
    }>();
    // Clerk's ClerkPaginatedResponse: `data` and `total_count`.
    expectTypeOf<PaginatedResources<OrganizationInvitation>>().toEqualTypeOf<{
      data: OrganizationInvitation[];
      total_count: number;
    }>();
  });

  it("getPendingInvitations(params?: GetPendingInvitationsParams): Promise<OrganizationInvitation[]>", () => {
    expectTypeOf<Organization["getPendingInvitations"]>().toEqualTypeOf<
      (params?: GetPendingInvitationsParams) => Promise<OrganizationInvitation[]>
    >();
    expectTypeOf<GetPendingInvitationsParams>().toEqualTypeOf<{ limit: number; offset: number }>();
  });

  it("inviteMember(params: InviteMemberParams): Promise<OrganizationInvitation>", () => {
    expectTypeOf<Organization["inviteMember"]>().toEqualTypeOf<
      (params: InviteMemberParams) => Promise<OrganizationInvitation>
    >();
    expectTypeOf<InviteMemberParams>().toEqualTypeOf<{ emailAddress: string; role: SeedRole }>();
  });

  it("inviteMembers(params: InviteMembersParams): Promise<OrganizationInvitation[]>", () => {
    expectTypeOf<Organization["inviteMembers"]>().toEqualTypeOf<
      (params: InviteMembersParams) => Promise<OrganizationInvitation[]>
    >();
    expectTypeOf<InviteMembersParams>().toEqualTypeOf<{
      emailAddresses: string[];
      role: SeedRole;
    }>();
  });

  it("the role union is the seed's and the server's", () => {
    expectTypeOf<OrganizationRole>().toEqualTypeOf<SeedRole>();
    expectTypeOf<OrganizationRole>().toEqualTypeOf<Role>();
    expectTypeOf<NonNullable<GetInvitationsParams["status"]>>().toExtend<InvitationStatus>();
  });
});

describe("no drift between the SDK and the server's schemas", () => {
  it("the invitation wire type is z.infer of InvitationSchema", () => {
    expectTypeOf<OrganizationInvitationJSON>().toEqualTypeOf<z.infer<typeof InvitationSchema>>();
    expectTypeOf<PaginatedResources<OrganizationInvitationJSON>>().toEqualTypeOf<
      z.infer<typeof InvitationListSchema>
    >();
    expectTypeOf<OrganizationJSON>().toEqualTypeOf<z.infer<typeof OrganizationSchema>>();
  });

  it("every wire field of an invitation is a camelCase field of OrganizationInvitation, and back", () => {
    type Wire = z.infer<typeof InvitationSchema>;
    expectTypeOf<DataKeys<OrganizationInvitation>>().toEqualTypeOf<
      Camel<Exclude<keyof Wire, "object">>
    >();
    expectTypeOf<OrganizationInvitation["status"]>().toEqualTypeOf<Wire["status"]>();
    expectTypeOf<OrganizationInvitation["role"]>().toEqualTypeOf<Wire["role"]>();
    expectTypeOf<OrganizationInvitation["createdAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<OrganizationInvitation["expiresAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<OrganizationInvitation["emailDelivery"]["status"]>().toEqualTypeOf<
      Wire["email_delivery"]["status"]
    >();
    expectTypeOf<keyof OrganizationInvitation["emailDelivery"]>().toEqualTypeOf<
      Camel<keyof Wire["email_delivery"]>
    >();
    expectTypeOf<
      keyof NonNullable<OrganizationInvitation["publicOrganizationData"]>
    >().toEqualTypeOf<Camel<keyof NonNullable<Wire["public_organization_data"]>>>();
  });

  it("every wire field of an organization is a camelCase field of Organization", () => {
    type Wire = z.infer<typeof OrganizationSchema>;
    expectTypeOf<DataKeys<Organization>>().toEqualTypeOf<Camel<Exclude<keyof Wire, "object">>>();
  });

  it("the error items are the envelope's, camelCased", () => {
    type WireItem = z.infer<typeof ErrorEnvelopeSchema>["errors"][number];
    expectTypeOf<keyof ApiErrorItem>().toEqualTypeOf<Camel<keyof WireItem>>();
  });
});
