/**
 * What the organization page shows, held in its URL: the status tab, the email search, and the
 * paging of the seed's SDK (`initialPage`, `pageSize`) plus the members' page. One parser for the
 * page and for the forms that come back to it, one writer for every link.
 */
import { z } from "zod";
import { INVITATION_STATUSES, type InvitationStatus } from "../../contract/roles";
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from "../../http/paging";
import { EMAIL_MAX_LENGTH } from "../../invitations/rules";

export interface ListQuery {
  status: InvitationStatus | undefined;
  email: string | undefined;
  initialPage: number;
  pageSize: number;
  membersPage: number;
}

/** Members shown per page on the organization page. */
export const MEMBERS_PAGE_SIZE = 20;
/** The largest page number a link may ask for: far past any real list, small enough for D1. */
const PAGE_MAX = 1_000_000;

const page = z.coerce.number().int().min(1).max(PAGE_MAX);

const ListQuerySchema = z.object({
  status: z.enum(INVITATION_STATUSES).optional(),
  // An empty search box submits `email_address=`: that means "no search".
  email_address: z
    .string()
    .trim()
    .max(EMAIL_MAX_LENGTH)
    .optional()
    .transform((v) => (v ? v : undefined)),
  initialPage: page.default(1),
  pageSize: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
  membersPage: page.default(1),
});

/** The page's state from its query string; null when a parameter is malformed or out of range. */
export function parseListQuery(params: Record<string, string>): ListQuery | null {
  // An empty status (the "All" tab of a form) is no status.
  const { status, ...rest } = params;
  const parsed = ListQuerySchema.safeParse(status ? params : rest);
  if (!parsed.success) return null;
  const q = parsed.data;
  return {
    status: q.status,
    email: q.email_address,
    initialPage: q.initialPage,
    pageSize: q.pageSize,
    membersPage: q.membersPage,
  };
}

export const DEFAULT_LIST_QUERY: ListQuery = {
  status: undefined,
  email: undefined,
  initialPage: 1,
  pageSize: PAGE_SIZE_DEFAULT,
  membersPage: 1,
};

/** The query string for a state: paging is always written out, so a link says where it leads. */
export function listSearch(q: ListQuery): string {
  const params = new URLSearchParams();
  if (q.status) params.set("status", q.status);
  if (q.email) params.set("email_address", q.email);
  params.set("initialPage", String(q.initialPage));
  params.set("pageSize", String(q.pageSize));
  if (q.membersPage !== 1) params.set("membersPage", String(q.membersPage));
  return params.toString();
}

export const orgPath = (organizationId: string) =>
  `/console/orgs/${encodeURIComponent(organizationId)}`;

/** A link to the organization page in state `q` changed by `change`. */
export const listHref = (organizationId: string, q: ListQuery, change: Partial<ListQuery> = {}) =>
  `${orgPath(organizationId)}?${listSearch({ ...q, ...change })}`;
