/**
 * Logs are structured JSON carrying the request id that error bodies return as `clerk_trace_id`,
 * and no secret (keys, session tokens, tickets) ever reaches them.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { backend, call, json, SECRET_KEY, sessionToken } from "../support/api";
import { createOrganization, email } from "../support/fixtures";
import { errorOf, ticketOf } from "../support/invitee";
import { TEST_VARS } from "../support/vars";

function captureLogs() {
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  }
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe("logs", () => {
  it("are one JSON object per line, with the request id errors return as clerk_trace_id", async () => {
    const lines = captureLogs();
    const res = await call("GET", "/v1/organizations/org_does_not_exist", { as: backend });
    const body = await json<{ clerk_trace_id: string }>(res, 404);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const entry = entries.find(
      (e) => e.message === "request" && e.requestId === body.clerk_trace_id,
    );
    expect(entry, lines.join("\n")).toMatchObject({
      level: "info",
      method: "GET",
      path: "/v1/organizations/org_does_not_exist",
      status: 404,
      caller: "backend",
    });
  });

  it("never contain the secret key, a session token, a ticket or a ticket's MAC", async () => {
    const lines = captureLogs();
    const org = await createOrganization();
    const invitee = email("logged");
    const invitation = await json<InvitationJson>(
      await call("POST", `/v1/organizations/${org.id}/invitations`, {
        as: backend,
        body: { email_address: invitee, role: "basic_member" },
      }),
    );
    const ticket = ticketOf(invitation);
    const token = await sessionToken("user_logged", { email: invitee });
    const wrongToken = await sessionToken("user_other", { email: "other@example.com" });

    await call("GET", `/accept?ticket=${encodeURIComponent(ticket)}`);
    await errorOf(
      await call("POST", "/v1/tickets/accept", { as: { token: wrongToken }, body: { ticket } }),
      403,
    );
    await json(await call("POST", "/v1/tickets/accept", { as: { token }, body: { ticket } }));
    await call("GET", "/v1/organizations/x/invitations", { as: { token: "sk_wrong_key_guess" } });
    await call("POST", "/v1/tickets/accept", { as: { token }, body: { ticket: `${ticket}x` } });

    const all = lines.join("\n");
    expect(lines.length).toBeGreaterThan(5);
    const mac = ticket.split(".")[2] ?? "";
    for (const [name, secret] of Object.entries({
      SECRET_KEY,
      TICKET_SECRET: TEST_VARS.TICKET_SECRET,
      SESSION_JWT_SECRET: TEST_VARS.SESSION_JWT_SECRET,
      "session token": token,
      "other session token": wrongToken,
      ticket,
      "ticket MAC": mac,
      "guessed key": "sk_wrong_key_guess",
    })) {
      expect(secret.length, name).toBeGreaterThan(8);
      expect(all.includes(secret), `${name} leaked into the logs`).toBe(false);
    }
  });
});
