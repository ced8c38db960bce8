import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { backend, call, json, session } from "../support/api";
import { createOrganization, email, invite, unique } from "../support/fixtures";

/** Spends a limiter's whole allowance for `key` through the real binding. */
async function exhaust(limiter: RateLimit, key: string) {
  for (let i = 0; i < 10_000; i++) {
    if (!(await limiter.limit({ key })).success) return;
  }
  throw new Error("the limiter never refused");
}

async function countInvitations(orgId: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM invitations WHERE organization_id = ?",
  )
    .bind(orgId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("rate limits", () => {
  it("refuses invitation creation past the organization's limit with 429 and Retry-After, writing nothing", async () => {
    const org = await createOrganization();
    await invite(org.id);
    await exhaust(env.INVITE_LIMITER, org.id);

    for (const [path, body] of [
      [`/v1/organizations/${org.id}/invitations`, { email_address: email(), role: "admin" }],
      [`/v1/organizations/${org.id}/invitations/bulk`, { email_address: [email()], role: "admin" }],
    ] as const) {
      const res = await call("POST", path, { as: backend, body });
      const bodyJson = await json<{ errors: { code: string }[] }>(res, 429);
      expect(bodyJson.errors[0]?.code, path).toBe("rate_limit_exceeded");
      expect(Number(res.headers.get("Retry-After")), path).toBeGreaterThan(0);
    }
    expect(await countInvitations(org.id)).toBe(1);
  });

  it("does not spend an organization's allowance on callers without access to it", async () => {
    // wrangler.toml: INVITE_LIMITER allows 600 per 60 s. Leave exactly one.
    const INVITE_LIMIT = 600;
    const org = await createOrganization();
    for (let i = 0; i < INVITE_LIMIT - 1; i++) {
      expect((await env.INVITE_LIMITER.limit({ key: org.id })).success).toBe(true);
    }
    const outsider = await session(unique("user_outsider"));
    for (let i = 0; i < 3; i++) {
      const res = await call("POST", `/v1/organizations/${org.id}/invitations`, {
        as: outsider,
        body: { email_address: email(), role: "basic_member" },
      });
      expect((await json<{ errors: { code: string }[] }>(res, 404)).errors[0]?.code).toBe(
        "resource_not_found",
      );
    }
    const res = await call("POST", `/v1/organizations/${org.id}/invitations`, {
      as: backend,
      body: { email_address: email(), role: "basic_member" },
    });
    expect(res.status, "the last allowance is still there").toBe(200);
    await res.body?.cancel();
  });

  it("limits one organization without slowing another", async () => {
    const limited = await createOrganization();
    const other = await createOrganization();
    await exhaust(env.INVITE_LIMITER, limited.id);
    const res = await call("POST", `/v1/organizations/${other.id}/invitations`, {
      as: backend,
      body: { email_address: email(), role: "basic_member" },
    });
    expect(res.status).toBe(200);
  });

  it("refuses accept attempts past the per-address limit with 429 and Retry-After", async () => {
    const address = "203.0.113.77";
    await exhaust(env.ACCEPT_LIMITER, address);
    const invitee = await session("user_rate_limited", "limited@example.com");
    const res = await call("POST", "/v1/tickets/accept", {
      as: { ...invitee, headers: { "cf-connecting-ip": address } },
      body: { ticket: "orginv_x.1.AAAA" },
    });
    const bodyJson = await json<{ errors: { code: string }[] }>(res, 429);
    expect(bodyJson.errors[0]?.code).toBe("rate_limit_exceeded");
    expect(res.headers.get("Retry-After")).toBe("60");

    const page = await call("GET", "/accept?ticket=orginv_x.1.AAAA", {
      as: { headers: { "cf-connecting-ip": address } },
    });
    expect(page.status).toBe(429);
    expect(await page.text()).toContain("Too many attempts");
  });
});
