/**
 * `Organization`: the seed's methods for managing an organization's invitations, with its exact
 * signatures.
 */
import type { InvitationJson, OrganizationJson } from "../contract/objects";
import { path, type Send } from "./http";
import { type Fields, OrganizationInvitation } from "./invitation";
import type {
  GetInvitationsParams,
  GetPendingInvitationsParams,
  InviteMemberParams,
  InviteMembersParams,
  PaginatedResources,
} from "./types";

/** The organization as the API sends it: `z.infer<typeof OrganizationSchema>` on the server. */
export type OrganizationJSON = OrganizationJson;

/** A page of invitations on the wire: `{data, total_count}` is also the SDK's shape. */
type InvitationList = PaginatedResources<InvitationJson>;

/** An organization; its methods manage the invitations to it. */
export class Organization {
  /** The organization's id (`org_…`). */
  declare id: string;
  /** The organization's name. */
  declare name: string;
  /** The organization's slug. */
  declare slug: string;
  /** The organization's image, or null. */
  declare imageUrl: string | null;
  /** Whether the organization has an image. */
  declare hasImage: boolean;
  /** The creator's user id, or null. */
  declare createdBy: string | null;
  /** Members plus pending invitations may not pass this; 0 means no limit. */
  declare maxAllowedMemberships: number;
  /** Whether admins may delete the organization. */
  declare adminDeleteEnabled: boolean;
  /** How many members it has. */
  declare membersCount: number;
  /** How many invitations are pending. */
  declare pendingInvitationsCount: number;
  /** Metadata visible to members. */
  declare publicMetadata: Record<string, unknown>;
  /** Backend-only metadata; `{}` for sessions. */
  declare privateMetadata: Record<string, unknown>;
  /** When the organization was created. */
  declare createdAt: Date;
  /** When the organization last changed. */
  declare updatedAt: Date;

  readonly #send: Send;

  /** Built by the SDK from an API answer; get one from `client.getOrganization()`. */
  constructor(json: OrganizationJSON, send: Send) {
    this.#send = send;
    const fields: Fields<Organization> = {
      id: json.id,
      name: json.name,
      slug: json.slug,
      imageUrl: json.image_url,
      hasImage: json.has_image,
      createdBy: json.created_by,
      maxAllowedMemberships: json.max_allowed_memberships,
      adminDeleteEnabled: json.admin_delete_enabled,
      membersCount: json.members_count,
      pendingInvitationsCount: json.pending_invitations_count,
      publicMetadata: json.public_metadata,
      privateMetadata: json.private_metadata,
      createdAt: new Date(json.created_at),
      updatedAt: new Date(json.updated_at),
    };
    Object.assign(this, fields);
  }

  #invitation = (json: InvitationJson) => new OrganizationInvitation(json, this.#send);

  #invitations = (suffix = "") => path`/v1/organizations/${this.id}/invitations` + suffix;

  /**
   * Retrieves a list of invitations for the currently active organization.
   *
   * @param params - `initialPage` skips the first n-1 pages, `pageSize` (default 10) bounds a
   * page, `status` keeps only invitations with that status.
   * @returns A Promise which resolves with a list of `OrganizationInvitation` objects (`data`) and
   * the number of invitations matching across all pages (`total_count`).
   * @example
   * const { data, total_count } = await organization.getInvitations({ initialPage: 2, pageSize: 20, status: "pending" });
   */
  async getInvitations(
    params?: GetInvitationsParams,
  ): Promise<PaginatedResources<OrganizationInvitation>> {
    const { initialPage, pageSize, status } = params ?? {};
    const list = await this.#send<InvitationList>("GET", this.#invitations(), {
      initialPage,
      pageSize,
      status,
    });
    return { data: list.data.map(this.#invitation), total_count: list.total_count };
  }

  /**
   * Retrieves a list of organization invitations that have not yet been accepted.
   *
   * @deprecated This method is deprecated in favor of `getInvitations()`: use
   * `getInvitations({ status: "pending" })`.
   * @param params - `limit` of the results returned, `offset` of results to start the retrieval.
   * @returns A Promise which resolves with a list of `OrganizationInvitation` objects.
   */
  async getPendingInvitations(
    params?: GetPendingInvitationsParams,
  ): Promise<OrganizationInvitation[]> {
    const list = await this.#send<InvitationList>("GET", this.#invitations("/pending"), {
      limit: params?.limit,
      offset: params?.offset,
    });
    return list.data.map(this.#invitation);
  }

  /**
   * Creates and sends an invitation to the target email address for becoming a member with the
   * role passed on the function parameters.
   *
   * @returns A Promise which resolves to the `OrganizationInvitation` for the created invitation.
   * @example
   * await organization.inviteMember({ emailAddress: "ada@example.com", role: "basic_member" });
   */
  async inviteMember(params: InviteMemberParams): Promise<OrganizationInvitation> {
    const json = await this.#send<InvitationJson>("POST", this.#invitations(), undefined, {
      email_address: params.emailAddress,
      role: params.role,
    });
    return this.#invitation(json);
  }

  /**
   * Creates and sends an invitation to the target email addresses for becoming a member with the
   * role passed on the function parameters. All or nothing: one bad address creates none.
   *
   * @returns A Promise which resolves to a list of `OrganizationInvitation`s for the created
   * invitations.
   * @example
   * await organization.inviteMembers({ emailAddresses: ["ada@example.com", "alan@example.com"], role: "guest_member" });
   */
  async inviteMembers(params: InviteMembersParams): Promise<OrganizationInvitation[]> {
    const list = await this.#send<InvitationList>("POST", this.#invitations("/bulk"), undefined, {
      email_address: params.emailAddresses,
      role: params.role,
    });
    return list.data.map(this.#invitation);
  }
}
