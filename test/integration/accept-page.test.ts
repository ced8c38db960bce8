/**
 * `GET /accept?ticket=…` and its forms (`POST /accept`): every state a link can be in renders a
 * page with the right words and status, hostile values are escaped, and the forms refuse
 * cross-site and token-less posts.
 */
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../../src/config";
import { maskEmail, safeRedirect, signInUrl } from "../../src/pages/accept";
import { renderView } from "../../src/pages/accept-views";
import { backend, call, json, sessionToken } from "../support/api";
import { addMember, createOrganization, email, invite, unique } from "../support/fixtures";
import { backendInvitation, membershipsOf, ticketOf } from "../support/invitee";
import { TEST_VARS } from "../support/vars";

const ORIGIN = "https://invitations.test";

afterEach(() => {
  vi.useRealTimers();
});

interface PageOptions {
  session?: string;
  form?: Record<string, string>;
  origin?: string | null;
  headers?: Record<string, string>;
}

async function page(method: "GET" | "POST", path: string, options: PageOptions = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.session) headers.cookie = `theme=dark; __session=${options.session}`;
  let body: string | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
    // A browser posting our own form sends our origin; tests of the refusal override it.
    if (options.origin !== null) headers.origin = options.origin ?? ORIGIN;
  }
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }),
  );
  return { res, status: res.status, html: await res.text() };
}

const acceptPage = (ticket: string, options: PageOptions = {}) =>
  page("GET", `/accept?ticket=${encodeURIComponent(ticket)}`, options);

const csrfTokenIn = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? "";

async function world(body: Record<string, unknown> = {}, orgName?: string) {
  const org = await createOrganization({ createdBy: unique("user_admin"), name: orgName });
  const address = email("invitee");
  const invitation = await invite(org.id, {
    email_address: address,
    inviter_user_id: "user_inviter_42",
    ...body,
  });
  const userId = unique("user_invitee");
  return {
    org,
    address,
    invitation,
    userId,
    ticket: ticketOf(invitation),
    cookie: await sessionToken(userId, { email: address }),
  };
}

