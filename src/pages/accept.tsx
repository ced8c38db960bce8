/**
 * `GET /accept?ticket=…`: the page an invitation email links to, and `POST /accept`, where its
 * Accept and Decline forms go. Not under `/v1`: the session comes from the `__session` cookie, and
 * every outcome, expected or not, is an HTML page with a status that fits (never a JSON error).
 *
 * CSRF: two layers on the POST. Hono's `csrf()` refuses form posts whose `Origin` /
 * `Sec-Fetch-Site` say they came from another site; a signed token in the form, bound to the
 * session's user and the invitation's current link, refuses anything our page did not render for
 * this user (see `src/http/csrf.ts` and `docs/accepting.md`).
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import { sessionFromToken } from "../auth/authenticate";
import type { SessionPrincipal } from "../auth/principal";
import type { Config } from "../config";
import { ROLE_NAMES, type Role } from "../contract/roles";
import { createCsrfToken, verifyCsrfToken } from "../http/csrf";
import { ApiError } from "../http/errors";
import { log } from "../http/log";
import { clientAddress, enforceLimit } from "../http/rate-limit";
import type { AppEnv } from "../http/types";
import {
  acceptInvitationByTicket,
  checkTicketAcceptance,
  declineInvitationByTicket,
  refusalReason,
  refuseClosedTicket,
  resolveTicket,
  type TicketTarget,
} from "../invitations/accept";
import type { InvitationWithOrganization } from "../invitations/acceptance-repository";
import { acceptUrl } from "../invitations/tickets";
import type { DomainError } from "../shared/errors";
import {
  type InvitationFacts,
  isClosedStatus,
  Layout,
  renderView,
  type View,
} from "./accept-views";

/** The cookie Clerk's frontend sets; the contract names it for HTML pages. */
export const SESSION_COOKIE = "__session";
/** A form post is three short fields; anything bigger is not ours. */
const FORM_MAX_BYTES = 8 * 1024;
const TICKET_MAX_LENGTH = 512;

type PageContext = Context<AppEnv>;

export const acceptPages = new Hono<AppEnv>();

acceptPages.onError((err, c) => {
  if (err instanceof ApiError && err.error.code === "rate_limit_exceeded") {
    c.header("Retry-After", err.headers["Retry-After"] ?? "60");
    return respond(c, { kind: "rate-limited" });
  }
  // Hono's csrf() and bodyLimit() refuse by throwing; show them as the page they stand for.
  if (err instanceof HTTPException && (err.status === 403 || err.status === 413)) {
    return respond(c, { kind: "refused-request" });
  }
  log.error("accept page failed", {
    requestId: c.get("requestId"),
    method: c.req.method,
    error: err.name,
    message: err.message,
    stack: err.stack,
  });
  return respond(c, { kind: "unexpected" });
});

/** Ticket guesses and accept attempts are limited per client address. */
const limitAttempts = async (c: PageContext, next: () => Promise<void>) => {
  await enforceLimit(c, "ACCEPT_LIMITER", clientAddress(c), "accept attempts");
  await next();
};

acceptPages.get("/accept", limitAttempts, async (c) => {
  const ticket = c.req.query("ticket");
  if (!ticket || ticket.length > TICKET_MAX_LENGTH) return respond(c, { kind: "missing-ticket" });
  const deps = c.get("deps");
  const target = await resolveTicket(deps, ticket);
  if (!target.ok) return respond(c, { kind: "invalid-ticket" });

  const closed = refuseClosedTicket(target.value, deps.now());
  if (closed) return respond(c, viewForRefusal(c, ticket, target.value, closed, null));
  const session = await readSession(c);
  if (!session) {
    return respond(c, {
      kind: "sign-in",
      facts: factsOf(target.value),
      signInUrl: signInUrl(c.get("config"), acceptUrl(deps.settings.publicUrl, ticket)),
    });
  }
  const allowed = await checkTicketAcceptance(deps, session, target.value);
  if (!allowed.ok)
    return respond(c, viewForRefusal(c, ticket, target.value, allowed.error, session));
  return respond(c, {
    kind: "ready",
    facts: factsOf(target.value),
    ticket,
    email: session.email ?? "",
    csrfToken: await createCsrfToken(
      deps.settings.ticketSecret,
      csrfBinding(session, target.value),
      deps.now(),
    ),
  });
});

