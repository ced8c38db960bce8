/**
 * Development-only sign-in (`ENVIRONMENT=development`; 404 elsewhere, like the dev mailbox), so
 * the console and the accept page can be tried without an identity provider:
 *
 * - `GET /dev/login[?redirect_url=/path]`: pick a demo account (`scripts/demo-seed.sql`) or type
 *   any user id / email (an invitee's, say).
 * - `POST /dev/login`: sets the `__session` cookie to an HS256 JWT signed with
 *   `SESSION_JWT_SECRET` (the same kind of token the service verifies for any session), then
 *   303 to `redirect_url` (a path on this site only) or the console.
 * - `POST /dev/logout`: clears the cookie.
 *
 * Point `SIGN_IN_URL` at `/dev/login` locally and the accept page's "Sign in" link comes here and
 * back. Forms carry the same two CSRF layers as every other page (origin check, signed token):
 * a cross-site page must not be able to sign a developer into another account either.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { html, raw } from "hono/html";
import { HTTPException } from "hono/http-exception";
import type { Child, FC } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { SignJWT } from "jose";
import { isDevelopment } from "../config";
import { createCsrfToken, verifyCsrfToken } from "../http/csrf";
import type { AppEnv } from "../http/types";
import { isValidEmail, normalizeEmail } from "../invitations/rules";
import { SESSION_COOKIE } from "../pages/accept";
import { ownOrigins, readSession } from "../pages/console/session";
import { CONSOLE_STYLE } from "../pages/console/style";

type PageContext = Context<AppEnv>;

/** The accounts of `scripts/demo-seed.sql`. */
export const DEMO_ACCOUNTS = [
  {
    label: "Demo admin",
    userId: "user_demo_admin",
    email: "admin@demo.test",
    organizationId: "org_demo",
    note: "admin of Demo Organization",
  },
  {
    label: "Demo member",
    userId: "user_demo_member",
    email: "member@demo.test",
    organizationId: "org_demo",
    note: "basic member of Demo Organization",
  },
] as const;

/** How long a dev session lasts: a working day. */
const SESSION_TTL_SECONDS = 12 * 60 * 60;
const FORM_MAX_BYTES = 8 * 1024;
const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const CSRF_BINDING = "dev-login";

export const devLoginRoutes = new Hono<AppEnv>();

devLoginRoutes.use("/dev/*", async (c, next) => {
  // Elsewhere these routes do not exist: the same 404 as any unknown path.
  if (!isDevelopment(c.get("config"))) return c.notFound();
  await next();
});

devLoginRoutes.onError((err, c) => {
  if (err instanceof HTTPException && (err.status === 403 || err.status === 413)) {
    return loginPage(c, 403, { error: "That request did not come from this page; try again." });
  }
  throw err;
});

const guardForm = [
  bodyLimit({ maxSize: FORM_MAX_BYTES }),
  csrf({ origin: (origin, c) => ownOrigins(c).includes(origin) }),
] as const;

devLoginRoutes.get("/dev/login", (c) =>
  loginPage(c, 200, { redirectUrl: c.req.query("redirect_url") ?? "" }),
);