describe("GET /accept", () => {
  it("with a matching session: shows organization, role, inviter, expiry and both forms", async () => {
    const { org, ticket, cookie, address } = await world({ role: "guest_member" });

    const { res, status, html } = await acceptPage(ticket, { session: cookie });

    expect(status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`You are invited to join ${org.name}`);
    expect(html).toContain("Guest");
    expect(html).toContain("user_inviter_42");
    expect(html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT/);
    expect(html).toContain(`Signed in as ${address}`);
    expect(html).toContain("Accept invitation");
    expect(html).toContain("Decline");
    expect(csrfTokenIn(html)).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("without a session: says signing in is needed, and that no sign-in page is configured", async () => {
    const { org, ticket } = await world();

    const { status, html } = await acceptPage(ticket);

    expect(status).toBe(200);
    expect(html).toContain(`You are invited to join ${org.name}`);
    expect(html).toContain("Sign in with the account for i•••@example.com");
    expect(html).toContain("has not set SIGN_IN_URL");
    expect(html).not.toContain("csrf_token");
  });

  it("treats an invalid or expired session cookie as no session", async () => {
    const { ticket, userId, address } = await world();
    const expired = await sessionToken(userId, { email: address }, { expiresIn: -60 });
    for (const cookie of ["garbage", expired]) {
      const { status, html } = await acceptPage(ticket, { session: cookie });
      expect(status).toBe(200);
      expect(html).toContain("Sign in with the account for");
    }
  });

  it("signed in as another account: 403, says which address was invited (masked)", async () => {
    const { ticket } = await world();
    const other = await sessionToken("user_other", { email: "mallory@example.org" });

    const { status, html } = await acceptPage(ticket, { session: other });

    expect(status).toBe(403);
    expect(html).toContain("This invitation is for another account");
    expect(html).toContain("It was sent to i•••@example.com");
    expect(html).toContain("signed in as mallory@example.org");
    expect(html).not.toContain("csrf_token");
  });

  it("signed in without an email claim: 403 with what to do", async () => {
    const { ticket } = await world();
    const { status, html } = await acceptPage(ticket, {
      session: await sessionToken("user_noemail"),
    });
    expect(status).toBe(403);
    expect(html).toContain("an account that has no email address");
  });

  it("expired: 410 and who to ask", async () => {
    const { org, ticket, cookie, invitation } = await world({ expires_in_days: 1 });
    vi.setSystemTime(invitation.expires_at + 1_000);
    const { status, html } = await acceptPage(ticket, { session: cookie });
    expect(status).toBe(410);
    expect(html).toContain("This invitation has expired");
    expect(html).toContain(`Ask an administrator of ${org.name} to send you a new invitation`);
  });

  it("revoked: 410, even without a session", async () => {
    const { org, ticket, invitation } = await world();
    await json(
      await call("POST", `/v1/organizations/${org.id}/invitations/${invitation.id}/revoke`, {
        as: backend,
      }),
    );
    const { status, html } = await acceptPage(ticket);
    expect(status).toBe(410);
    expect(html).toContain("This invitation was withdrawn");
  });

  it("accepted (used): 410", async () => {
    const { ticket, cookie, address } = await world();
    const invitee = await sessionToken(unique("user_first"), { email: address });
    await json(
      await call("POST", "/v1/tickets/accept", { as: { token: invitee }, body: { ticket } }),
    );
    const { status, html } = await acceptPage(ticket, { session: cookie });
    expect(status).toBe(410);
    expect(html).toContain("This invitation has already been used");
  });

  it("declined: 410", async () => {
    const { ticket, cookie, invitation, address, userId } = await world();
    await json(
      await call("POST", `/v1/me/organization_invitations/${invitation.id}/decline`, {
        as: { token: await sessionToken(userId, { email: address }) },
      }),
    );
    const { status, html } = await acceptPage(ticket, { session: cookie });
    expect(status).toBe(410);
    expect(html).toContain("This invitation was declined");
  });

  it("replaced by a newer link: 410 and use the latest email", async () => {
    const { ticket, cookie, invitation } = await world();
    await env.DB.prepare("UPDATE invitations SET link_version = link_version + 1 WHERE id = ?")
      .bind(invitation.id)
      .run();
    const { status, html } = await acceptPage(ticket, { session: cookie });
    expect(status).toBe(410);
    expect(html).toContain("Use the link in the most recent email");
  });

  it("unknown or tampered tickets: 404; no ticket at all: 400; never a 500", async () => {
    const { ticket, cookie } = await world();
    const tampered = `${ticket.slice(0, -3)}xyz`;
    for (const bad of [tampered, "orginv_unknown.1.AAAA", "%%%", "a.b.c.d", "x".repeat(600)]) {
      const { status, html } = await acceptPage(bad, { session: cookie });
      expect([404, 400], bad).toContain(status);
      expect(html).toMatch(/This invitation link is (not valid|incomplete)/);
    }
    const missing = await page("GET", "/accept");
    expect(missing.status).toBe(400);
    expect(missing.html).toContain("This invitation link is incomplete");
  });

  it("already a member: 409", async () => {
    const { org, ticket, cookie, userId, address } = await world();
    await addMember(org.id, userId, "basic_member", address);
    const { status, html } = await acceptPage(ticket, { session: cookie });
    expect(status).toBe(409);
    expect(html).toContain(`You are already a member of ${org.name}`);
  });

  it("escapes hostile organization names and inviter ids", async () => {
    const hostile = `<script>alert("org")</script><img src=x onerror=alert(1)>&amp;"'`;
    const { ticket, cookie } = await world(
      { inviter_user_id: `<b onmouseover="alert(2)">inviter</b>` },
      hostile,
    );

    for (const options of [{ session: cookie }, {}]) {
      const { html } = await acceptPage(ticket, options);
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain("<b onmouseover");
      expect(html).toContain("&lt;script&gt;alert(&quot;org&quot;)&lt;/script&gt;");
      expect(html).toContain("&amp;amp;");
      expect(html).toContain("&lt;b onmouseover=&quot;alert(2)&quot;&gt;inviter&lt;/b&gt;");
    }
  });
});

describe("POST /accept", () => {
  async function readyForm(w: Awaited<ReturnType<typeof world>>) {
    const { html } = await acceptPage(w.ticket, { session: w.cookie });
    return { ticket: w.ticket, csrf_token: csrfTokenIn(html) };
  }

  it("accepts: membership with the invitation's role and metadata, then a success page", async () => {
    const w = await world({ role: "admin", public_metadata: { source: "page" } });
    const form = { ...(await readyForm(w)), decision: "accept" };

    const { status, html } = await page("POST", "/accept", { session: w.cookie, form });

    expect(status).toBe(200);
    expect(html).toContain(`You joined ${w.org.name}`);
    const member = (await membershipsOf(w.org.id)).find(
      (m) => m.public_user_data.user_id === w.userId,
    );
    expect(member).toMatchObject({ role: "admin", public_metadata: { source: "page" } });
    expect((await backendInvitation(w.org.id, w.invitation.id)).status).toBe("accepted");
    const replay = await page("POST", "/accept", { session: w.cookie, form });
    expect(replay.status, "the used link answers as used").toBe(410);
  });

  it("redirects to the invitation's http(s) redirect_url after accepting", async () => {
    const w = await world({ redirect_url: "https://app.example.com/welcome?from=invite" });
    const form = { ...(await readyForm(w)), decision: "accept" };

    const { res, status } = await page("POST", "/accept", { session: w.cookie, form });

    expect(status).toBe(303);
    expect(res.headers.get("location")).toBe("https://app.example.com/welcome?from=invite");
  });

  it("declines: the invitation is declined and nothing is created", async () => {
    const w = await world();
    const form = { ...(await readyForm(w)), decision: "decline" };

    const { status, html } = await page("POST", "/accept", { session: w.cookie, form });

    expect(status).toBe(200);
    expect(html).toContain(`You declined the invitation to ${w.org.name}`);
    expect((await backendInvitation(w.org.id, w.invitation.id)).status).toBe("declined");
    expect(await membershipsOf(w.org.id)).toHaveLength(1);
  });

  it("CSRF: refuses a post without the token, with a foreign origin, or with another user's token", async () => {
    const w = await world();
    const good = { ...(await readyForm(w)), decision: "accept" };
    const { csrf_token: _dropped, ...withoutToken } = good;
    const twin = await sessionToken(unique("user_twin"), { email: w.address });

    const attempts = [
      await page("POST", "/accept", { session: w.cookie, form: withoutToken }),
      await page("POST", "/accept", { session: w.cookie, form: { ...good, csrf_token: "1.abc" } }),
      await page("POST", "/accept", {
        session: w.cookie,
        form: good,
        origin: "https://evil.example",
      }),
      await page("POST", "/accept", {
        session: w.cookie,
        form: good,
        origin: null,
        headers: { "sec-fetch-site": "cross-site" },
      }),
      await page("POST", "/accept", { session: twin, form: good }),
    ];

    for (const [i, attempt] of attempts.entries()) {
      expect(attempt.status, `attempt ${i}`).toBe(403);
      expect(attempt.html, `attempt ${i}`).toContain("We could not confirm that request");
    }
    expect((await backendInvitation(w.org.id, w.invitation.id)).status).toBe("pending");
    expect(await membershipsOf(w.org.id)).toHaveLength(1);
  });

  it("accepts a same-origin post identified by Sec-Fetch-Site alone", async () => {
    const w = await world();
    const form = { ...(await readyForm(w)), decision: "decline" };
    const { status } = await page("POST", "/accept", {
      session: w.cookie,
      form,
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(status).toBe(200);
  });

  it("without a session: 401 and the sign-in page, nothing written", async () => {
    const w = await world();
    const form = { ...(await readyForm(w)), decision: "accept" };
    const { status, html } = await page("POST", "/accept", { form });
    expect(status).toBe(401);
    expect(html).toContain("Sign in with the account for");
    expect((await backendInvitation(w.org.id, w.invitation.id)).status).toBe("pending");
  });

  it("with the wrong account: 403 page, nothing written", async () => {
    const w = await world();
    const other = await sessionToken("user_other", { email: "other@example.org" });
    // The attacker renders nothing for this account, but even a well-formed post is refused.
    const { status } = await page("POST", "/accept", {
      session: other,
      form: { ticket: w.ticket, decision: "accept", csrf_token: "0.x" },
    });
    expect(status).toBe(403);
    expect((await backendInvitation(w.org.id, w.invitation.id)).status).toBe("pending");
  });
});

describe("links out of the page", () => {
  const config = (extra: Record<string, string>) => readConfig({ ...TEST_VARS, ...extra });

  it("signs in through SIGN_IN_URL with redirect_url set to the accept page", () => {
    const returnTo = "https://invitations.test/accept?ticket=orginv_a.1.b";
    const url = signInUrl(
      config({ SIGN_IN_URL: "https://auth.example.com/sign-in?x=1" }),
      returnTo,
    );
    expect(url).not.toBeNull();
    const parsed = new URL(url ?? "");
    expect(parsed.origin + parsed.pathname).toBe("https://auth.example.com/sign-in");
    expect(parsed.searchParams.get("x")).toBe("1");
    expect(parsed.searchParams.get("redirect_url")).toBe(returnTo);
    expect(signInUrl(config({}), returnTo)).toBeNull();
    expect(signInUrl(config({ SIGN_IN_URL: "javascript:alert(1)" }), returnTo)).toBeNull();
  });

  it("renders the sign-in link escaped when SIGN_IN_URL is set", async () => {
    const view = renderView({
      kind: "sign-in",
      signInUrl: "https://auth.example.com/sign-in?a=1&redirect_url=x",
      facts: {
        organizationName: "Acme",
        roleName: "Member",
        inviter: null,
        expiresAt: Date.now(),
        maskedEmail: maskEmail("ada@example.com"),
      },
    });
    const html = String(await view.body);
    expect(html).toContain('href="https://auth.example.com/sign-in?a=1&amp;redirect_url=x"');
    expect(html).toContain("a•••@example.com");
    expect(html).toContain("After signing in you will come back to this page");
    expect(html).not.toContain("SIGN_IN_URL");
  });

  it("redirects only to http(s) URLs, and only to ALLOWED_REDIRECT_ORIGINS when set", () => {
    const open = config({});
    expect(safeRedirect("https://app.example.com/x", open)).toBe("https://app.example.com/x");
    expect(safeRedirect("http://localhost:3000/", open)).toBe("http://localhost:3000/");
    expect(safeRedirect("javascript:alert(1)", open)).toBeNull();
    expect(safeRedirect("data:text/html,hi", open)).toBeNull();
    expect(safeRedirect(null, open)).toBeNull();
    const strict = config({ ALLOWED_REDIRECT_ORIGINS: "https://app.example.com" });
    expect(safeRedirect("https://app.example.com/x", strict)).toBe("https://app.example.com/x");
    expect(safeRedirect("https://evil.example/x", strict)).toBeNull();
  });
});
