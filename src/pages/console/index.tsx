/**
 * `/console`: the organization admin's web console, server-rendered. The session is the
 * `__session` cookie; what a user may do is decided by `authorizeOrganization` exactly as for the
 * API (a non-member gets 404, a member without `org:sys_invitations:manage` 403). Handlers call
 * the domain directly, never the HTTP API.
 *
 * - `GET /console`: the signed-in user's organizations.
 * - `GET /console/orgs/:id`: invite form, invitations (status tab, email search and paging in the
 *   URL: `status`, `email_address`, `initialPage`, `pageSize`), pending count, members.
 * - `POST /console/orgs/:id/invitations`: invite one or many addresses.
 * - `POST /console/orgs/:id/invitations/:invitation/revoke` and `…/resend`.
 *
 * Forms: POST-redirect-GET (303 back to the same view, a one-shot notice in a cookie), except an
 * invite with refused addresses, which answers 422 with the form re-rendered: the refused input
 * comes back beside its reasons, to be corrected. CSRF has two layers, as on the accept page:
 * Hono's `csrf()` origin / `Sec-Fetch-Site` check, and a signed token (`src/http/csrf.ts`) bound
 * to the user and the organization.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SessionPrincipal } from "../../auth/principal";
import { isDevelopment } from "../../config";
import { ROLE_NAMES, ROLES, type Role } from "../../contract/roles";
import type { InvitationRow, MembershipRow, OrganizationRow } from "../../db/schema";
import { createCsrfToken, verifyCsrfToken } from "../../http/csrf";
import { log } from "../../http/log";
import { recipientLimiter } from "../../http/recipient-limiter";
import type { AppEnv } from "../../http/types";
import { resendInvitation } from "../../invitations/resend";
import { effectiveStatus } from "../../invitations/rules";
import { listInvitations, revokeInvitation } from "../../invitations/service";
import { authorizeOrganization } from "../../organizations/access";
import { roleAllows } from "../../organizations/permissions";
import { listMembershipsPage, listOrganizationsOfUser } from "../../organizations/repository";
import { organizationCounts } from "../../organizations/service";
import type { DomainError } from "../../shared/errors";
import { signInUrl } from "../accept";
import { inviteFromForm } from "./invite";
import {
  DEFAULT_LIST_QUERY,
  type ListQuery,
  listHref,
  MEMBERS_PAGE_SIZE,
  parseListQuery,
} from "./list-query";
import { ownOrigins, readSession, setFlash, takeFlash } from "./session";
import {
  ConsoleLayout,
  EMPTY_INVITE_FORM,
  type InvitationLine,
  type InviteFormState,
  type MemberLine,
  MessagePage,
  OrganizationListPage,
  OrganizationPage,
  type Viewer,
} from "./views";

type PageContext = Context<AppEnv>;

const MANAGE = "org:sys_invitations:manage" as const;
/** A paste of a thousand addresses is about 30 KB; the other forms are a few short fields. */
const FORM_MAX_BYTES = 128 * 1024;
/** More organizations than anyone administers by hand. */
const ORGANIZATIONS_LISTED = 100;

export const consolePages = new Hono<AppEnv>();

consolePages.onError((err, c) => {
  // Hono's csrf() and bodyLimit() refuse by throwing; show them as the page they stand for.
  if (err instanceof HTTPException && (err.status === 403 || err.status === 413)) {
    return refusedRequest(c, null);
  }
  log.error("console page failed", {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    error: err.name,
    message: err.message,
    stack: err.stack,
  });
  return message(c, null, 500, {
    heading: "Something went wrong on our side",
    text: "It was logged. Reload the page in a minute.",
    link: { href: "/console", label: "Back to the console" },
  });
});

const guardForm = [
  bodyLimit({ maxSize: FORM_MAX_BYTES }),
  csrf({ origin: (origin, c) => ownOrigins(c).includes(origin) }),
] as const;

consolePages.get("/console", async (c) => {
  const session = await readSession(c);
  if (!session) return signInRequired(c);
  const memberships = await listOrganizationsOfUser(
    c.get("deps").db,
    session.userId,
    ORGANIZATIONS_LISTED,
  );
  const organizations = memberships.map(({ organization, role }) => ({
    id: organization.id,
    name: organization.name,
    roleName: isRole(role) ? ROLE_NAMES[role] : role,
    canManage: isRole(role) && roleAllows(role, MANAGE),
  }));
  return respond(
    c,
    viewerOf(session),
    200,
    "Organizations",
    <OrganizationListPage organizations={organizations} />,
  );
});

consolePages.get("/console/orgs/:organizationId", async (c) => {
  const gate = await admit(c);
  if (gate instanceof Response) return gate;
  const query = parseListQuery(c.req.query());
  if (!query) {
    return message(c, gate.session, 400, {
      heading: "This link asks for a page that cannot exist",
      text: "A status, search or page number in the address is not valid.",
      link: { href: listHref(gate.organization.id, DEFAULT_LIST_QUERY), label: "Show the list" },
    });
  }
  return organizationPage(c, gate, query, EMPTY_INVITE_FORM, takeFlash(c), 200);
});