devLoginRoutes.post("/dev/login", ...guardForm, async (c) => {
  const form = await c.req.parseBody();
  const field = (name: string) => (typeof form[name] === "string" ? form[name].trim() : "");
  const redirectUrl = field("redirect_url");
  const values = { userId: field("user_id"), email: field("email"), orgId: field("org_id") };
  if (!(await tokenIsValid(c, field("csrf_token")))) {
    return loginPage(c, 403, {
      redirectUrl,
      values,
      error: "The form expired or did not come from this page; try again.",
    });
  }
  const email = values.email ? normalizeEmail(values.email) : "";
  const userId = values.userId || (email ? userIdFor(email) : "");
  const problem = !userId
    ? "Enter a user id or an email."
    : !ID_PATTERN.test(userId)
      ? "A user id is 1–64 letters, digits, dots, dashes or underscores."
      : email && !isValidEmail(email)
        ? "That email address is not valid."
        : values.orgId && !ID_PATTERN.test(values.orgId)
          ? "An organization id is 1–64 letters, digits, dots, dashes or underscores."
          : null;
  if (problem) return loginPage(c, 422, { redirectUrl, values, error: problem });

  const config = c.get("config");
  if (!config.SESSION_JWT_SECRET) {
    return loginPage(c, 500, {
      redirectUrl,
      values,
      error: "SESSION_JWT_SECRET is not set (see .dev.vars.example): dev login signs with it.",
    });
  }
  const claims: Record<string, string> = {};
  if (email) claims.email = email;
  if (values.orgId) claims.org_id = values.orgId;
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_TTL_SECONDS}s`);
  // The verifier checks these when they are configured; the token must pass it like any other.
  if (config.SESSION_JWT_ISSUER) jwt = jwt.setIssuer(config.SESSION_JWT_ISSUER);
  if (config.SESSION_JWT_AUDIENCE) jwt = jwt.setAudience(config.SESSION_JWT_AUDIENCE);
  const token = await jwt.sign(new TextEncoder().encode(config.SESSION_JWT_SECRET));
  setCookie(c, SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: SESSION_TTL_SECONDS,
  });
  const fallback = values.orgId ? `/console/orgs/${encodeURIComponent(values.orgId)}` : "/console";
  return c.redirect(localPath(redirectUrl, c) ?? fallback, 303);
});

devLoginRoutes.post("/dev/logout", ...guardForm, async (c) => {
  const form = await c.req.parseBody();
  const token = typeof form.csrf_token === "string" ? form.csrf_token : "";
  if (!(await tokenIsValid(c, token))) {
    return loginPage(c, 403, { error: "That request did not come from this page; try again." });
  }
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.redirect("/dev/login", 303);
});

/** A stable id for an address, so signing in twice with one email is one user. */
export function userIdFor(email: string): string {
  const local = email.split("@")[0] ?? "";
  const slug = local.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  const domain = (email.split("@")[1] ?? "").replace(/[^a-z0-9]+/g, "_");
  return `user_${slug || "x"}_${domain}`.slice(0, 64);
}

/**
 * Where to go after signing in: only a path on this site (or a URL on our own origins, reduced to
 * its path), so the login cannot be used to bounce someone to another site.
 */
export function localPath(value: string, c: PageContext): string | null {
  if (!value) return null;
  if (value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\")) {
    return value;
  }
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  return ownOrigins(c).includes(url.origin) ? `${url.pathname}${url.search}` : null;
}

function tokenIsValid(c: PageContext, token: string): Promise<boolean> {
  const deps = c.get("deps");
  return verifyCsrfToken(deps.settings.ticketSecret, CSRF_BINDING, token, deps.now());
}

interface LoginState {
  redirectUrl?: string;
  values?: { userId: string; email: string; orgId: string };
  error?: string;
}

async function loginPage(c: PageContext, status: ContentfulStatusCode, state: LoginState) {
  const deps = c.get("deps");
  const [csrfToken, session] = await Promise.all([
    createCsrfToken(deps.settings.ticketSecret, CSRF_BINDING, deps.now()),
    readSession(c),
  ]);
  const nonce = crypto.randomUUID().replaceAll("-", "");
  c.header("Cache-Control", "no-store");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  );
  const hidden = (
    <>
      <input type="hidden" name="csrf_token" value={csrfToken} />
      <input type="hidden" name="redirect_url" value={state.redirectUrl ?? ""} />
    </>
  );
  return c.html(
    html`<!doctype html>${(
      <LoginLayout nonce={nonce}>
        <p class="crumbs">Development only · not available in production</p>
        <h1>Dev login</h1>
        {session ? (
          <div class="card">
            <p>
              Signed in as <strong>{session.email ?? session.userId}</strong> (
              <code>{session.userId}</code>).
            </p>
            <div class="row">
              <a class="button" href="/console">
                Open the console
              </a>
              <form method="post" action="/dev/logout">
                <input type="hidden" name="csrf_token" value={csrfToken} />
                <button type="submit">Sign out</button>
              </form>
            </div>
          </div>
        ) : (
          ""
        )}
        {state.error ? (
          <p class="flash error" role="alert">
            {state.error}
          </p>
        ) : (
          ""
        )}
        <section class="card" aria-labelledby="demo-heading">
          <h2 id="demo-heading">Demo accounts</h2>
          {DEMO_ACCOUNTS.map((a) => (
            <form method="post" action="/dev/login" class="row">
              {hidden}
              <input type="hidden" name="user_id" value={a.userId} />
              <input type="hidden" name="email" value={a.email} />
              <input type="hidden" name="org_id" value={a.organizationId} />
              <div>
                <button type="submit" class="primary">
                  Sign in as {a.email}
                </button>
              </div>
              <div>
                <span class="muted">
                  {a.label}: <code>{a.userId}</code>, {a.note}
                </span>
              </div>
            </form>
          ))}
        </section>
        <section class="card" aria-labelledby="any-heading">
          <h2 id="any-heading">Any user</h2>
          <p class="hint">
            For an invitee, the email is enough: the user id is derived from it when left empty.
          </p>
          <form method="post" action="/dev/login">
            {hidden}
            <label for="email">Email</label>
            <input
              type="email"
              id="email"
              name="email"
              value={state.values?.email ?? ""}
              autocomplete="off"
            />
            <label for="user_id">User id (optional)</label>
            <input
              type="text"
              id="user_id"
              name="user_id"
              value={state.values?.userId ?? ""}
              autocomplete="off"
            />
            <label for="org_id">Active organization id (optional)</label>
            <input type="text" id="org_id" name="org_id" value={state.values?.orgId ?? ""} />
            <p>
              <button type="submit" class="primary">
                Sign in
              </button>
            </p>
          </form>
        </section>
      </LoginLayout>
    )}`,
    status,
  );
}

const LoginLayout: FC<{ nonce: string; children?: Child }> = ({ nonce, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>Dev login · Invitations</title>
      <style nonce={nonce}>{raw(CONSOLE_STYLE)}</style>
    </head>
    <body>
      <header class="top">
        <a class="brand" href="/console">
          Invitations console
        </a>
        <span class="who">
          <a href="/dev/mailbox">Dev mailbox</a>
        </span>
      </header>
      <main>{children}</main>
    </body>
  </html>
);
