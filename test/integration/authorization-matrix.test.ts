/**
 * The authorization matrix: every route the app serves, read from its own route table
 * (`createApp().routes`), against every kind of caller, with the status each must get. The rule
 * table below is keyed by "METHOD path"; a route without a rule fails this file, so a new route
 * cannot ship without someone deciding who may call it.
 *
 * Credentials reach a route the way that route reads them: `Authorization: Bearer …` always, and
 * also as the `__session` cookie on the HTML pages (which read only the cookie).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { ErrorEnvelopeSchema } from "../../src/contract/objects";
import { SECRET_KEY, sessionToken } from "../support/api";
import { addMember, createOrganization, email, invite, unique } from "../support/fixtures";
import { invitationsPath } from "../support/invitations";
import { ticketOf } from "../support/invitee";

const ORIGIN = "https://invitations.test";

const CALLERS = [
  "no credentials",
  "wrong key",
  "expired JWT",
  "alg:none JWT",
  "other org's admin",
  "guest member",
  "basic member",
  "admin",
  "backend key",
] as const;
type Caller = (typeof CALLERS)[number];
type Expectation = Record<Caller, number>;

/** The people and organizations every rule's request is built against. */
interface World {
  orgId: string;
  otherOrgId: string;
  admin: { userId: string; email: string };
  tokens: Record<Caller, string | null>;
}

