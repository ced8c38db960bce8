/**
 * `/v1/organizations/{organization_id}/invitations`: list, create (one or many), get, revoke.
 * Handlers stay thin: authorize, call the domain, present.
 */
import type { Context } from "hono";
import type { InvitationRow } from "../../db/schema";
import { audienceOf, requireOrganization } from "../../http/access";
import { unwrap } from "../../http/errors";
import { resolvePaging } from "../../http/paging";
import { enforceLimit } from "../../http/rate-limit";
import { recipientLimiter, unwrapLimited } from "../../http/recipient-limiter";
import { createRouter } from "../../http/router";
import type { AppEnv } from "../../http/types";
import { createInvitationsWithAccess, type NewInvitation } from "../../invitations/create";
import { listInvitationsWithAccess } from "../../invitations/list";
import { presentInvitation, presentInvitations } from "../../invitations/presenter";
import { resendInvitation } from "../../invitations/resend";
import { getInvitation, revokeInvitation } from "../../invitations/service";
import {
  bulkRoute,
  createRoute_,
  getRoute,
  listRoute,
  pendingRoute,
  resendRoute,
  revokeRoute,
} from "./routes";
import type { BulkInvitationBody, CreateInvitationBody } from "./schemas";

const MANAGE = "org:sys_invitations:manage" as const;

/**
 * `/pending` is deprecated since the API's first version (2026-11-26): RFC 9745's `Deprecation`
 * header carries that moment as a structured-field date, `@` and Unix seconds.
 */
const PENDING_DEPRECATED_AT = `@${Date.UTC(2026, 10, 26) / 1000}`;

function presentOptions(c: Context<AppEnv>) {
  const { settings, now } = c.get("deps");
  return {
    audience: audienceOf(c),
    now: now(),
    publicUrl: settings.publicUrl,
    ticketSecret: settings.ticketSecret,
  };
}

/** A page of rows as the list endpoints answer it: `{data, total_count}`. */
async function presentPage(
  c: Context<AppEnv>,
  page: { rows: InvitationRow[]; totalCount: number },
) {
  return {
    data: await presentInvitations(page.rows, presentOptions(c)),
    total_count: page.totalCount,
  };
}

/**
 * Creates through the one-batch path (access, taken addresses and quota read together). The
 * per-organization limit is spent only once access is granted, so no outsider can drain it.
 */
async function createInOrganization(
  c: Context<AppEnv>,
  organizationId: string,
  items: readonly NewInvitation[],
): Promise<InvitationRow[]> {
  const created = unwrap(
    await createInvitationsWithAccess(
      c.get("deps"),
      c.get("principal"),
      organizationId,
      MANAGE,
      items,
      (organization) =>
        enforceLimit(
          c,
          "INVITE_LIMITER",
          organization.id,
          "invitation requests for this organization",
        ),
    ),
  );
  c.set("webhookEndpointsExist", created.webhookEndpointsExist);
  return created.rows;
}

/** What a create body asks for; a session's privileged options are ignored, it is the inviter. */
function toNewInvitation(
  c: Context<AppEnv>,
  body: Omit<CreateInvitationBody, "email_address">,
  email: string,
): NewInvitation {
  const principal = c.get("principal");
  if (principal.kind === "session") {
    return { emailAddress: email, role: body.role, inviterUserId: principal.userId };
  }
  return {
    emailAddress: email,
    role: body.role,
    inviterUserId: body.inviter_user_id,
    publicMetadata: body.public_metadata,
    privateMetadata: body.private_metadata,
    redirectUrl: body.redirect_url,
    expiresInDays: body.expires_in_days,
    notify: body.notify,
  };
}

function bulkItems(c: Context<AppEnv>, body: BulkInvitationBody): NewInvitation[] {
  if (Array.isArray(body)) return body.map((item) => toNewInvitation(c, item, item.email_address));
  return body.email_address.map((email) => toNewInvitation(c, body, email));
}

export const invitationsRoutes = createRouter()
  // Registered before `/{invitation_id}` so "pending" is never read as an id.
  .openapi(pendingRoute, async (c) => {
    const { organization_id } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    const listed = unwrap(
      await listInvitationsWithAccess(c.get("deps"), c.get("principal"), organization_id, MANAGE, {
        statuses: ["pending"],
        orderBy: "-created_at",
        limit,
        offset,
      }),
    );
    c.header("Deprecation", PENDING_DEPRECATED_AT);
    c.header(
      "Link",
      `</v1/organizations/${listed.organization.id}/invitations?status=pending>; rel="successor-version"`,
    );
    return c.json(await presentPage(c, listed), 200);
  })
  .openapi(listRoute, async (c) => {
    const { organization_id } = c.req.valid("param");
    const query = c.req.valid("query");
    const { limit, offset } = resolvePaging(query);
    const listed = unwrap(
      await listInvitationsWithAccess(c.get("deps"), c.get("principal"), organization_id, MANAGE, {
        statuses: query.status,
        emailAddress: query.email_address,
        orderBy: query.order_by,
        limit,
        offset,
      }),
    );
    return c.json(await presentPage(c, listed), 200);
  })
  .openapi(createRoute_, async (c) => {
    const { organization_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const [row] = await createInOrganization(c, organization_id, [
      toNewInvitation(c, body, body.email_address),
    ]);
    return c.json(await presentInvitation(row as InvitationRow, presentOptions(c)), 200);
  })
  .openapi(bulkRoute, async (c) => {
    const { organization_id } = c.req.valid("param");
    const rows = await createInOrganization(c, organization_id, bulkItems(c, c.req.valid("json")));
    return c.json(
      { data: await presentInvitations(rows, presentOptions(c)), total_count: rows.length },
      200,
    );
  })
  .openapi(getRoute, async (c) => {
    const { organization_id, invitation_id } = c.req.valid("param");
    const { organization } = await requireOrganization(c, organization_id, MANAGE);
    const row = unwrap(await getInvitation(c.get("deps"), organization.id, invitation_id));
    return c.json(await presentInvitation(row, presentOptions(c)), 200);
  })
  .openapi(revokeRoute, async (c) => {
    const { organization_id, invitation_id } = c.req.valid("param");
    const { organization } = await requireOrganization(c, organization_id, MANAGE);
    const row = unwrap(await revokeInvitation(c.get("deps"), organization.id, invitation_id));
    return c.json(await presentInvitation(row, presentOptions(c)), 200);
  })
  .openapi(resendRoute, async (c) => {
    const { organization_id, invitation_id } = c.req.valid("param");
    const { organization } = await requireOrganization(c, organization_id, MANAGE);
    const row = unwrapLimited(
      await resendInvitation(
        c.get("deps"),
        organization.id,
        invitation_id,
        recipientLimiter(c.env.RESEND_LIMITER),
      ),
    );
    return c.json(await presentInvitation(row, presentOptions(c)), 200);
  });
