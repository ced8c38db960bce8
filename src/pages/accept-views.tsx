/**
 * The accept page's views, one per state a link can be in. Pure rendering: every value passes
 * through JSX, which escapes it (organization names and inviter ids come from other people).
 */
import { raw } from "hono/html";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Small on purpose: readable on a phone, no external stylesheet or font to fetch. */
const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}
dt{color:#5b6475}dd{margin:0;overflow-wrap:anywhere}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button,.button{font:inherit;padding:.55rem 1.1rem;border-radius:8px;border:1px solid #2f5bd3;cursor:pointer;text-decoration:none;display:inline-block}
.primary{background:#2f5bd3;color:#fff}.secondary{background:#fff;color:#2f5bd3}
button:focus-visible,.button:focus-visible{outline:3px solid #f2b705;outline-offset:2px}
.note{color:#5b6475}
`;

export const Layout: FC<PropsWithChildren<{ title: string; nonce: string }>> = (props) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{props.title}</title>
      <style nonce={props.nonce}>{raw(STYLE)}</style>
    </head>
    <body>
      <main>{props.children}</main>
    </body>
  </html>
);

/** What the page says about an invitation, already reduced to display values. */
export interface InvitationFacts {
  organizationName: string;
  roleName: string;
  inviter: string | null;
  expiresAt: number;
  /** The invited address with most of its local part hidden, for "wrong account" hints. */
  maskedEmail: string;
}

const DATE_FORMAT = new Intl.DateTimeFormat("en", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "UTC",
});

const When: FC<{ at: number }> = ({ at }) => (
  <time datetime={new Date(at).toISOString()}>{DATE_FORMAT.format(at)} UTC</time>
);

const Facts: FC<{ facts: InvitationFacts }> = ({ facts }) => (
  <dl>
    <dt>Organization</dt>
    <dd>{facts.organizationName}</dd>
    <dt>Role</dt>
    <dd>{facts.roleName}</dd>
    <dt>Invited by</dt>
    <dd>{facts.inviter ?? "an administrator of the organization"}</dd>
    <dt>Expires</dt>
    <dd>
      <When at={facts.expiresAt} />
    </dd>
  </dl>
);

export type ClosedStatus = "expired" | "revoked" | "declined" | "accepted";

/** Every state of the page; the route picks one and `renderView` turns it into HTML. */
export type View =
  | { kind: "missing-ticket" }
  | { kind: "invalid-ticket" }
  | { kind: "superseded"; facts: InvitationFacts }
  | { kind: "closed"; status: ClosedStatus; facts: InvitationFacts }
  | { kind: "sign-in"; facts: InvitationFacts; signInUrl: string | null }
  | {
      kind: "wrong-account";
      facts: InvitationFacts;
      signedInAs: string | null;
      signInUrl: string | null;
    }
  | { kind: "already-member"; facts: InvitationFacts }
  | { kind: "ready"; facts: InvitationFacts; ticket: string; csrfToken: string; email: string }
  | { kind: "joined"; facts: InvitationFacts }
  | { kind: "declined-now"; facts: InvitationFacts }
  | { kind: "refused-request" }
  | { kind: "rate-limited" }
  | { kind: "unexpected" };

export interface Rendered {
  status: ContentfulStatusCode;
  title: string;
  body: Child;
}

const SignInLink: FC<{ href: string | null; label: string }> = ({ href, label }) =>
  href ? (
    <>
      <p class="actions">
        <a class="button primary" href={href}>
          {label}
        </a>
      </p>
      <p class="note">After signing in you will come back to this page.</p>
    </>
  ) : (
    <p class="note">
      This service has no sign-in page configured (the operator has not set SIGN_IN_URL). Sign in to
      the app that invited you in this browser, then open this link again.
    </p>
  );

const DecisionForm: FC<{ decision: "accept" | "decline"; ticket: string; csrfToken: string }> = (
  props,
) => (
  <form method="post" action="/accept">
    <input type="hidden" name="ticket" value={props.ticket} />
    <input type="hidden" name="csrf_token" value={props.csrfToken} />
    <input type="hidden" name="decision" value={props.decision} />
    <button type="submit" class={props.decision === "accept" ? "primary" : "secondary"}>
      {props.decision === "accept" ? "Accept invitation" : "Decline"}
    </button>
  </form>
);

const CLOSED: Record<ClosedStatus, { title: string; next: (org: string) => string }> = {
  expired: {
    title: "This invitation has expired",
    next: (org) => `Ask an administrator of ${org} to send you a new invitation.`,
  },
  revoked: {
    title: "This invitation was withdrawn",
    next: (org) => `If you think this is a mistake, contact an administrator of ${org}.`,
  },
  declined: {
    title: "This invitation was declined",
    next: (org) =>
      `If you have changed your mind, ask an administrator of ${org} to invite you again.`,
  },
  accepted: {
    title: "This invitation has already been used",
    next: (org) =>
      `If you accepted it, you are already a member of ${org}: sign in to continue. Otherwise ask an administrator of ${org} for a new invitation.`,
  },
};

export const isClosedStatus = (status: unknown): status is ClosedStatus =>
  typeof status === "string" && Object.hasOwn(CLOSED, status);

export function renderView(view: View): Rendered {
  switch (view.kind) {
    case "missing-ticket":
      return {
        status: 400,
        title: "Invitation link incomplete",
        body: (
          <>
            <h1>This invitation link is incomplete</h1>
            <p>
              Open the link from your invitation email again, making sure the whole link is used.
            </p>
          </>
        ),
      };
    case "invalid-ticket":
      return {
        status: 404,
        title: "Invitation link not valid",
        body: (
          <>
            <h1>This invitation link is not valid</h1>
            <p>
              Check that you copied the whole link from the email, or ask the person who invited you
              to send the invitation again.
            </p>
          </>
        ),
      };
    case "superseded":
      return {
        status: 410,
        title: "Invitation link replaced",
        body: (
          <>
            <h1>This invitation link was replaced</h1>
            <p>
              A newer invitation to {view.facts.organizationName} was sent to you. Use the link in
              the most recent email.
            </p>
          </>
        ),
      };
    case "closed": {
      const text = CLOSED[view.status];
      return {
        status: 410,
        title: text.title,
        body: (
          <>
            <h1>{text.title}</h1>
            <Facts facts={view.facts} />
            <p>{text.next(view.facts.organizationName)}</p>
          </>
        ),
      };
    }
    case "sign-in":
      return {
        status: 200,
        title: `Join ${view.facts.organizationName}`,
        body: (
          <>
            <h1>You are invited to join {view.facts.organizationName}</h1>
            <Facts facts={view.facts} />
            <p>Sign in with the account for {view.facts.maskedEmail} to accept or decline.</p>
            <SignInLink href={view.signInUrl} label="Sign in to continue" />
          </>
        ),
      };
    case "wrong-account":
      return {
        status: 403,
        title: "Signed in with another account",
        body: (
          <>
            <h1>This invitation is for another account</h1>
            <Facts facts={view.facts} />
            <p>
              It was sent to {view.facts.maskedEmail}, but you are signed in
              {view.signedInAs
                ? ` as ${view.signedInAs}`
                : " with an account that has no email address"}
              . Sign out, then sign in with the invited address and open this link again.
            </p>
            <SignInLink href={view.signInUrl} label="Sign in with another account" />
          </>
        ),
      };
    case "already-member":
      return {
        status: 409,
        title: "Already a member",
        body: (
          <>
            <h1>You are already a member of {view.facts.organizationName}</h1>
            <p>There is nothing to accept: your account already belongs to this organization.</p>
          </>
        ),
      };
    case "ready":
      return {
        status: 200,
        title: `Join ${view.facts.organizationName}`,
        body: (
          <>
            <h1>You are invited to join {view.facts.organizationName}</h1>
            <Facts facts={view.facts} />
            <p class="note">Signed in as {view.email}.</p>
            <div class="actions">
              <DecisionForm decision="accept" ticket={view.ticket} csrfToken={view.csrfToken} />
              <DecisionForm decision="decline" ticket={view.ticket} csrfToken={view.csrfToken} />
            </div>
          </>
        ),
      };
    case "joined":
      return {
        status: 200,
        title: `Welcome to ${view.facts.organizationName}`,
        body: (
          <>
            <h1>You joined {view.facts.organizationName}</h1>
            <p>
              You are now a member with the role {view.facts.roleName}. You can close this page and
              return to the app.
            </p>
          </>
        ),
      };
    case "declined-now":
      return {
        status: 200,
        title: "Invitation declined",
        body: (
          <>
            <h1>You declined the invitation to {view.facts.organizationName}</h1>
            <p>Nothing was changed on your account. You can close this page.</p>
          </>
        ),
      };
    case "rate-limited":
      return {
        status: 429,
        title: "Too many attempts",
        body: (
          <>
            <h1>Too many attempts from your network</h1>
            <p>Wait a minute, then open the link from your invitation email again.</p>
          </>
        ),
      };
    case "refused-request":
      return {
        status: 403,
        title: "Request refused",
        body: (
          <>
            <h1>We could not confirm that request came from this page</h1>
            <p>
              The form may have expired. Go back, reload the invitation page and try again. If it
              keeps happening, open the link from your invitation email in a new tab.
            </p>
          </>
        ),
      };
    case "unexpected":
      return {
        status: 500,
        title: "Something went wrong",
        body: (
          <>
            <h1>Something went wrong on our side</h1>
            <p>It was logged. Try again in a minute by opening the link from your email again.</p>
          </>
        ),
      };
  }
}
