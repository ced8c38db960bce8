/**
 * `/console`: every page and form of the admin console, through the worker's own `fetch` with the
 * `__session` cookie. Status codes, POST-redirect-GET, CSRF refusals, escaping of hostile values,
 * and the same authorization as the API (non-member 404, member without the permission 403).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { backend, call, json, sessionToken } from "../support/api";
import { addMember, createOrganization, email, invite, unique } from "../support/fixtures";
import { invitationsPath, listInvitations } from "../support/invitations";
import { backendInvitation, membershipsOf } from "../support/invitee";

const ORIGIN = "https://invitations.test";

interface PageOptions {
  session?: string;
  form?: Record<string, string>;
  /** Sent as `Origin` with a form; null sends none. Defaults to our own origin, as a browser does. */
  origin?: string | null;
  cookies?: string[];
}

interface Page {
  res: Response;
  status: number;
  html: string;
  location: string | null;
}

async function page(path: string, options: PageOptions = {}): Promise<Page> {
  const headers: Record<string, string> = {};
  const cookies = [...(options.cookies ?? [])];
  if (options.session) cookies.push(`__session=${options.session}`);
  if (cookies.length > 0) headers.cookie = cookies.join("; ");
  let body: string | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
    if (options.origin !== null) headers.origin = options.origin ?? ORIGIN;
  }
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: options.form ? "POST" : "GET",
      headers,
      body,
      redirect: "manual",
    }),
  );
  return { res, status: res.status, html: await res.text(), location: res.headers.get("location") };
}

const csrfTokenIn = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** The cookies a response sets, as `name=value` pairs to send back. */
const cookiesSetBy = (res: Response) =>
  res.headers.getSetCookie().map((c) => c.split(";")[0] ?? "");

/** An organization with its own admin, signed in; and the admin's console page. */
async function adminWorld(name?: string) {
  const adminId = unique("user_admin");
  const org = await createOrganization({ createdBy: adminId, name });
  const session = await sessionToken(adminId, { email: `${adminId}@example.com` });
  const orgPath = `/console/orgs/${org.id}`;
  const home = await page(orgPath, { session });
  return { adminId, org, session, orgPath, token: csrfTokenIn(home.html) };
}

async function pendingEmails(orgId: string): Promise<string[]> {
  const list = await listInvitations(orgId, "status=pending&limit=500");
  return list.data.map((i) => i.email_address).sort();
}

