/**
 * Who may call the invitation routes: the table of credentials against every route.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { backend, type Credentials, call, SECRET_KEY, session, sessionToken } from "../support/api";
import { addMember, createOrganization, email, invite } from "../support/fixtures";
import { apiError, invitationsPath } from "../support/invitations";

interface RouteCase {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
}

/**
 * Every invitation route of an organization. `fresh` gives each call its own pending invitation
 * (revoke and resend change state) and its own address (create refuses duplicates).
 */
async function invitationRoutes(orgId: string, fresh: boolean): Promise<RouteCase[]> {
  const base = invitationsPath(orgId);
  const missing = "orginv_notthere00000000000000";
  const id = fresh ? (await invite(orgId)).id : missing;
  // Its own invitation: revoking the shared one first would make resend refuse it.
  const resendId = fresh ? (await invite(orgId)).id : missing;
  return [
    { name: "list", method: "GET", path: base },
    { name: "list with filters", method: "GET", path: `${base}?status=pending&limit=5` },
    { name: "pending (deprecated)", method: "GET", path: `${base}/pending` },
    {
      name: "create",
      method: "POST",
      path: base,
      body: { email_address: email("auth"), role: "basic_member" },
    },
    {
      name: "bulk",
      method: "POST",
      path: `${base}/bulk`,
      body: { email_address: [email("auth-bulk")], role: "basic_member" },
    },
    { name: "get", method: "GET", path: `${base}/${id}` },
    { name: "revoke", method: "POST", path: `${base}/${id}/revoke`, body: {} },
    { name: "resend", method: "POST", path: `${base}/${resendId}/resend` },
  ];
}

const ROUTE_NAMES = [
  "list",
  "list with filters",
  "pending (deprecated)",
  "create",
  "bulk",
  "get",
  "revoke",
  "resend",
];

const encode = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** A token with `alg: none`: well-formed, unsigned. */
const unsignedToken = (userId: string) =>
  `${encode({ alg: "none", typ: "JWT" })}.${encode({
    sub: userId,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
  })}.`;

let orgId = "";
const ADMIN = "user_authz_admin";

beforeAll(async () => {
  orgId = (await createOrganization({ createdBy: ADMIN })).id;
  await addMember(orgId, "user_authz_basic", "basic_member");
  await addMember(orgId, "user_authz_guest", "guest_member");
});

async function call_(route: RouteCase, as: Credentials) {
  return call(route.method, route.path, { as, body: route.body });
}

