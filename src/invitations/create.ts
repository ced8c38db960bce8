/**
 * Creating invitations, one or many: the same rules, all or nothing. Every check runs before
 * anything is written; the write is one D1 batch (one transaction); emails are queued after it
 * commits. The unique pending index backs the duplicate check against concurrent requests.
 */
import type { Role } from "../contract/roles";
import { runBatch } from "../db/batch";
import type { InvitationRow, OrganizationRow } from "../db/schema";
import type { Deps } from "../deps";
import { countMembers } from "../organizations/repository";
import { paramError } from "../shared/errors";
import { newId } from "../shared/ids";
import { fail, ok, type Result } from "../shared/result";
import { countPendingInvitations } from "./counts";
import {
  expireLapsedForAddresses,
  findPendingAddresses,
  findTakenAddresses,
  insertInvitations,
} from "./repository";
import { expiresAtFrom, isValidEmail, normalizeEmail } from "./rules";

export interface NewInvitation {
  emailAddress: string;
  role: Role;
  inviterUserId?: string | null | undefined;
  publicMetadata?: Record<string, unknown> | undefined;
  privateMetadata?: Record<string, unknown> | undefined;
  redirectUrl?: string | null | undefined;
  expiresInDays?: number | undefined;
  /** false: create without an email (`email_delivery.status` = skipped). */
  notify?: boolean | undefined;
}

type Rows = InvitationRow[];

export async function createInvitations(
  deps: Deps,
  organization: OrganizationRow,
  items: readonly NewInvitation[],
): Promise<Result<Rows>> {
  if (items.length > deps.settings.bulkMax) {
    return fail({
      code: "bulk_size_exceeded",
      message: "too many invitations",
      longMessage: `At most ${deps.settings.bulkMax} invitations can be created in one request; got ${items.length}.`,
      meta: { max: deps.settings.bulkMax, received: items.length },
    });
  }
  const redirect = checkRedirects(items, deps.settings.allowedRedirectOrigins);
  if (redirect) return fail(redirect);
  const checked = checkAddresses(items);
  if (!checked.ok) return checked;
  const emails = checked.value;
  const now = deps.now();

  const refused = await refuseTaken(deps, organization, emails, now);
  if (refused) return fail(refused);

  const rows: Rows = items.map((item, i) =>
    toRow(deps, organization.id, item, emails[i] ?? "", now),
  );
  try {
    await runBatch(deps.db, [
      // Lapsed pending rows still hold the unique slot: persist their expiry first.
      ...expireLapsedForAddresses(deps.db, organization.id, emails, now),
      ...insertInvitations(deps.db, rows),
    ]);
  } catch (err) {
    // A concurrent request won the race for an address: report it as the duplicate it is.
    if (!isUniqueViolation(err)) throw err;
    const taken = await findPendingAddresses(deps.db, organization.id, emails, now);
    return fail(duplicateRecord(taken.length > 0 ? taken : emails));
  }

  await deps.emails.enqueue(
    rows
      .filter((r) => r.deliveryStatus === "queued")
      .map((r) => ({ invitationId: r.id, linkVersion: r.linkVersion })),
  );
  return ok(rows);
}

/** Normalized addresses, or the first problem: a bad format, or one address given twice. */
function checkAddresses(items: readonly NewInvitation[]): Result<string[]> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  const emails: string[] = [];
  for (const item of items) {
    const email = normalizeEmail(item.emailAddress);
    if (!isValidEmail(email)) {
      return fail(
        paramError(
          "form_param_format_invalid",
          "email_address",
          `"${item.emailAddress.slice(0, 100)}" is not a valid email address.`,
        ),
      );
    }
    if (seen.has(email)) repeated.add(email);
    seen.add(email);
    emails.push(email);
  }
  if (repeated.size > 0) {
    const error = paramError(
      "form_param_value_invalid",
      "email_address",
      `Each address may appear once per request; repeated: ${[...repeated].join(", ")}.`,
    );
    return fail({ ...error, meta: { ...error.meta, email_addresses: [...repeated] } });
  }
  if (emails.length === 0) {
    return fail(
      paramError("form_param_missing", "email_address", "At least one address is required."),
    );
  }
  return ok(emails);
}

/** No open redirect: with `ALLOWED_REDIRECT_ORIGINS` set, `redirect_url` must be on one of them. */
function checkRedirects(items: readonly NewInvitation[], allowed: readonly string[] | null) {
  if (!allowed) return null;
  for (const item of items) {
    if (!item.redirectUrl) continue;
    const origin = URL.canParse(item.redirectUrl) ? new URL(item.redirectUrl).origin : null;
    if (!origin || !allowed.includes(origin)) {
      return paramError(
        "form_param_value_invalid",
        "redirect_url",
        `redirect_url must be on one of the allowed origins: ${allowed.join(", ")}.`,
      );
    }
  }
  return null;
}

/** The first reason these addresses cannot be invited now, if any. */
async function refuseTaken(
  deps: Deps,
  organization: OrganizationRow,
  emails: string[],
  now: number,
) {
  const [{ pending, members }, quota] = await Promise.all([
    findTakenAddresses(deps.db, organization.id, emails, now),
    quotaExceeded(deps, organization, emails.length, now),
  ]);
  if (members.length > 0) {
    return {
      code: "already_a_member_in_organization" as const,
      message: "already a member",
      longMessage: `These addresses already belong to members: ${members.join(", ")}.`,
      meta: { email_addresses: members },
    };
  }
  if (pending.length > 0) return duplicateRecord(pending);
  return quota;
}

/** Clerk's rule: members plus pending invitations may not pass `max_allowed_memberships`. */
async function quotaExceeded(
  deps: Deps,
  organization: OrganizationRow,
  adding: number,
  now: number,
) {
  const max = organization.maxAllowedMemberships;
  if (max <= 0) return null;
  const [members, pending] = await Promise.all([
    countMembers(deps.db, organization.id),
    countPendingInvitations(deps.db, organization.id, now),
  ]);
  if (members + pending + adding <= max) return null;
  return {
    code: "organization_membership_quota_exceeded" as const,
    message: "membership quota exceeded",
    longMessage: `This organization allows ${max} memberships; it has ${members} members and ${pending} pending invitations, so ${adding} more would pass the limit.`,
    meta: { max_allowed_memberships: max, members, pending_invitations: pending },
  };
}

const duplicateRecord = (emails: string[]) => ({
  code: "duplicate_record" as const,
  message: "duplicate invitation",
  longMessage: `A pending invitation already exists for: ${emails.join(", ")}.`,
  meta: { email_addresses: emails },
});

function isUniqueViolation(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return text.includes("UNIQUE constraint failed");
}

function toRow(
  deps: Deps,
  organizationId: string,
  item: NewInvitation,
  email: string,
  now: number,
): InvitationRow {
  const notify = item.notify ?? true;
  return {
    id: newId("orginv"),
    organizationId,
    emailAddress: email,
    role: item.role,
    status: "pending",
    inviterId: item.inviterUserId ?? null,
    publicMetadata: item.publicMetadata ?? {},
    privateMetadata: item.privateMetadata ?? {},
    redirectUrl: item.redirectUrl ?? null,
    expiresAt: expiresAtFrom(now, item.expiresInDays ?? deps.settings.invitationTtlDays),
    linkVersion: 1,
    deliveryStatus: notify ? "queued" : "skipped",
    deliveryAttempts: 0,
    deliveryLastError: null,
    deliverySentAt: null,
    deliveryQueuedAt: notify ? now : null,
    acceptedUserId: null,
    createdAt: now,
    updatedAt: now,
  };
}