consolePages.post("/console/orgs/:organizationId/invitations", ...guardForm, async (c) => {
  const gate = await admitForm(c);
  if (gate instanceof Response) return gate;
  const query = parseListQuery(c.req.query()) ?? DEFAULT_LIST_QUERY;
  const form = await c.req.parseBody();
  const text = typeof form.email_addresses === "string" ? form.email_addresses : "";
  const role = typeof form.role === "string" && isRole(form.role) ? form.role : null;
  if (!role) {
    return organizationPage(
      c,
      gate,
      query,
      { ...EMPTY_INVITE_FORM, text, formError: "Choose one of the roles offered." },
      null,
      422,
    );
  }
  const outcome = await inviteFromForm(
    c.get("deps"),
    gate.organization,
    gate.session.userId,
    role,
    text,
  );
  const created = outcome.created.map((r) => r.emailAddress);
  if (outcome.problems.length === 0 && outcome.formError === null) {
    setFlash(c, { kind: "ok", message: invitedMessage(created) });
    return c.redirect(listHref(gate.organization.id, query), 303);
  }
  const state: InviteFormState = {
    // What still needs attention comes back in the box; what was created is said above it.
    text: outcome.formError ? text : outcome.problems.map((p) => p.input).join("\n"),
    role,
    problems: outcome.problems,
    formError: outcome.formError,
    created,
  };
  return organizationPage(c, gate, query, state, null, 422);
});

for (const action of ["revoke", "resend"] as const) {
  consolePages.post(
    `/console/orgs/:organizationId/invitations/:invitationId/${action}`,
    ...guardForm,
    async (c) => {
      const gate = await admitForm(c);
      if (gate instanceof Response) return gate;
      const query = parseListQuery(c.req.query()) ?? DEFAULT_LIST_QUERY;
      const invitationId = c.req.param("invitationId") ?? "";
      const deps = c.get("deps");
      const result =
        action === "revoke"
          ? await revokeInvitation(deps, gate.organization.id, invitationId)
          : await resendInvitation(
              deps,
              gate.organization.id,
              invitationId,
              recipientLimiter(c.env.RESEND_LIMITER),
            );
      if (result.ok) {
        const to = result.value.emailAddress;
        setFlash(c, {
          kind: "ok",
          message:
            action === "revoke"
              ? `Revoked the invitation to ${to}.`
              : `Sent the invitation to ${to} again; the link in the earlier email no longer works.`,
        });
      } else {
        setFlash(c, { kind: "error", message: refusalMessage(result.error) });
      }
      return c.redirect(listHref(gate.organization.id, query), 303);
    },
  );
}

interface Admitted {
  session: SessionPrincipal;
  organization: OrganizationRow;
}

/** The signed-in admin of the organization in the path, or the page that says why not. */
async function admit(c: PageContext): Promise<Admitted | Response> {
  const session = await readSession(c);
  if (!session) return signInRequired(c);
  const access = await authorizeOrganization(
    c.get("deps").db,
    session,
    c.req.param("organizationId") ?? "",
    MANAGE,
  );
  if (access.ok) return { session, organization: access.value.organization };
  if (access.error.code === "missing_organization_permission") {
    return message(c, session, 403, {
      heading: "Only admins can manage invitations",
      text: "Your role in this organization does not allow inviting or managing members. Ask one of its admins.",
      link: { href: "/console", label: "Your organizations" },
    });
  }
  // Not a member, or no such organization: the same answer, as in the API (no existence leak).
  return message(c, session, 404, {
    heading: "Organization not found",
    text: "There is no organization at this address that you can see.",
    link: { href: "/console", label: "Your organizations" },
  });
}

/** `admit`, plus the form's token: it must have been rendered for this user and organization. */
async function admitForm(c: PageContext): Promise<Admitted | Response> {
  const gate = await admit(c);
  if (gate instanceof Response) return gate;
  const form = await c.req.parseBody();
  const token = typeof form.csrf_token === "string" ? form.csrf_token : undefined;
  const deps = c.get("deps");
  const valid = await verifyCsrfToken(
    deps.settings.ticketSecret,
    csrfBinding(gate.session, gate.organization.id),
    token,
    deps.now(),
  );
  return valid ? gate : refusedRequest(c, gate.session, gate.organization.id);
}

/** One token serves every form of one organization's page, for one user. */
const csrfBinding = (session: SessionPrincipal, organizationId: string) =>
  `console:${session.userId}:${organizationId}`;