interface Req {
  path: string;
  body?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

interface Rule {
  /** What kind of route this is, in words: shows up in failure messages. */
  kind: string;
  /** A fresh request for this caller (state-changing routes get their own target each time). */
  request: (w: World, caller: Caller) => Promise<Req>;
  expect: Expectation;
  /** HTML pages read the session from the `__session` cookie. */
  cookieSession?: boolean;
  /** Development-only routes: what every caller gets with `ENVIRONMENT=development`. */
  inDevelopment?: number;
}

const all = (status: number): Expectation =>
  Object.fromEntries(CALLERS.map((c) => [c, status])) as Expectation;

const UNAUTHENTICATED = {
  "no credentials": 401,
  "wrong key": 401,
  "expired JWT": 401,
  "alg:none JWT": 401,
} as const;

/** An organization route: strangers see 404, members what their role allows, backend 200. */
const orgRoute = (roles: { guest: number; basic: number; admin: number }): Expectation => ({
  ...UNAUTHENTICATED,
  "other org's admin": 404,
  "guest member": roles.guest,
  "basic member": roles.basic,
  admin: roles.admin,
  "backend key": 200,
});
const MANAGE_INVITATIONS = orgRoute({ guest: 403, basic: 403, admin: 200 });

/** Any signed-in user acting for themselves; the backend has no "self" here. */
const sessionOnly = (own: number, others: number): Expectation => ({
  ...UNAUTHENTICATED,
  "other org's admin": others,
  "guest member": others,
  "basic member": others,
  admin: own,
  "backend key": 403,
});

const json = (path: string, body?: unknown): Req => ({ path, body });
const fresh = (w: World) => invite(w.orgId);
/** An invitation addressed to the admin, in an organization of its own (nobody is a member). */
const adminsInvitation = async (w: World) =>
  invite((await createOrganization()).id, { email_address: w.admin.email });

const acceptPage = (ticket: string) => `/accept?ticket=${encodeURIComponent(ticket)}`;

/** The console: like the API's invitation routes, but sessions only (the cookie is no key). */
const CONSOLE_MANAGE = (ok: number): Expectation => ({
  ...MANAGE_INVITATIONS,
  admin: ok,
  "backend key": 401,
});

/** A console form post carrying the token of the admin's own page; everyone else replays it. */
async function consoleForm(w: World, path: string, fields: Record<string, string>): Promise<Req> {
  const page = await send({ path: `/console/orgs/${w.orgId}` }, w.tokens.admin, true);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error("the admin's console page has no CSRF token");
  return { path, form: { ...fields, csrf_token: csrf }, headers: { origin: ORIGIN } };
}

/** Webhook endpoints: the backend key only; every session is refused. */
const BACKEND_ONLY = { ...all(403), ...UNAUTHENTICATED, "backend key": 200 };
const hookBody = {
  url: "https://hooks.example.test/matrix",
  events: ["organizationInvitation.created"],
};
const newEndpoint = async (): Promise<string> => {
  const res = await send(json("/v1/webhooks/endpoints", hookBody), SECRET_KEY, false, "POST");
  const created: unknown = await res.json();
  if (!created || typeof created !== "object" || !("id" in created)) {
    throw new Error(`could not create a webhook endpoint: ${JSON.stringify(created)}`);
  }
  return String(created.id);
};
/** One endpoint for the rules that do not consume it (endpoints are capped at 16). */
let sharedEndpoint: Promise<string> | undefined;
const anEndpoint = () => {
  sharedEndpoint ??= newEndpoint();
  return sharedEndpoint;
};

/**
 * The rule table. Keys are exactly `METHOD path` as Hono lists them (`:param`, not `{param}`).
 * Mutating routes get a fresh target per call, so one caller's success never changes another's.
 */
const RULES: Record<string, Rule> = {
  "GET /healthz": { kind: "public", request: async () => json("/healthz"), expect: all(200) },
  "GET /readyz": { kind: "public", request: async () => json("/readyz"), expect: all(200) },
  "GET /openapi.json": {
    kind: "public",
    request: async () => json("/openapi.json"),
    expect: all(200),
  },
  "GET /docs": { kind: "public", request: async () => json("/docs"), expect: all(200) },
  "GET /dev/mailbox": {
    kind: "dev-only: 404 outside development",
    request: async () => json("/dev/mailbox"),
    expect: all(404),
    inDevelopment: 200,
  },
  "GET /dev/mailbox.json": {
    kind: "dev-only: 404 outside development",
    request: async () => json("/dev/mailbox.json"),
    expect: all(404),
    inDevelopment: 200,
  },
  "GET /accept": {
    kind: "cookie session page: the invited account gets the form, others a wrong-account page",
    cookieSession: true,
    request: async (w) => json(acceptPage(ticketOf(await adminsInvitation(w)))),
    expect: {
      // No (valid) session: the sign-in page, never an error.
      "no credentials": 200,
      "wrong key": 200,
      "expired JWT": 200,
      "alg:none JWT": 200,
      "backend key": 200,
      "other org's admin": 403,
      "guest member": 403,
      "basic member": 403,
      admin: 200,
    },
  },
  "POST /accept": {
    kind: "cookie session form: only the account the CSRF token was rendered for",
    cookieSession: true,
    request: async (w) => {
      const ticket = ticketOf(await adminsInvitation(w));
      // The token comes from the admin's own page; everyone else replays it.
      const page = await send({ path: acceptPage(ticket) }, w.tokens.admin, true);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1];
      if (!csrf) throw new Error("the admin's accept page has no CSRF token");
      return {
        path: "/accept",
        form: { ticket, decision: "accept", csrf_token: csrf },
        headers: { origin: ORIGIN },
      };
    },
    expect: {
      "no credentials": 401,
      "wrong key": 401,
      "expired JWT": 401,
      "alg:none JWT": 401,
      "backend key": 401,
      "other org's admin": 403,
      "guest member": 403,
      "basic member": 403,
      admin: 200,
    },
  },
  "GET /console": {
    kind: "console (cookie session): any signed-in user sees their own organizations",
    cookieSession: true,
    request: async () => json("/console"),
    expect: { ...all(200), ...UNAUTHENTICATED, "backend key": 401 },
  },
  "GET /console/orgs/:organizationId": {
    kind: "console (cookie session): invitations manage, sessions only",
    cookieSession: true,
    request: async (w) => json(`/console/orgs/${w.orgId}`),
    expect: CONSOLE_MANAGE(200),
  },
  "POST /console/orgs/:organizationId/invitations": {
    kind: "console form: invitations manage, with the admin's CSRF token",
    cookieSession: true,
    request: async (w) =>
      consoleForm(w, `/console/orgs/${w.orgId}/invitations`, {
        email_addresses: email("matrix-console"),
        role: "basic_member",
      }),
    expect: CONSOLE_MANAGE(303),
  },
  "POST /console/orgs/:organizationId/invitations/:invitationId/revoke": {
    kind: "console form: invitations manage, with the admin's CSRF token",
    cookieSession: true,
    request: async (w) =>
      consoleForm(w, `/console/orgs/${w.orgId}/invitations/${(await fresh(w)).id}/revoke`, {}),
    expect: CONSOLE_MANAGE(303),
  },
  "POST /console/orgs/:organizationId/invitations/:invitationId/resend": {
    kind: "console form: invitations manage, with the admin's CSRF token",
    cookieSession: true,
    request: async (w) =>
      consoleForm(w, `/console/orgs/${w.orgId}/invitations/${(await fresh(w)).id}/resend`, {}),
    expect: CONSOLE_MANAGE(303),
  },
  "GET /dev/login": {
    kind: "dev-only: 404 outside development",
    request: async () => json("/dev/login"),
    expect: all(404),
    inDevelopment: 200,
  },
  // The development behaviour of the two forms is in dev-login.test.ts.
  "POST /dev/login": {
    kind: "dev-only: 404 outside development",
    request: async () => ({ path: "/dev/login", form: { user_id: "user_x" } }),
    expect: all(404),
  },
  "POST /dev/logout": {
    kind: "dev-only: 404 outside development",
    request: async () => ({ path: "/dev/logout", form: {} }),
    expect: all(404),
  },
  "POST /v1/organizations": {
    kind: "any authenticated caller (a session creates for itself)",
    request: async () => json("/v1/organizations", { name: unique("Matrix org") }),
    expect: { ...all(200), ...UNAUTHENTICATED },
  },
  "GET /v1/organizations/:organization_id": {
    kind: "org: profile read (every member)",
    request: async (w) => json(`/v1/organizations/${w.orgId}`),
    expect: orgRoute({ guest: 200, basic: 200, admin: 200 }),
  },
  "POST /v1/organizations/:organization_id/memberships": {
    kind: "org: backend only (members join through invitations)",
    request: async (w) =>
      json(`/v1/organizations/${w.orgId}/memberships`, {
        user_id: unique("user_added"),
        role: "basic_member",
      }),
    expect: orgRoute({ guest: 403, basic: 403, admin: 403 }),
  },
  "GET /v1/organizations/:organization_id/memberships": {
    kind: "org: memberships read",
    request: async (w) => json(`/v1/organizations/${w.orgId}/memberships`),
    expect: orgRoute({ guest: 403, basic: 200, admin: 200 }),
  },
  "DELETE /v1/organizations/:organization_id/memberships/:user_id": {
    kind: "org: memberships manage",
    request: async (w) => {
      const userId = unique("user_removable");
      await addMember(w.orgId, userId, "basic_member");
      return json(`/v1/organizations/${w.orgId}/memberships/${userId}`);
    },
    expect: orgRoute({ guest: 403, basic: 403, admin: 200 }),
  },
  "GET /v1/organizations/:organization_id/invitations": {
    kind: "org: invitations manage",
    request: async (w) => json(invitationsPath(w.orgId)),
    expect: MANAGE_INVITATIONS,
  },
  "GET /v1/organizations/:organization_id/invitations/pending": {
    kind: "org: invitations manage",
    request: async (w) => json(`${invitationsPath(w.orgId)}/pending`),
    expect: MANAGE_INVITATIONS,
  },
  "POST /v1/organizations/:organization_id/invitations": {
    kind: "org: invitations manage",
    request: async (w) =>
      json(invitationsPath(w.orgId), { email_address: email("matrix"), role: "basic_member" }),
    expect: MANAGE_INVITATIONS,
  },
  "POST /v1/organizations/:organization_id/invitations/bulk": {
    kind: "org: invitations manage",
    request: async (w) =>
      json(`${invitationsPath(w.orgId)}/bulk`, {
        email_address: [email("matrix-bulk"), email("matrix-bulk")],
        role: "guest_member",
      }),
    expect: MANAGE_INVITATIONS,
  },
  "GET /v1/organizations/:organization_id/invitations/:invitation_id": {
    kind: "org: invitations manage",
    request: async (w) => json(`${invitationsPath(w.orgId)}/${(await fresh(w)).id}`),
    expect: MANAGE_INVITATIONS,
  },
  "POST /v1/organizations/:organization_id/invitations/:invitation_id/revoke": {
    kind: "org: invitations manage",
    request: async (w) => json(`${invitationsPath(w.orgId)}/${(await fresh(w)).id}/revoke`, {}),
    expect: MANAGE_INVITATIONS,
  },
  "POST /v1/organizations/:organization_id/invitations/:invitation_id/resend": {
    kind: "org: invitations manage",
    request: async (w) => json(`${invitationsPath(w.orgId)}/${(await fresh(w)).id}/resend`),
    expect: MANAGE_INVITATIONS,
  },
  "GET /v1/me/organization_invitations": {
    kind: "session only: my own invitations",
    request: async () => json("/v1/me/organization_invitations"),
    expect: sessionOnly(200, 200),
  },
  "POST /v1/me/organization_invitations/:invitation_id/accept": {
    kind: "session only: the invited account; anyone else's invitation is not found",
    request: async (w) =>
      json(`/v1/me/organization_invitations/${(await adminsInvitation(w)).id}/accept`),
    expect: sessionOnly(200, 404),
  },
  "POST /v1/me/organization_invitations/:invitation_id/decline": {
    kind: "session only: the invited account; anyone else's invitation is not found",
    request: async (w) =>
      json(`/v1/me/organization_invitations/${(await adminsInvitation(w)).id}/decline`),
    expect: sessionOnly(200, 404),
  },
  "POST /v1/tickets/accept": {
    kind: "session only: the ticket's invited account; another account is refused",
    request: async (w) =>
      json("/v1/tickets/accept", { ticket: ticketOf(await adminsInvitation(w)) }),
    expect: sessionOnly(200, 403),
  },
  "POST /v1/webhooks/endpoints": {
    kind: "backend only: webhook endpoints",
    request: async () => json("/v1/webhooks/endpoints", hookBody),
    expect: BACKEND_ONLY,
  },
  "GET /v1/webhooks/endpoints": {
    kind: "backend only: webhook endpoints",
    request: async () => json("/v1/webhooks/endpoints"),
    expect: BACKEND_ONLY,
  },
  "DELETE /v1/webhooks/endpoints/:endpoint_id": {
    kind: "backend only: webhook endpoints (the backend deletes a fresh one)",
    request: async (_w, caller) =>
      json(
        `/v1/webhooks/endpoints/${caller === "backend key" ? await newEndpoint() : await anEndpoint()}`,
      ),
    expect: BACKEND_ONLY,
  },
  "POST /v1/webhooks/endpoints/:endpoint_id/rotate_secret": {
    kind: "backend only: webhook endpoints",
    request: async () => json(`/v1/webhooks/endpoints/${await anEndpoint()}/rotate_secret`),
    expect: BACKEND_ONLY,
  },
  "GET /v1/webhooks/endpoints/:endpoint_id/attempts": {
    kind: "backend only: webhook endpoints",
    request: async () => json(`/v1/webhooks/endpoints/${await anEndpoint()}/attempts`),
    expect: BACKEND_ONLY,
  },
};

