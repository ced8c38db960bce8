/**
 * The TypeScript client SDK for the organization invitations service: Clerk's frontend
 * `Organization` invitation methods, against this service's API. No dependency beyond `fetch`;
 * runs in browsers, Node and Workers.
 *
 * @example
 * import { createClient } from "org-invitations/client";
 *
 * const client = createClient({ baseUrl: "https://invitations.example.com", getToken: () => session.getToken() });
 * const organization = await client.getActiveOrganization();
 * const { data, total_count } = await organization.getInvitations({ status: "pending" });
 */
import type { InvitationJson, OrganizationJson } from "../contract/objects";
import { activeOrganizationId, createSend, type FetchLike, path, type TokenGetter } from "./http";
import { OrganizationInvitation } from "./invitation";
import { Organization } from "./organization";
import type { GetMyInvitationsParams, PaginatedResources } from "./types";

export { type ApiErrorItem, ApiResponseError } from "./errors";
export type { FetchLike, TokenGetter } from "./http";
export {
  type EmailDelivery,
  OrganizationInvitation,
  type OrganizationInvitationJSON,
  type PublicOrganizationData,
} from "./invitation";
export { Organization, type OrganizationJSON } from "./organization";
export type {
  GetInvitationsParams,
  GetMyInvitationsParams,
  GetPendingInvitationsParams,
  InviteMemberParams,
  InviteMembersParams,
  OrganizationInvitationStatusFilter,
  OrganizationRole,
  PaginatedResources,
  PaginatedResponse,
} from "./types";

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the service runs, e.g. `https://invitations.example.com` (without `/v1`). */
  baseUrl: string;
  /** Returns the current session token, or null when signed out; called before every request. */
  getToken: TokenGetter;
  /** A `fetch` to use instead of the global one (a Worker's service binding, a test's). */
  fetch?: FetchLike;
}

/** The client: the organizations the session can manage, and the session's own invitations. */
export interface InvitationsClient {
  /** The organization with this id; throws `ApiResponseError` (404) when the session is not a member. */
  getOrganization(id: string): Promise<Organization>;
  /**
   * The currently active organization: the one named in the session token's `org_id` claim (or
   * Clerk's v2 `o.id`), or null when the token names none.
   */
  getActiveOrganization(): Promise<Organization | null>;
  /** The invitations addressed to the signed-in user's email, with `publicOrganizationData`. */
  getMyInvitations(
    params?: GetMyInvitationsParams,
  ): Promise<PaginatedResources<OrganizationInvitation>>;
  /**
   * Accepts the invitation whose email link carried `ticket` (the `ticket` query parameter of
   * `/accept?ticket=…`), as the signed-in user; resolves with the accepted invitation.
   */
  acceptTicket(ticket: string): Promise<OrganizationInvitation>;
}

/**
 * Creates a client.
 *
 * @example
 * const client = createClient({ baseUrl: "https://invitations.example.com", getToken: () => session.getToken() });
 */
export function createClient(options: ClientOptions): InvitationsClient {
  const send = createSend(options.baseUrl, options.getToken, options.fetch);
  const getOrganization = async (id: string) =>
    new Organization(await send<OrganizationJson>("GET", path`/v1/organizations/${id}`), send);
  const invitation = (json: InvitationJson) => new OrganizationInvitation(json, send);
  return {
    getOrganization,
    async getActiveOrganization() {
      const id = activeOrganizationId(await options.getToken());
      return id ? getOrganization(id) : null;
    },
    async getMyInvitations(params) {
      const list = await send<PaginatedResources<InvitationJson>>(
        "GET",
        "/v1/me/organization_invitations",
        { initialPage: params?.initialPage, pageSize: params?.pageSize, status: params?.status },
      );
      return { data: list.data.map(invitation), total_count: list.total_count };
    },
    async acceptTicket(ticket) {
      return invitation(
        await send<InvitationJson>("POST", "/v1/tickets/accept", undefined, { ticket }),
      );
    },
  };
}