describe("GET /console", () => {
  it("without a session: 401 asking to sign in, no organization data", async () => {
    const { status, html, res } = await page("/console");

    expect(status).toBe(401);
    expect(html).toContain("Sign in to use the console");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("lists the user's organizations, linking only those the user administers", async () => {
    const userId = unique("user_multi");
    const administered = await createOrganization({ createdBy: userId, name: unique("Admin Org") });
    const joined = await createOrganization({ name: unique("Member Org") });
    await addMember(joined.id, userId, "basic_member");

    const { status, html } = await page("/console", { session: await sessionToken(userId) });

    expect(status).toBe(200);
    expect(html).toContain(`href="/console/orgs/${administered.id}"`);
    expect(html).toContain(joined.name);
    expect(html).not.toContain(`href="/console/orgs/${joined.id}"`);
    expect(html).toContain("only admins can manage invitations");
  });
});

describe("GET /console/orgs/:id", () => {
  it("shows the admin the invite form, the invitations with tabs, the pending count and members", async () => {
    const { org, session, orgPath, adminId } = await adminWorld();
    const invited = await invite(org.id, { email_address: email("listed") });

    const { status, html, res } = await page(orgPath, { session });

    expect(status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<h1>${org.name}</h1>`);
    // Labelled inputs: every field has a <label for> naming its id.
    expect(html).toContain('<label for="email_addresses">');
    expect(html).toContain('id="email_addresses"');
    expect(html).toContain('<label for="role">');
    expect(html).toContain('<label for="email_address">');
    expect(csrfTokenIn(html)).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(html).toContain('data-testid="pending-count">1</strong>');
    expect(html).toContain("Pending (1)");
    expect(html).toContain(`data-invitation-id="${invited.id}"`);
    expect(html).toContain(invited.email_address);
    expect(html).toContain("Queued");
    expect(html).toContain(`Revoke<span class="vh"> invitation to ${invited.email_address}`);
    expect(html).toContain(`data-user-id="${adminId}"`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src");
    // Optional attributes (aria-current, title) are left out, never written as "undefined".
    expect(html).not.toContain("undefined");
  });

  it("holds the status tab, the email search and the paging in the URL", async () => {
    const { org, session, orgPath } = await adminWorld();
    const label = unique("paged");
    const [a, b, c] = [
      `${label}-a@example.com`,
      `${label}-b@example.com`,
      `${label}-c@example.com`,
    ];
    await invite(org.id, { email_address: a });
    await invite(org.id, { email_address: b });
    const revoked = await invite(org.id, { email_address: c });
    await call("POST", `${invitationsPath(org.id)}/${revoked.id}/revoke`, { as: backend });

    const second = await page(`${orgPath}?status=pending&initialPage=2&pageSize=1`, { session });
    expect(second.status).toBe(200);
    // Newest first: page 2 of the pending ones holds the older, a.
    expect(second.html).toContain(a);
    expect(second.html).not.toContain(b);
    expect(second.html).not.toContain(c);
    expect(second.html).toContain("Page 2 of 2");
    expect(second.html).toContain(
      `href="${orgPath}?status=pending&amp;initialPage=1&amp;pageSize=1" rel="prev"`,
    );
    expect(second.html).toMatch(/href="[^"]*status=pending[^"]*" aria-current="page"/);

    const revokedTab = await page(`${orgPath}?status=revoked`, { session });
    expect(revokedTab.html).toContain(c);
    expect(revokedTab.html).not.toContain(a);
    expect(revokedTab.html).not.toContain(`Revoke<span class="vh"> invitation to ${c}`);

    const search = await page(`${orgPath}?email_address=${encodeURIComponent(`${label}-b`)}`, {
      session,
    });
    expect(search.html).toContain(b);
    expect(search.html).not.toContain(a);
    expect(search.html).toContain(`value="${label}-b"`);
  });

  it.each([["initialPage=0"], ["pageSize=501"], ["pageSize=ten"], ["status=bogus"]])(
    "answers 400 for a malformed view (%s)",
    async (query) => {
      const { session, orgPath } = await adminWorld();

      const { status, html } = await page(`${orgPath}?${query}`, { session });

      expect(status).toBe(400);
      expect(html).toContain("This link asks for a page that cannot exist");
    },
  );

  it("refuses like the API: no session 401, non-member 404, unknown 404, member without permission 403", async () => {
    const { org, orgPath } = await adminWorld();
    const memberId = unique("user_member");
    await addMember(org.id, memberId, "basic_member");
    const outsider = await sessionToken(unique("user_outsider"));

    expect((await page(orgPath)).status).toBe(401);
    const notMember = await page(orgPath, { session: outsider });
    expect(notMember.status).toBe(404);
    expect(notMember.html).not.toContain(org.name);
    const unknown = await page("/console/orgs/org_doesnotexist", { session: outsider });
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain("Organization not found");
    expect(notMember.html).toContain("Organization not found");
    const member = await page(orgPath, { session: await sessionToken(memberId) });
    expect(member.status).toBe(403);
    expect(member.html).toContain("Only admins can manage invitations");
    expect(member.html).not.toContain("csrf_token");
  });

  it("escapes a hostile organization name", async () => {
    const { session, orgPath } = await adminWorld('<script>alert("org")</script>');

    const { status, html } = await page(orgPath, { session });

    expect(status).toBe(200);
    expect(html).toContain("&lt;script&gt;alert(&quot;org&quot;)&lt;/script&gt;");
    expect(html).not.toContain("<script");
  });
});

describe("POST /console/orgs/:id/invitations", () => {
  it("invites the addresses, then redirects (303) to the list, which says so once", async () => {
    const { org, session, orgPath, token, adminId } = await adminWorld();
    const [a, b] = [email("ada"), email("grace")];

    const posted = await page(`${orgPath}/invitations?status=pending&initialPage=1&pageSize=25`, {
      session,
      form: {
        csrf_token: token,
        email_addresses: `${a}, ${b.toUpperCase()}\n`,
        role: "guest_member",
      },
    });

    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`${orgPath}?status=pending&initialPage=1&pageSize=25`);
    expect(await pendingEmails(org.id)).toEqual([a, b].sort());
    const created = await listInvitations(org.id, "status=pending");
    expect(created.data.every((i) => i.role === "guest_member" && i.inviter_id === adminId)).toBe(
      true,
    );

    const flash = cookiesSetBy(posted.res);
    const after = await page(posted.location ?? "", { session, cookies: flash });
    expect(after.status).toBe(200);
    expect(after.html).toContain(`Invited ${a}, ${b}.`);
    expect(after.res.headers.getSetCookie().join()).toMatch(/console_flash=;/);
    const again = await page(posted.location ?? "", { session });
    expect(again.html).not.toContain("Invited ");
  });

  it("creates the valid addresses and shows each invalid one with its error (422)", async () => {
    const { org, session, orgPath, token } = await adminWorld();
    const [a, b] = [email("valid1"), email("valid2")];

    const { status, html } = await page(`${orgPath}/invitations`, {
      session,
      form: {
        csrf_token: token,
        email_addresses: `${a}\nnot-an-email\n${b}`,
        role: "basic_member",
      },
    });

    expect(status).toBe(422);
    expect(html).toContain("<code>not-an-email</code> is not a valid email address");
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/<textarea[^>]*>not-an-email<\/textarea>/);
    expect(html).toContain(`Invited ${a}, ${b}.`);
    expect(await pendingEmails(org.id)).toEqual([a, b].sort());
  });

  it("names addresses already pending or belonging to a member, and invites the rest", async () => {
    const { org, session, orgPath, token } = await adminWorld();
    const pending = (await invite(org.id, { email_address: email("pending") })).email_address;
    const memberAddress = email("member");
    await addMember(org.id, unique("user_m"), "basic_member", memberAddress);
    const fresh = email("fresh");

    const { status, html } = await page(`${orgPath}/invitations`, {
      session,
      form: {
        csrf_token: token,
        email_addresses: `${pending} ${memberAddress} ${fresh}`,
        role: "basic_member",
      },
    });

    expect(status).toBe(422);
    expect(html).toContain(`<code>${pending}</code> already has a pending invitation`);
    expect(html).toContain(`<code>${memberAddress}</code> already belongs to a member`);
    expect(await pendingEmails(org.id)).toEqual([pending, fresh].sort());
  });

  it("with nothing to invite, or an unknown role: 422 and nothing written", async () => {
    const { org, session, orgPath, token } = await adminWorld();

    const empty = await page(`${orgPath}/invitations`, {
      session,
      form: { csrf_token: token, email_addresses: "  \n ", role: "basic_member" },
    });
    const badRole = await page(`${orgPath}/invitations`, {
      session,
      form: { csrf_token: token, email_addresses: email(), role: "owner" },
    });

    expect(empty.status).toBe(422);
    expect(empty.html).toContain("Enter at least one email address.");
    expect(badRole.status).toBe(422);
    expect(badRole.html).toContain("Choose one of the roles offered.");
    expect(await pendingEmails(org.id)).toEqual([]);
  });

  it("escapes hostile input shown back in the errors", async () => {
    const { session, orgPath, token } = await adminWorld();

    const { status, html } = await page(`${orgPath}/invitations`, {
      session,
      form: {
        csrf_token: token,
        email_addresses: "<script>alert(1)</script>@evil.example",
        role: "basic_member",
      },
    });

    expect(status).toBe(422);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;@evil.example");
    expect(html).not.toContain("<script>");
  });

  it.each([
    ["no token", {}, undefined],
    [
      "a forged token",
      { csrf_token: "1700000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      undefined,
    ],
    ["another site's origin", {}, "https://evil.example"],
    ["no origin header", {}, null],
  ] as const)("refuses a post with %s (403), writing nothing", async (_, extra, origin) => {
    const { org, session, orgPath, token } = await adminWorld();

    const { status, html } = await page(`${orgPath}/invitations`, {
      session,
      origin,
      form: {
        csrf_token: origin === undefined ? "" : token,
        email_addresses: email(),
        role: "basic_member",
        ...extra,
      },
    });

    expect(status).toBe(403);
    expect(html).toContain("We could not confirm that request came from the console");
    expect(await pendingEmails(org.id)).toEqual([]);
  });

  it("refuses a token rendered for another organization or another user", async () => {
    const first = await adminWorld();
    const second = await adminWorld();
    const otherUserOfFirst = unique("user_admin2");
    await addMember(first.org.id, otherUserOfFirst, "admin");

    const crossOrg = await page(`${first.orgPath}/invitations`, {
      session: first.session,
      form: { csrf_token: second.token, email_addresses: email(), role: "basic_member" },
    });
    const crossUser = await page(`${first.orgPath}/invitations`, {
      session: await sessionToken(otherUserOfFirst),
      form: { csrf_token: first.token, email_addresses: email(), role: "basic_member" },
    });

    expect(crossOrg.status).toBe(403);
    expect(crossUser.status).toBe(403);
    expect(await pendingEmails(first.org.id)).toEqual([]);
  });

  it("refuses members without the permission (403), outsiders (404) and anonymous posts (401)", async () => {
    const { org, orgPath, token } = await adminWorld();
    const memberId = unique("user_member");
    await addMember(org.id, memberId, "basic_member");
    const form = { csrf_token: token, email_addresses: email(), role: "basic_member" };

    const member = await page(`${orgPath}/invitations`, {
      session: await sessionToken(memberId),
      form,
    });
    const outsider = await page(`${orgPath}/invitations`, {
      session: await sessionToken(unique("user_out")),
      form,
    });
    const anonymous = await page(`${orgPath}/invitations`, { form });

    expect(member.status).toBe(403);
    expect(outsider.status).toBe(404);
    expect(anonymous.status).toBe(401);
    expect(await pendingEmails(org.id)).toEqual([]);
  });
});

describe("POST /console/orgs/:id/invitations/:invitation/revoke", () => {
  it("revokes, then redirects back to the same view with a notice", async () => {
    const { org, session, orgPath, token } = await adminWorld();
    const invitation = await invite(org.id, { email_address: email("revokee") });

    const posted = await page(
      `${orgPath}/invitations/${invitation.id}/revoke?status=pending&initialPage=1&pageSize=10`,
      { session, form: { csrf_token: token } },
    );

    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`${orgPath}?status=pending&initialPage=1&pageSize=10`);
    expect((await backendInvitation(org.id, invitation.id)).status).toBe("revoked");
    const after = await page(posted.location ?? "", { session, cookies: cookiesSetBy(posted.res) });
    expect(after.html).toContain(`Revoked the invitation to ${invitation.email_address}.`);
  });

  it("an invitation that is no longer pending, or unknown: 303 back with the reason", async () => {
    const { org, session, orgPath, token } = await adminWorld();
    const invitation = await invite(org.id);
    await call("POST", `${invitationsPath(org.id)}/${invitation.id}/revoke`, { as: backend });

    const twice = await page(`${orgPath}/invitations/${invitation.id}/revoke`, {
      session,
      form: { csrf_token: token },
    });
    const unknown = await page(`${orgPath}/invitations/orginv_nope/revoke`, {
      session,
      form: { csrf_token: token },
    });

    expect(twice.status).toBe(303);
    const shownTwice = await page(twice.location ?? "", {
      session,
      cookies: cookiesSetBy(twice.res),
    });
    expect(shownTwice.html).toContain("That invitation is revoked: only pending invitations");
    expect(shownTwice.html).toContain('role="alert"');
    expect(unknown.status).toBe(303);
    const shownUnknown = await page(unknown.location ?? "", {
      session,
      cookies: cookiesSetBy(unknown.res),
    });
    expect(shownUnknown.html).toContain("That invitation does not exist (any more).");
  });

  it("refuses without a valid token, and for other organizations' admins (404)", async () => {
    const { org, session, orgPath, token } = await adminWorld();
    const other = await adminWorld();
    const invitation = await invite(org.id);

    const noToken = await page(`${orgPath}/invitations/${invitation.id}/revoke`, {
      session,
      form: { csrf_token: "" },
    });
    const crossSite = await page(`${orgPath}/invitations/${invitation.id}/revoke`, {
      session,
      origin: "https://evil.example",
      form: { csrf_token: token },
    });
    const foreignAdmin = await page(`${orgPath}/invitations/${invitation.id}/revoke`, {
      session: other.session,
      form: { csrf_token: other.token },
    });
    // The other admin's own organization does not hold this invitation either.
    const wrongOrg = await page(`${other.orgPath}/invitations/${invitation.id}/revoke`, {
      session: other.session,
      form: { csrf_token: other.token },
    });

    expect(noToken.status).toBe(403);
    expect(crossSite.status).toBe(403);
    expect(foreignAdmin.status).toBe(404);
    expect(wrongOrg.status).toBe(303);
    expect((await backendInvitation(org.id, invitation.id)).status).toBe("pending");
  });
});

describe("POST /console/orgs/:id/invitations/:invitation/resend", () => {
  it("sends a fresh link (the old one stops working) and redirects with a notice", async () => {
    const { org, session, orgPath, token } = await adminWorld();
    const invitation = await invite(org.id, { email_address: email("resendee") });

    const posted = await page(`${orgPath}/invitations/${invitation.id}/resend`, {
      session,
      form: { csrf_token: token },
    });

    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`${orgPath}?initialPage=1&pageSize=10`);
    const after = await backendInvitation(org.id, invitation.id);
    expect(after.status).toBe("pending");
    expect(after.url).not.toBe(invitation.url);
    expect(after.email_delivery.status).toBe("queued");
    const shown = await page(posted.location ?? "", {
      session,
      cookies: cookiesSetBy(posted.res),
    });
    expect(shown.html).toContain(`Sent the invitation to ${invitation.email_address} again`);
  });

  it("refuses a resend of an accepted or revoked invitation with the reason", async () => {
    const { org, session, orgPath, token } = await adminWorld();
    const invitation = await invite(org.id);
    await call("POST", `${invitationsPath(org.id)}/${invitation.id}/revoke`, { as: backend });

    const posted = await page(`${orgPath}/invitations/${invitation.id}/resend`, {
      session,
      form: { csrf_token: token },
    });

    expect(posted.status).toBe(303);
    const shown = await page(posted.location ?? "", {
      session,
      cookies: cookiesSetBy(posted.res),
    });
    expect(shown.html).toContain("That invitation is revoked");
    expect((await backendInvitation(org.id, invitation.id)).url).toBeNull();
  });

  it("refuses a member without the permission (403)", async () => {
    const { org, orgPath, token } = await adminWorld();
    const memberId = unique("user_member");
    await addMember(org.id, memberId, "basic_member");
    const invitation = await invite(org.id);

    const posted = await page(`${orgPath}/invitations/${invitation.id}/resend`, {
      session: await sessionToken(memberId),
      form: { csrf_token: token },
    });

    expect(posted.status).toBe(403);
    expect((await backendInvitation(org.id, invitation.id)).url).toBe(invitation.url);
  });
});

describe("the console around an accepted invitation", () => {
  it("shows the invitation accepted and the new member in the list", async () => {
    const { org, session, orgPath } = await adminWorld();
    const address = email("joiner");
    const invitation = await invite(org.id, { email_address: address });
    const inviteeId = unique("user_joiner");
    const accepted = await call("POST", `/v1/me/organization_invitations/${invitation.id}/accept`, {
      as: { token: await sessionToken(inviteeId, { email: address }) },
    });
    await json(accepted);
    expect((await membershipsOf(org.id)).map((m) => m.public_user_data.user_id)).toContain(
      inviteeId,
    );

    const { html } = await page(`${orgPath}?status=accepted`, { session });

    expect(html).toContain(address);
    expect(html).toContain('<span class="badge accepted">Accepted</span>');
    expect(html).toContain(`data-user-id="${inviteeId}"`);
    expect(html).toContain('data-testid="members-count">2</strong>');
  });
});

describe("the console in development", () => {
  it("sends an anonymous visitor to the dev login, to come back afterwards", async () => {
    const ctx = createExecutionContext();
    const res = await createApp().fetch(
      new Request(`${ORIGIN}/console/orgs/org_demo?status=pending`),
      Object.assign({}, env, { ENVIRONMENT: "development" }),
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const html = await res.text();

    expect(res.status).toBe(401);
    expect(html).toContain(
      `href="/dev/login?redirect_url=${encodeURIComponent("/console/orgs/org_demo?status=pending").replaceAll("&", "&amp;")}"`,
    );
  });
});