/**
 * The routes the app serves: its route table without middleware. Hono lists `use()` as method
 * `ALL`; a middleware takes `(c, next)`, a handler `(c)`, so `app.all("/x", (c) => …)` still counts.
 */
function servedRoutes(): string[] {
  const isMiddleware = (r: { method: string; path: string; handler: { length: number } }) =>
    r.method === "ALL" && (r.path.endsWith("*") || r.handler.length >= 2);
  const keys = createApp()
    .routes.filter((r) => !isMiddleware(r))
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)];
}

let clientCounter = 0;

/**
 * Sends one request as one caller. Each request comes from its own client address, so per-address
 * limits (accept attempts) never turn a matrix answer into a 429.
 */
async function send(
  req: Req,
  token: string | null,
  cookieSession: boolean,
  method = "GET",
  environment?: Env,
): Promise<Response> {
  clientCounter++;
  const headers: Record<string, string> = {
    "cf-connecting-ip": `2001:db8::${clientCounter.toString(16)}`,
    ...(req.headers ?? {}),
  };
  if (token) headers.authorization = `Bearer ${token}`;
  if (token && cookieSession) headers.cookie = `__session=${token}`;
  let body: string | undefined;
  if (req.form) {
    body = new URLSearchParams(req.form).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  } else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers["content-type"] = "application/json";
  }
  const request = new Request(`${ORIGIN}${req.path}`, {
    method,
    headers,
    body,
    redirect: "manual",
  });
  if (!environment) return exports.default.fetch(request);
  const ctx = createExecutionContext();
  const res = await createApp().fetch(request, environment, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** The contract's error code for each refusal status on `/v1`. */
const CODE_BY_STATUS: Record<number, string> = {
  401: "authentication_invalid",
  403: "missing_organization_permission",
  404: "resource_not_found",
};

/** An `alg: none` token: well-formed and unsigned. */
function unsignedToken(userId: string): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: userId, iat: now, exp: now + 600 })}.`;
}

let world: World;

beforeAll(async () => {
  const admin = { userId: unique("user_matrix_admin"), email: email("matrix-admin") };
  const guest = { userId: unique("user_matrix_guest"), email: email("matrix-guest") };
  const basic = { userId: unique("user_matrix_basic"), email: email("matrix-basic") };
  const other = { userId: unique("user_matrix_other"), email: email("matrix-other") };
  const org = await createOrganization({ createdBy: admin.userId });
  const otherOrg = await createOrganization({ createdBy: other.userId });
  await addMember(org.id, guest.userId, "guest_member", guest.email);
  await addMember(org.id, basic.userId, "basic_member", basic.email);
  const sessionOf = (u: { userId: string; email: string }) =>
    sessionToken(u.userId, { email: u.email });
  world = {
    orgId: org.id,
    otherOrgId: otherOrg.id,
    admin,
    tokens: {
      "no credentials": null,
      "wrong key": `sk_test_${"f".repeat(32)}`,
      "expired JWT": await sessionToken(
        admin.userId,
        { email: admin.email },
        { expiresIn: Math.floor(Date.now() / 1000) - 120 },
      ),
      "alg:none JWT": unsignedToken(admin.userId),
      "other org's admin": await sessionOf(other),
      "guest member": await sessionOf(guest),
      "basic member": await sessionOf(basic),
      admin: await sessionOf(admin),
      "backend key": SECRET_KEY,
    },
  };
  if (world.tokens["wrong key"] === SECRET_KEY) throw new Error("the wrong key is the right one");
});

const ROUTES = servedRoutes();

describe("authorization matrix", () => {
  it("every route the app serves has a rule, and every rule a route", () => {
    expect(
      ROUTES.filter((r) => !(r in RULES)),
      "routes with no rule",
    ).toEqual([]);
    expect(
      Object.keys(RULES).filter((r) => !ROUTES.includes(r)),
      "rules for routes the app no longer serves",
    ).toEqual([]);
  });

  it.each(ROUTES)("%s: each caller gets the status its rule names", async (route) => {
    const rule = RULES[route];
    if (!rule) throw new Error(`no rule for ${route}: add one to RULES`);
    const method = route.slice(0, route.indexOf(" "));
    const actual = {} as Expectation;
    const wrongCodes: string[] = [];
    for (const caller of CALLERS) {
      const req = await rule.request(world, caller);
      const res = await send(req, world.tokens[caller], rule.cookieSession ?? false, method);
      actual[caller] = res.status;
      const text = await res.text();
      // On the API a refusal must also carry the contract's envelope and the matching code.
      const code = CODE_BY_STATUS[res.status];
      if (route.includes(" /v1/") && code) {
        const envelope = ErrorEnvelopeSchema.safeParse(JSON.parse(text));
        const got = envelope.success ? envelope.data.errors[0]?.code : `not an envelope: ${text}`;
        if (got !== code) wrongCodes.push(`${caller}: ${res.status} ${got}`);
      }
    }
    expect(actual, `${route} (${rule.kind})`).toEqual(rule.expect);
    expect(wrongCodes, `${route}: refusals with the wrong code`).toEqual([]);
  });

  it.each(ROUTES.filter((r) => RULES[r]?.inDevelopment !== undefined))(
    "%s answers every caller in development",
    async (route) => {
      const rule = RULES[route];
      if (!rule) throw new Error(`no rule for ${route}`);
      const development = Object.assign({}, env, { ENVIRONMENT: "development" });
      for (const caller of CALLERS) {
        const req = await rule.request(world, caller);
        const res = await send(req, world.tokens[caller], false, "GET", development);
        expect(res.status, `${route} as ${caller}`).toBe(rule.inDevelopment);
        await res.body?.cancel();
      }
    },
  );
});