acceptPages.post(
  "/accept",
  limitAttempts,
  bodyLimit({ maxSize: FORM_MAX_BYTES }),
  csrf({ origin: (origin, c) => ownOrigins(c).includes(origin) }),
  async (c) => {
    const form = await c.req.parseBody();
    const ticket = typeof form.ticket === "string" ? form.ticket : "";
    const csrfToken = typeof form.csrf_token === "string" ? form.csrf_token : undefined;
    const decision = form.decision;
    if (!ticket || ticket.length > TICKET_MAX_LENGTH) {
      return respond(c, { kind: "missing-ticket" });
    }
    if (decision !== "accept" && decision !== "decline") {
      return respond(c, { kind: "refused-request" });
    }
    const deps = c.get("deps");
    const target = await resolveTicket(deps, ticket);
    if (!target.ok) return respond(c, { kind: "invalid-ticket" });
    const session = await readSession(c);
    if (!session) {
      return respond(
        c,
        {
          kind: "sign-in",
          facts: factsOf(target.value),
          signInUrl: signInUrl(c.get("config"), acceptUrl(deps.settings.publicUrl, ticket)),
        },
        401,
      );
    }
    const tokenOk = await verifyCsrfToken(
      deps.settings.ticketSecret,
      csrfBinding(session, target.value),
      csrfToken,
      deps.now(),
    );
    if (!tokenOk) return respond(c, { kind: "refused-request" });

    if (decision === "decline") {
      const declined = await declineInvitationByTicket(deps, session, ticket);
      if (!declined.ok)
        return respond(c, viewForRefusal(c, ticket, target.value, declined.error, session));
      return respond(c, { kind: "declined-now", facts: factsOf(declined.value) });
    }
    const accepted = await acceptInvitationByTicket(deps, session, ticket);
    if (!accepted.ok)
      return respond(c, viewForRefusal(c, ticket, target.value, accepted.error, session));
    const next = safeRedirect(accepted.value.invitation.redirectUrl, c.get("config"));
    if (next) return c.redirect(next, 303);
    return respond(c, { kind: "joined", facts: factsOf(accepted.value) });
  },
);

/** The form token is good for one user, one invitation, one link version. */
const csrfBinding = (session: SessionPrincipal, target: TicketTarget) =>
  `accept:${session.userId}:${target.invitation.id}:${target.linkVersion}`;

/** Origins a legitimate form post comes from: the one serving the page, and `PUBLIC_URL`'s. */
function ownOrigins(c: PageContext): string[] {
  return [new URL(c.req.url).origin, new URL(c.get("config").PUBLIC_URL).origin];
}

/** A bad, expired or foreign cookie is simply "not signed in". */
async function readSession(c: PageContext): Promise<SessionPrincipal | null> {
  const token = getCookie(c, SESSION_COOKIE);
  return token ? sessionFromToken(token, c.get("config")) : null;
}

/** `SIGN_IN_URL` with `redirect_url` set to come back here; null when unset or not http(s). */
export function signInUrl(config: Config, returnTo: string): string | null {
  const url = httpUrl(config.SIGN_IN_URL);
  if (!url) return null;
  url.searchParams.set("redirect_url", returnTo);
  return url.toString();
}

/**
 * Where to send the new member: the invitation's `redirect_url` when it is http(s) (never
 * `javascript:` or `data:`) and, if `ALLOWED_REDIRECT_ORIGINS` is set, on one of those origins.
 */
export function safeRedirect(redirectUrl: string | null, config: Config): string | null {
  const url = httpUrl(redirectUrl ?? undefined);
  if (!url) return null;
  const allowed = config.ALLOWED_REDIRECT_ORIGINS?.split(",").map((o) => o.trim());
  if (allowed && !allowed.includes(url.origin)) return null;
  return url.toString();
}

function httpUrl(value: string | undefined): URL | null {
  if (!value || !URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === "https:" || url.protocol === "http:" ? url : null;
}

function factsOf({ invitation, organization }: InvitationWithOrganization): InvitationFacts {
  return {
    organizationName: organization.name,
    roleName: ROLE_NAMES[invitation.role as Role] ?? invitation.role,
    inviter: invitation.inviterId,
    expiresAt: invitation.expiresAt,
    maskedEmail: maskEmail(invitation.emailAddress),
  };
}

/** `ada@example.com` → `a•••@example.com`: enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "•••";
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/** The page for a domain refusal: each code (and `meta.reason`) has its own state. */
function viewForRefusal(
  c: PageContext,
  ticket: string,
  target: TicketTarget,
  error: DomainError,
  session: SessionPrincipal | null,
): View {
  const facts = factsOf(target);
  switch (error.code) {
    case "organization_invitation_not_pending": {
      const status = error.meta?.status;
      // Only a write that lost a race with something odd lands here with another status.
      return isClosedStatus(status) ? { kind: "closed", status, facts } : { kind: "unexpected" };
    }
    case "already_a_member_in_organization":
      return { kind: "already-member", facts };
    case "missing_organization_permission":
      return {
        kind: "wrong-account",
        facts,
        signedInAs: session?.email ?? null,
        signInUrl: signInUrl(c.get("config"), acceptUrl(c.get("deps").settings.publicUrl, ticket)),
      };
    case "resource_not_found":
      return refusalReason(error) === "superseded_ticket"
        ? { kind: "superseded", facts }
        : { kind: "invalid-ticket" };
    default:
      log.warn("accept page: unmapped refusal", { code: error.code });
      return { kind: "unexpected" };
  }
}

function respond(c: PageContext, view: View, status?: 401) {
  const rendered = renderView(view);
  const nonce = crypto.randomUUID().replaceAll("-", "");
  // The page holds a form token and personal details: never cached, never framed (clickjacking
  // an Accept button), no scripts at all, and only our own inline stylesheet.
  c.header("Cache-Control", "no-store");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`,
  );
  return c.html(
    html`<!doctype html>${(
      <Layout title={rendered.title} nonce={nonce}>
        {rendered.body}
      </Layout>
    )}`,
    status ?? rendered.status,
  );
}
