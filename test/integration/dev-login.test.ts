/**
 * `/dev/login` and `/dev/logout`: development only. Tests run with ENVIRONMENT=test, so the
 * development answers come from the app called with a development environment.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { sessionFromToken } from "../../src/auth/authenticate";
import { readConfig } from "../../src/config";
import { userIdFor } from "../../src/routes/dev-login";

const ORIGIN = "https://invitations.test";

interface Options {
  form?: Record<string, string>;
  origin?: string;
  cookie?: string;
  environment?: string;
}

async function request(path: string, options: Options = {}) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers.origin = options.origin ?? ORIGIN;
  }
  const ctx = createExecutionContext();
  const res = await createApp().fetch(
    new Request(`${ORIGIN}${path}`, {
      method: options.form ? "POST" : "GET",
      headers,
      body,
      redirect: "manual",
    }),
    Object.assign({}, env, { ENVIRONMENT: options.environment ?? "development" }),
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { res, status: res.status, html: await res.text(), location: res.headers.get("location") };
}

const csrfTokenIn = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? "";

async function loginForm(query = "") {
  const { html } = await request(`/dev/login${query}`);
  return csrfTokenIn(html);
}

/** The `__session` cookie a response sets: its value and attributes. */
function sessionCookie(res: Response) {
  const header = res.headers.getSetCookie().find((c) => c.startsWith("__session=")) ?? "";
  const value = /^__session=([^;]*)/.exec(header)?.[1] ?? "";
  return { header, value };
}

describe("dev login", () => {
  it.each(["/dev/login", "/dev/logout"])(
    "does not exist outside development (%s)",
    async (path) => {
      const get = await exports.default.fetch(new Request(`${ORIGIN}${path}`));
      const post = await request(path, { environment: "production", form: { user_id: "user_x" } });

      expect(get.status).toBe(404);
      expect(post.status).toBe(404);
      expect(post.res.headers.getSetCookie()).toEqual([]);
    },
  );

  it("offers the demo accounts and a labelled form for any user", async () => {
    const { status, html, res } = await request("/dev/login?redirect_url=%2Faccept%3Fticket%3Dabc");

    expect(status).toBe(200);
    expect(html).toContain("Sign in as admin@demo.test");
    expect(html).toContain("Sign in as member@demo.test");
    expect(html).toContain('value="org_demo"');
    expect(html).toContain('<label for="email">');
    expect(html).toContain('<label for="user_id">');
    expect(html).toContain('name="redirect_url" value="/accept?ticket=abc"');
    expect(csrfTokenIn(html)).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("signs in as a demo admin: an HttpOnly, SameSite=Lax session cookie, then the console", async () => {
    const token = await loginForm();

    const { status, location, res } = await request("/dev/login", {
      form: {
        csrf_token: token,
        user_id: "user_demo_admin",
        email: "admin@demo.test",
        org_id: "org_demo",
        redirect_url: "",
      },
    });

    expect(status).toBe(303);
    expect(location).toBe("/console/orgs/org_demo");
    const cookie = sessionCookie(res);
    expect(cookie.header).toContain("HttpOnly");
    expect(cookie.header).toContain("SameSite=Lax");
    expect(cookie.header).toContain("Path=/");
    expect(cookie.header).toContain("Secure");
    const session = await sessionFromToken(cookie.value, readConfig(env));
    expect(session).toEqual({
      kind: "session",
      userId: "user_demo_admin",
      email: "admin@demo.test",
      activeOrganizationId: "org_demo",
    });
  });

  it("signs in any email, deriving a stable user id, and returns to a local redirect_url", async () => {
    const token = await loginForm();

    const { status, location, res } = await request("/dev/login", {
      form: {
        csrf_token: token,
        email: "Ada@Example.com",
        user_id: "",
        org_id: "",
        redirect_url: "/accept?ticket=t1",
      },
    });

    expect(status).toBe(303);
    expect(location).toBe("/accept?ticket=t1");
    const session = await sessionFromToken(sessionCookie(res).value, readConfig(env));
    expect(session?.userId).toBe(userIdFor("ada@example.com"));
    expect(session?.userId).toBe("user_ada_example_com");
    expect(session?.email).toBe("ada@example.com");
  });

  it.each([
    ["https://evil.example/phish", "/console"],
    ["//evil.example/phish", "/console"],
    [`${ORIGIN}/accept?ticket=t2`, "/accept?ticket=t2"],
  ])("never redirects off the site (redirect_url %s → %s)", async (redirectUrl, expected) => {
    const token = await loginForm();

    const { location } = await request("/dev/login", {
      form: { csrf_token: token, user_id: "user_r", redirect_url: redirectUrl },
    });

    expect(location).toBe(expected);
  });

  it.each([
    [{ user_id: "", email: "" }, "Enter a user id or an email."],
    [{ user_id: "", email: "not-an-email" }, "That email address is not valid."],
    [{ user_id: "<script>x</script>", email: "" }, "A user id is 1–64 letters"],
  ])("refuses invalid input with 422 and no cookie (%o)", async (fields, message) => {
    const token = await loginForm();

    const { status, html, res } = await request("/dev/login", {
      form: { csrf_token: token, org_id: "", redirect_url: "", ...fields },
    });

    expect(status).toBe(422);
    expect(html).toContain(message);
    expect(html).not.toContain("<script>x");
    expect(sessionCookie(res).header).toBe("");
  });

  it("refuses a post without a token or from another site (403, no cookie)", async () => {
    const token = await loginForm();

    const noToken = await request("/dev/login", { form: { user_id: "user_a", csrf_token: "" } });
    const crossSite = await request("/dev/login", {
      origin: "https://evil.example",
      form: { user_id: "user_a", csrf_token: token },
    });

    expect(noToken.status).toBe(403);
    expect(crossSite.status).toBe(403);
    expect(sessionCookie(noToken.res).header).toBe("");
    expect(sessionCookie(crossSite.res).header).toBe("");
  });

  it("shows who is signed in and signs out", async () => {
    const token = await loginForm();
    const login = await request("/dev/login", {
      form: { csrf_token: token, user_id: "user_who", email: "who@example.com" },
    });
    const cookie = `__session=${sessionCookie(login.res).value}`;

    const page = await request("/dev/login", { cookie });
    const logout = await request("/dev/logout", { cookie, form: { csrf_token: token } });

    expect(page.html).toContain("Signed in as <strong>who@example.com</strong>");
    expect(logout.status).toBe(303);
    expect(logout.location).toBe("/dev/login");
    expect(sessionCookie(logout.res).header).toMatch(/^__session=;.*Max-Age=0/);
  });
});
