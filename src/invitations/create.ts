/**
 * Creating invitations, one or many: the same rules, all or nothing. Every check runs before
 * anything is written; the write is one D1 batch (one transaction); emails are queued after it
 * commits. Against concurrent requests the database has the last word: the unique pending index
 * on duplicates, the quota trigger (migration 0006) on the membership quota.
 */
import type { Principal } from "../auth/principal";
import type { Role } from "../contract/roles";
import { runBatch } from "../db/batch";
import { ReadBatch } from "../db/prepared";
import type { InvitationRow, OrganizationRow } from "../db/schema";
import type { Deps } from "../deps";
import { accessReads, decideAccess } from "../organizations/access";
import type { Permission } from "../organizations/permissions";
import { readSeats } from "../organizations/seats";
import { paramError } from "../shared/errors";
import { newId } from "../shared/ids";
import { fail, ok, type Result } from "../shared/result";
import { anyEndpointRead } from "../webhooks/repository";
import { addRefusalReads, duplicateRecord, QUOTA_TRIGGER_MESSAGE, quotaError } from "./refusals";
import { expireLapsedForAddresses, findPendingAddresses, insertInvitations } from "./repository";
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

/** A request that passed every check made without reading the database. */
interface Checked {
  items: readonly NewInvitation[];
  emails: string[];
  now: number;
}

function checkRequest(deps: Deps, items: readonly NewInvitation[]): Result<Checked> {
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
  return ok({ items, emails: checked.value, now: deps.now() });
}

/** Creates invitations in an organization the caller already has access to. */
export async function createInvitations(
  deps: Deps,
  organization: OrganizationRow,
  items: readonly NewInvitation[],
): Promise<Result<Rows>> {
  const checked = checkRequest(deps, items);
  if (!checked.ok) return checked;
  const batch = new ReadBatch();
  const refusal = addRefusalReads(
    batch,
    deps.db,
    organization.id,
    checked.value.emails,
    checked.value.now,
  );
  await batch.run(deps.db);
  const refused = refusal(organization);
  if (refused) return fail(refused);
  return write(deps, organization, checked.value);
}

export interface CreateWithAccess {
  organization: OrganizationRow;
  rows: Rows;
  /** Whether any webhook endpoint existed when access was read (none: no event recorded). */
  webhookEndpointsExist: boolean;
}

/**
 * The API's create: the caller's access, the taken addresses and the quota's counts are read in
 * one D1 batch, then `beforeWrite` runs (the per-organization rate limit, spent only by callers
 * with access), then the insert batch: two round trips for one invitation or a thousand.
 */
export async function createInvitationsWithAccess(
  deps: Deps,
  principal: Principal,
  organizationId: string,
  permission: Permission,
  items: readonly NewInvitation[],
  beforeWrite: (organization: OrganizationRow) => Promise<void>,
): Promise<Result<CreateWithAccess>> {
  const checked = checkRequest(deps, items);
  if (!checked.ok) return checked;
  const { db } = deps;
  const batch = new ReadBatch();
  const [organizationRead, membershipRead] = accessReads(db, principal, organizationId);
  const organizationRows = batch.add(organizationRead);
  const membershipRows = batch.add(membershipRead);
  const endpoints = batch.add(anyEndpointRead(db));
  const refusal = addRefusalReads(
    batch,
    db,
    organizationId,
    checked.value.emails,
    checked.value.now,
  );
  await batch.run(db);

  const access = decideAccess(principal, permission, organizationRows()[0], membershipRows()[0]);
  if (!access.ok) return access;
  const { organization } = access.value;
  await beforeWrite(organization);
  const refused = refusal(organization);
  if (refused) return fail(refused);
  const written = await write(deps, organization, checked.value);
  if (!written.ok) return written;
  return ok({ organization, rows: written.value, webhookEndpointsExist: endpoints().length > 0 });
}

/** One batch (one transaction), then the emails: queued only after the write commits. */
async function write(
  deps: Deps,
  organization: OrganizationRow,
  { items, emails, now }: Checked,
): Promise<Result<Rows>> {
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
    // Concurrent requests passed the checks together and the database decided against this
    // one: an address was taken (the unique pending index), or the quota filled (migration
    // 0006). Either is reported as the refusal it is.
    if (raisedBy(err, QUOTA_TRIGGER_MESSAGE)) {
      return fail(
        quotaError(organization, items.length, await readSeats(deps.db, organization.id, now)),
      );
    }
    if (!raisedBy(err, "UNIQUE constraint failed")) throw err;
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

/** Whether a D1 error carries SQLite's message `text` (a constraint, or a trigger's RAISE). */
function raisedBy(err: unknown, text: string): boolean {
  const full = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return full.includes(text);
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
