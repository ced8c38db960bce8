import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { backend, call, json, SECRET_KEY, sessionToken } from "../support/api";
import { createOrganization, email } from "../support/fixtures";

type Errors = { errors: { code: string; meta: { param_name?: string } }[] };

async function invitationCount(orgId: string) {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM invitations WHERE organization_id = ?",
  )
    .bind(orgId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("input limits", () => {
  it("answers 413 in the contract's envelope to a body over the cap, writing nothing", async () => {
    const org = await createOrganization();
    const huge = Array.from({ length: 30_000 }, (_, i) => `someone-${i}@example.com`);
    const res = await call("POST", `/v1/organizations/${org.id}/invitations/bulk`, {
      as: backend,
      body: { email_address: huge, role: "basic_member" },
    });
    const body = await json<Errors>(res, 413);
    expect(body.errors[0]?.code).toBe("request_body_invalid");
    expect(await invitationCount(org.id)).toBe(0);
  });

  it.each([
    ["public_metadata", { public_metadata: { blob: "x".repeat(9000) } }],
    ["private_metadata", { private_metadata: { blob: "x".repeat(9000) } }],
    ["redirect_url", { redirect_url: "javascript:alert(1)" }],
    ["redirect_url", { redirect_url: "data:text/html,<script>1</script>" }],
    ["email_address", { email_address: `${"a".repeat(300)}@example.com` }],
    ["email_address", { email_address: "ada@example.com\r\nBcc: victim@example.com" }],
    ["email_address", { email_address: "a\ud800b@example.com" }],
  ])("refuses an oversized or unsafe %s with 422 naming it", async (param, override) => {
    const org = await createOrganization();
    const res = await call("POST", `/v1/organizations/${org.id}/invitations`, {
      as: backend,
      body: { email_address: email(), role: "basic_member", ...override },
    });
    const body = await json<Errors>(res, 422);
    expect(body.errors[0]?.meta.param_name).toBe(param);
    expect(await invitationCount(org.id)).toBe(0);
  });

  it.each([
    ["a newline", "Acme\r\nBcc: victim@example.com"],
    ["a name over 256 characters", "n".repeat(257)],
    ["a lone surrogate", "Acme \ud800"],
  ])("refuses an organization name with %s", async (_label, name) => {
    const res = await call("POST", "/v1/organizations", { as: backend, body: { name } });
    const body = await json<Errors>(res, 422);
    expect(body.errors[0]?.meta.param_name).toBe("name");
  });

  it("keeps redirect_url on ALLOWED_REDIRECT_ORIGINS when that is set", async () => {
    const org = await createOrganization();
    const app = createApp();
    const restricted = { ...env, ALLOWED_REDIRECT_ORIGINS: "https://app.example.com" };
    const post = (redirectUrl: string) =>
      app.fetch(
        new Request(`https://invitations.test/v1/organizations/${org.id}/invitations`, {
          method: "POST",
          headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({
            email_address: email(),
            role: "basic_member",
            redirect_url: redirectUrl,
          }),
        }),
        restricted,
        createExecutionContext(),
      );
    const refused = await json<Errors>(await post("https://evil.example.net/welcome"), 422);
    expect(refused.errors[0]?.meta.param_name).toBe("redirect_url");
    await json(await post("https://app.example.com/welcome"), 200);
    expect(await invitationCount(org.id)).toBe(1);
  });

  it("refuses a session token whose subject is longer than any user id we store", async () => {
    const org = await createOrganization();
    const res = await call("GET", `/v1/organizations/${org.id}`, {
      as: { token: await sessionToken("u".repeat(5000)) },
    });
    await json(res, 401);
  });
});