async function organizationPage(
  c: PageContext,
  { session, organization }: Admitted,
  query: ListQuery,
  invite: InviteFormState,
  flash: ReturnType<typeof takeFlash>,
  status: ContentfulStatusCode,
) {
  const deps = c.get("deps");
  const now = deps.now();
  const [counts, invitations, members, csrfToken] = await Promise.all([
    organizationCounts(deps, organization.id),
    listInvitations(deps, organization.id, {
      statuses: query.status ? [query.status] : [],
      emailAddress: query.email,
      orderBy: "-created_at",
      limit: query.pageSize,
      offset: (query.initialPage - 1) * query.pageSize,
    }),
    listMembershipsPage(
      deps.db,
      organization.id,
      MEMBERS_PAGE_SIZE,
      (query.membersPage - 1) * MEMBERS_PAGE_SIZE,
    ),
    createCsrfToken(deps.settings.ticketSecret, csrfBinding(session, organization.id), now),
  ]);
  return respond(
    c,
    viewerOf(session),
    status,
    organization.name,
    <OrganizationPage
      organization={{ id: organization.id, name: organization.name }}
      counts={counts}
      csrfToken={csrfToken}
      flash={flash}
      invite={invite}
      query={query}
      invitations={{
        rows: invitations.rows.map((r) => invitationLine(r, now)),
        totalCount: invitations.totalCount,
      }}
      members={{ rows: members.rows.map(memberLine), totalCount: members.totalCount }}
    />,
  );
}

function invitationLine(row: InvitationRow, now: number): InvitationLine {
  return {
    id: row.id,
    emailAddress: row.emailAddress,
    roleName: isRole(row.role) ? ROLE_NAMES[row.role] : row.role,
    status: effectiveStatus(row, now),
    delivery: {
      status: row.deliveryStatus,
      attempts: row.deliveryAttempts,
      lastError: row.deliveryLastError,
      sentAt: row.deliverySentAt,
    },
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

const memberLine = (m: MembershipRow): MemberLine => ({
  userId: m.userId,
  emailAddress: m.emailAddress,
  roleName: isRole(m.role) ? ROLE_NAMES[m.role] : m.role,
  joinedAt: m.createdAt,
});

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

function invitedMessage(created: string[]): string {
  if (created.length <= 3) return `Invited ${created.join(", ")}.`;
  return `Invited ${created.length} addresses.`;
}

function refusalMessage(error: DomainError): string {
  switch (error.code) {
    case "organization_invitation_not_pending":
      return `That invitation is ${String(error.meta?.status ?? "no longer pending")}: only pending invitations can be revoked or resent.`;
    case "resource_not_found":
      return "That invitation does not exist (any more).";
    case "rate_limit_exceeded":
      return `Too many emails went to that address recently; try again in ${String(error.meta?.retry_after_seconds ?? 60)} seconds.`;
    default:
      return error.longMessage ?? error.message;
  }
}

const viewerOf = (session: SessionPrincipal): Viewer => ({
  userId: session.userId,
  email: session.email,
});

function signInRequired(c: PageContext) {
  const config = c.get("config");
  const here = new URL(c.req.url);
  const returnTo = `${here.pathname}${here.search}`;
  const href = isDevelopment(config)
    ? `/dev/login?redirect_url=${encodeURIComponent(returnTo)}`
    : signInUrl(config, `${config.PUBLIC_URL}${returnTo}`);
  return message(c, null, 401, {
    heading: "Sign in to use the console",
    text: href
      ? "The console is for organization admins. Sign in, and you will come back here."
      : "The console is for organization admins. Sign in to the app that uses this service in this browser, then reload this page.",
    link: href ? { href, label: "Sign in" } : null,
  });
}

function refusedRequest(c: PageContext, session: SessionPrincipal | null, organizationId?: string) {
  return message(c, session, 403, {
    heading: "We could not confirm that request came from the console",
    text: "The page may have been open too long. Go back, reload it and try again.",
    link: {
      href: organizationId ? listHref(organizationId, DEFAULT_LIST_QUERY) : "/console",
      label: "Reload the console",
    },
  });
}

function message(
  c: PageContext,
  session: SessionPrincipal | null,
  status: ContentfulStatusCode,
  content: { heading: string; text: string; link: { href: string; label: string } | null },
) {
  return respond(
    c,
    session ? viewerOf(session) : null,
    status,
    content.heading,
    <MessagePage heading={content.heading} text={content.text} link={content.link} />,
  );
}

function respond(
  c: PageContext,
  viewer: Viewer | null,
  status: ContentfulStatusCode,
  title: string,
  body: Child,
) {
  const nonce = crypto.randomUUID().replaceAll("-", "");
  // Pages hold form tokens and member addresses: never cached, never framed (a framed Revoke
  // button is a clickjacking target), no scripts at all, only our own inline stylesheet.
  c.header("Cache-Control", "no-store");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  );
  const shell = {
    title,
    nonce,
    viewer,
    devLoginHref: isDevelopment(c.get("config")) ? "/dev/login" : null,
  };
  return c.html(
    html`<!doctype html>${<ConsoleLayout shell={shell}>{body}</ConsoleLayout>}`,
    status,
  );
}
