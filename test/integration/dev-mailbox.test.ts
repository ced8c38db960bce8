/**
 * `/dev/mailbox` and `/dev/mailbox.json`: the outbox transport's emails, in development only.
 * Tests run with ENVIRONMENT=test, so the development answers come from the app built and called
 * with a development environment.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { ErrorEnvelope } from "../../src/contract/objects";
import { call, json } from "../support/api";
import { consume, queuedInvitations } from "../support/email";

async function inDevelopment(path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(
    new Request(`https://invitations.test${path}`),
    Object.assign({}, env, { ENVIRONMENT: "development" }),
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

interface Mailbox {
  data: Array<{
    id: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    invitation_id: string;
    accept_url: string;
    sent_at: number;
  }>;
  total_count: number;
}

describe("dev mailbox", () => {
  it.each(["/dev/mailbox", "/dev/mailbox.json"])(
    "does not exist outside development (%s)",
    async (path) => {
      const body = await json<ErrorEnvelope>(await call("GET", path), 404);

      expect(body.errors[0]?.code).toBe("resource_not_found");
      expect(body.clerk_trace_id).toEqual(expect.any(String));
    },
  );

  it("lists the outbox's emails as JSON, newest first, in development", async () => {
    const { rows, messages } = await queuedInvitations(2, { orgName: "Mailbox Org" });
    await consume(messages);

    const mailbox = await json<Mailbox>(await inDevelopment("/dev/mailbox.json?limit=500"));

    expect(mailbox.total_count).toBeGreaterThanOrEqual(2);
    const mine = mailbox.data.filter((e) => rows.some((r) => r.id === e.invitation_id));
    expect(mine).toHaveLength(2);
    expect(mine[0]).toEqual({
      id: expect.stringMatching(/^mail_/),
      to: expect.stringContaining("@example.com"),
      subject: "You are invited to join Mailbox Org",
      text: expect.stringContaining(mine[0]?.accept_url ?? "?"),
      html: expect.stringContaining("<table"),
      invitation_id: expect.stringMatching(/^orginv_/),
      accept_url: expect.stringMatching(/^https:\/\/invitations\.test\/accept\?ticket=/),
      sent_at: expect.any(Number),
    });
    const times = mailbox.data.map((e) => e.sent_at);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("shows each email and its link on a page, escaping what it shows", async () => {
    const { messages } = await queuedInvitations(1, { orgName: "<b>Bold</b> Org" });
    await consume(messages);

    const res = await inDevelopment("/dev/mailbox");
    const page = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(page).toContain("You are invited to join &lt;b&gt;Bold&lt;/b&gt; Org");
    expect(page).not.toContain("<b>Bold</b>");
    expect(page).toContain('href="https://invitations.test/accept?ticket=');
    expect(page).toContain("<iframe");
  });
});