describe("401: callers who are not authenticated", () => {
  const credentials: [string, () => Promise<Credentials>][] = [
    ["no credentials", async () => ({})],
    ["a wrong secret key", async () => ({ token: `${SECRET_KEY}x` })],
    ["another sk_ key", async () => ({ token: "sk_live_0000000000000000000000000000" })],
    [
      "an expired JWT",
      async () => ({
        token: await sessionToken(ADMIN, {}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      }),
    ],
    [
      "a JWT with a bad signature",
      async () => ({
        token: await sessionToken(
          ADMIN,
          {},
          {
            secret: new TextEncoder().encode("not-the-session-secret-0123456789abcdef"),
          },
        ),
      }),
    ],
    [
      "a JWT whose signature was tampered with",
      async () => {
        // Change the signature's first character: it carries six real bits (the last one's
        // low bits are padding, so flipping it might change nothing).
        const [header, payload, signature = ""] = (await sessionToken(ADMIN)).split(".");
        const first = signature.startsWith("A") ? "B" : "A";
        return { token: `${header}.${payload}.${first}${signature.slice(1)}` };
      },
    ],
    ["an alg:none JWT", async () => ({ token: unsignedToken(ADMIN) })],
    ["garbage", async () => ({ token: "not-a-token" })],
    [
      "a Basic header",
      async () => ({ headers: { authorization: `Basic ${btoa(`${SECRET_KEY}:`)}` } }),
    ],
  ];

  it.each(credentials)(
    "%s is 401 authentication_invalid on every invitation route",
    async (_label, make) => {
      const as = await make();
      for (const route of await invitationRoutes(orgId, false)) {
        const res = await call_(route, as);
        const error = await apiError(res, 401).catch((e: Error) => {
          throw new Error(`${route.name}: ${e.message}`);
        });
        expect(error.code, route.name).toBe("authentication_invalid");
        expect(res.headers.get("www-authenticate"), route.name).toMatch(/^Bearer/);
      }
    },
  );
});

describe("403: members without the invitations permission", () => {
  it.each([["user_authz_basic"], ["user_authz_guest"]])(
    "%s is 403 missing_organization_permission on every invitation route",
    async (userId) => {
      const as = await session(userId, `${userId}@example.com`);
      const routes = await invitationRoutes(orgId, true);
      expect(routes.map((r) => r.name)).toEqual(ROUTE_NAMES);
      for (const route of routes) {
        const error = await apiError(await call_(route, as), 403).catch((e: Error) => {
          throw new Error(`${route.name}: ${e.message}`);
        });
        expect(error.code, route.name).toBe("missing_organization_permission");
      }
    },
  );

  it("an active organization claimed in the token grants nothing: roles come from memberships", async () => {
    const as = {
      token: await sessionToken("user_authz_basic", { org_id: orgId, org_role: "org:admin" }),
    };
    const error = await apiError(await call("GET", invitationsPath(orgId), { as }), 403);
    expect(error.code).toBe("missing_organization_permission");
  });
});

describe("404: other organizations are invisible", () => {
  it("an admin of organization A gets 404 on every invitation route of organization B", async () => {
    const orgB = await createOrganization({ createdBy: "user_authz_admin_b" });
    const adminOfA = await session(ADMIN, "admin-a@example.com");
    for (const route of await invitationRoutes(orgB.id, true)) {
      const error = await apiError(await call_(route, adminOfA), 404).catch((e: Error) => {
        throw new Error(`${route.name}: ${e.message}`);
      });
      expect(error.code, route.name).toBe("resource_not_found");
    }
  });

  it("B's 404 looks exactly like a nonexistent organization's", async () => {
    const orgB = await createOrganization();
    const adminOfA = await session(ADMIN);
    const hidden = await apiError(
      await call("GET", invitationsPath(orgB.id), { as: adminOfA }),
      404,
    );
    const missing = await apiError(
      await call("GET", invitationsPath("org_doesnotexist0000000000000"), { as: adminOfA }),
      404,
    );
    expect(hidden).toEqual(missing);
  });

  it("an admin of A cannot reach B's invitation through A's path", async () => {
    const orgB = await createOrganization();
    const theirs = await invite(orgB.id);
    const adminOfA = await session(ADMIN);
    for (const suffix of ["", "/revoke"]) {
      const res = await call(
        suffix ? "POST" : "GET",
        `${invitationsPath(orgId)}/${theirs.id}${suffix}`,
        {
          as: adminOfA,
        },
      );
      expect((await apiError(res, 404)).code).toBe("resource_not_found");
    }
  });
});

describe("who may", () => {
  it("the backend secret key works on every invitation route", async () => {
    for (const route of await invitationRoutes(orgId, true)) {
      const res = await call_(route, backend);
      expect(res.status, `${route.name}: ${await res.clone().text()}`).toBe(200);
      await res.body?.cancel();
    }
  });

  it("the backend key works on any organization, member or not", async () => {
    const stranger = await createOrganization();
    for (const route of await invitationRoutes(stranger.id, true)) {
      const res = await call_(route, backend);
      expect(res.status, route.name).toBe(200);
      await res.body?.cancel();
    }
  });

  it("an admin's session works on every invitation route", async () => {
    const admin = await session(ADMIN, "admin@example.com");
    for (const route of await invitationRoutes(orgId, true)) {
      const res = await call_(route, admin);
      expect(res.status, `${route.name}: ${await res.clone().text()}`).toBe(200);
      await res.body?.cancel();
    }
  });

  it("a session in Clerk's v2 claim form works too", async () => {
    const as = { token: await sessionToken(ADMIN, { v: 2, o: { id: orgId, rol: "admin" } }) };
    const res = await call("GET", invitationsPath(orgId), { as });
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });

  it("a session that loses its membership loses access at once", async () => {
    const org = await createOrganization({ createdBy: "user_authz_leaver" });
    const as = await session("user_authz_leaver");
    const before = await call("GET", invitationsPath(org.id), { as });
    expect(before.status).toBe(200);
    await before.body?.cancel();
    const removed = await call(
      "DELETE",
      `/v1/organizations/${org.id}/memberships/user_authz_leaver`,
      {
        as: backend,
      },
    );
    expect(removed.status).toBe(200);
    await removed.body?.cancel();
    expect((await apiError(await call("GET", invitationsPath(org.id), { as }), 404)).code).toBe(
      "resource_not_found",
    );
  });
});
