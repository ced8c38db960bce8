/**
 * `OrganizationInvitation`: one invitation, with camelCase fields and `Date`s, read from the wire
 * object the server's `InvitationSchema` describes (the type below IS `z.infer` of it).
 */
import type { InvitationJson } from "../contract/objects";
import type { InvitationStatus } from "../contract/roles";
import { path, type Send } from "./http";
import type { OrganizationRole } from "./types";

/** The invitation as the API sends it: `z.infer<typeof InvitationSchema>` on the server. */
export type OrganizationInvitationJSON = InvitationJson;

/** What became of the invitation email. */
export interface EmailDelivery {
  /** `queued`, `sent`, `failed`, or `skipped` (created with `notify: false`). */
  status: InvitationJson["email_delivery"]["status"];
  /** How many times sending was tried. */
  attempts: number;
  /** The last failure's description, or null. */
  lastError: string | null;
  /** When the email was handed to the provider, or null. */
  sentAt: Date | null;
}

/** The inviting organization, as the invitee may see it. */
export interface PublicOrganizationData {
  /** The organization's id. */
  id: string;
  /** The organization's name. */
  name: string;
  /** The organization's slug. */
  slug: string;
  /** Whether the organization has an image. */
  hasImage: boolean;
  /** The organization's image, or null. */
  imageUrl: string | null;
}

/** The data fields of a resource class (its methods left out). */
export type Fields<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K];
};

const date = (ms: number) => new Date(ms);

function fieldsOf(json: InvitationJson): Fields<OrganizationInvitation> {
  const org = json.public_organization_data;
  const delivery = json.email_delivery;
  return {
    id: json.id,
    emailAddress: json.email_address,
    role: json.role,
    roleName: json.role_name,
    organizationId: json.organization_id,
    inviterId: json.inviter_id,
    status: json.status,
    publicMetadata: json.public_metadata,
    privateMetadata: json.private_metadata,
    url: json.url,
    redirectUrl: json.redirect_url,
    expiresAt: date(json.expires_at),
    createdAt: date(json.created_at),
    updatedAt: date(json.updated_at),
    emailDelivery: {
      status: delivery.status,
      attempts: delivery.attempts,
      lastError: delivery.last_error,
      sentAt: delivery.sent_at === null ? null : date(delivery.sent_at),
    },
    publicOrganizationData: org
      ? {
          id: org.id,
          name: org.name,
          slug: org.slug,
          hasImage: org.has_image,
          imageUrl: org.image_url,
        }
      : null,
  };
}

/**
 * An invitation to an organization. The methods update the object in place from the server's
 * answer and resolve with it, as Clerk's resources do.
 */
export class OrganizationInvitation {
  /** The invitation's id (`orginv_…`). */
  declare id: string;
  /** The invited email address (lower-cased). */
  declare emailAddress: string;
  /** The role the invitee gets on accepting. */
  declare role: OrganizationRole;
  /** The role's display name: `Admin`, `Member` or `Guest`. */
  declare roleName: string;
  /** The organization's id (`org_…`). */
  declare organizationId: string;
  /** The inviting user's id, or null. */
  declare inviterId: string | null;
  /** `pending`, `accepted`, `revoked`, `expired` or `declined`. */
  declare status: InvitationStatus;
  /** Metadata copied onto the membership when the invitation is accepted. */
  declare publicMetadata: Record<string, unknown>;
  /** Backend-only metadata; `{}` for sessions. */
  declare privateMetadata: Record<string, unknown>;
  /** The accept link (backend callers only); null for sessions and for invitations not pending. */
  declare url: string | null;
  /** Where the invitee is sent after accepting (backend callers only), or null. */
  declare redirectUrl: string | null;
  /** When a pending invitation expires. */
  declare expiresAt: Date;
  /** When the invitation was created. */
  declare createdAt: Date;
  /** When the invitation last changed. */
  declare updatedAt: Date;
  /** What became of the invitation email. */
  declare emailDelivery: EmailDelivery;
  /** The inviting organization, in the invitee's own list (`getMyInvitations`); else null. */
  declare publicOrganizationData: PublicOrganizationData | null;

  readonly #send: Send;

  /** Built by the SDK from an API answer; you get instances from its methods. */
  constructor(json: OrganizationInvitationJSON, send: Send) {
    this.#send = send;
    Object.assign(this, fieldsOf(json));
  }

  async #update(method: string, route: string): Promise<this> {
    Object.assign(this, fieldsOf(await this.#send<InvitationJson>(method, route, undefined, {})));
    return this;
  }

  /** Revokes this pending invitation; the link in its email stops working. */
  revoke(): Promise<this> {
    return this.#update(
      "POST",
      path`/v1/organizations/${this.organizationId}/invitations/${this.id}/revoke`,
    );
  }

  /** Sends this pending invitation's email again, with a fresh link (the old one stops working). */
  resend(): Promise<this> {
    return this.#update(
      "POST",
      path`/v1/organizations/${this.organizationId}/invitations/${this.id}/resend`,
    );
  }

  /** Accepts this invitation as the signed-in invitee: they become a member with its role. */
  accept(): Promise<this> {
    return this.#update("POST", path`/v1/me/organization_invitations/${this.id}/accept`);
  }

  /** Declines this invitation as the signed-in invitee; it becomes `declined`. */
  decline(): Promise<this> {
    return this.#update("POST", path`/v1/me/organization_invitations/${this.id}/decline`);
  }
}
