/**
 * Query fragments shared by the invitation repository: the effective-status filter (a pending row
 * past its expiry counts as expired) and the orderings, each written so an index serves it.
 */
import {
  and,
  asc,
  desc,
  eq,
  gt,
  gte,
  inArray,
  lt,
  lte,
  or,
  type Placeholder,
  type SQL,
} from "drizzle-orm";
import type { InvitationStatus } from "../contract/roles";
import { invitations } from "../db/schema";

export const ORDER_BY = ["created_at", "-created_at", "email_address", "-email_address"] as const;
export type OrderBy = (typeof ORDER_BY)[number];

/** `status IN (...)` on the statuses a caller sees, expressed over the stored column. */
export function effectiveStatusIn(
  statuses: readonly InvitationStatus[],
  now: number | Placeholder,
): SQL | undefined {
  if (statuses.length === 0) return undefined;
  const wanted = new Set(statuses);
  const parts: SQL[] = [];
  const stored = [...wanted].filter((s) => s !== "pending");
  if (stored.length > 0) parts.push(inArray(invitations.status, stored));
  if (wanted.has("pending") && wanted.has("expired")) {
    parts.push(eq(invitations.status, "pending"));
  } else if (wanted.has("pending")) {
    parts.push(and(eq(invitations.status, "pending"), gt(invitations.expiresAt, now)) as SQL);
  } else if (wanted.has("expired")) {
    parts.push(and(eq(invitations.status, "pending"), lte(invitations.expiresAt, now)) as SQL);
  }
  return parts.length === 1 ? parts[0] : or(...parts);
}

/** The bounds of the addresses starting with `prefix` (already lower-cased). */
export const emailPrefixRange = (prefix: string) => ({
  emailFrom: prefix,
  emailBefore: `${prefix}\u{10FFFF}`,
});

/**
 * Rows whose address lies in `emailPrefixRange`: a range, so the index serves it. The bounds are
 * placeholders named `emailFrom` and `emailBefore`.
 */
export function emailInPrefixRange(from: Placeholder, before: Placeholder): SQL {
  return and(gte(invitations.emailAddress, from), lt(invitations.emailAddress, before)) as SQL;
}

const REVERSED: Record<OrderBy, OrderBy> = {
  created_at: "-created_at",
  "-created_at": "created_at",
  email_address: "-email_address",
  "-email_address": "email_address",
};

/** The exact opposite order, tie-breakers included: reading a page from the far end. */
export const reversedOrder = (orderBy: OrderBy): OrderBy => REVERSED[orderBy];

export function orderingFor(orderBy: OrderBy) {
  switch (orderBy) {
    case "created_at":
      return [asc(invitations.createdAt), asc(invitations.id)];
    case "email_address":
      return [asc(invitations.emailAddress), asc(invitations.createdAt), asc(invitations.id)];
    case "-email_address":
      return [desc(invitations.emailAddress), desc(invitations.createdAt), desc(invitations.id)];
    default:
      return [desc(invitations.createdAt), desc(invitations.id)];
  }
}
