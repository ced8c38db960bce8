/**
 * The SDK's parameter and result types, in the seed's words (Clerk's "Organization Invitations"
 * page). Their shapes are pinned by `test/client/types.test-d.ts`: change one and that test fails.
 */
import type { InvitationStatus } from "../contract/roles";

/** The role of a member: `admin`, `basic_member` or `guest_member`. */
export type OrganizationRole = "admin" | "basic_member" | "guest_member";

/** The status an invitation can have. */
export type OrganizationInvitationStatusFilter = "pending" | "accepted" | "revoked";

/**
 * A page of results, shaped like Clerk's `ClerkPaginatedResponse`: the page's items in `data` and
 * the number of items matching the request across all pages in `total_count`.
 */
export interface PaginatedResources<T> {
  /** The items of the requested page. */
  data: T[];
  /** How many items match the request, across all pages. */
  total_count: number;
}

/** The name the seed's "Returns" tables use for {@link PaginatedResources}. */
export type PaginatedResponse<T> = PaginatedResources<T>;

/** Parameters of `getInvitations()`. */
export interface GetInvitationsParams {
  /**
   * A number that can be used to skip the first n-1 pages. For example, if `initialPage` is set to
   * 10, it is will skip the first 9 pages and will fetch the 10th page.
   */
  initialPage?: number;
  /** A number that indicates the maximum number of results that should be returned for a specific page. */
  pageSize?: number;
  /** The status an invitation can have. */
  status?: OrganizationInvitationStatusFilter;
}

/**
 * Parameters of the deprecated `getPendingInvitations()`; `getInvitations()` takes
 * {@link GetInvitationsParams}. Both fields are required, as the seed lists them.
 */
export interface GetPendingInvitationsParams {
  /** Limit of the results returned. */
  limit: number;
  /** The offset of results to start the retrieval. */
  offset: number;
}

/** Parameters of `inviteMember()`. */
export interface InviteMemberParams {
  /** The email address to invite. */
  emailAddress: string;
  /** The role of the new member. */
  role: OrganizationRole;
}

/** Parameters of `inviteMembers()`. */
export interface InviteMembersParams {
  /** The email addresses to invite. */
  emailAddresses: string[];
  /** The role of the new members. */
  role: OrganizationRole;
}

/** Parameters of `getMyInvitations()`: the seed's paging, and the status to keep. */
export interface GetMyInvitationsParams {
  /** A number that can be used to skip the first n-1 pages. */
  initialPage?: number;
  /** A number that indicates the maximum number of results that should be returned for a specific page. */
  pageSize?: number;
  /** The status an invitation can have (the invitee also sees `expired` and `declined` ones). */
  status?: InvitationStatus;
}
