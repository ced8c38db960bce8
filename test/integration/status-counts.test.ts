/**
 * `total_count` comes from counters kept by triggers; these tests hold the counters to the rows
 * through every kind of write, and the totals to what the list really contains.
 */
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import worker from "../../src/index";
import { backend, call, json, session } from "../support/api";
import { createOrganization, email } from "../support/fixtures";
import { addresses, bulkInvite, invitationsPath } from "../support/invitations";

const DAY_MS = 24 * 60 * 60 * 1000;

async function countersMatchRows(orgId: string) {
  const { results } = await env.DB.prepare(
    `SELECT s.status,
            s.count AS counter,
            (SELECT count(*) FROM invitations i
              WHERE i.organization_id = s.organization_id AND i.status = s.status) AS rows_counted
     FROM invitation_status_counts s WHERE s.organization_id = ?`,
  )
    .bind(orgId)
    .all<{ status: string; counter: number; rows_counted: number }>();
  for (const r of results) expect(r.counter, `counter for ${r.status}`).toBe(r.rows_counted);
  return results;
}

async function listAll(orgId: string, status?: string) {
  const query = status ? `limit=500&status=${status}` : "limit=500";
  return json<{ data: InvitationJson[]; total_count: number }>(
    await call("GET", `${invitationsPath(orgId)}?${query}`, { as: backend }),
  );
}

afterEach(() => vi.useRealTimers());

describe("status counters", () => {
  it("follow creation, revoke, accept, decline, expiry and the sweep; totals equal the rows listed", async () => {
    const org = await createOrganization();
    const created = (await bulkInvite(org.id, addresses("counts", 12))).data;
    const invitee = email("accepting");
    const toAccept = await json<InvitationJson>(
      await call("POST", invitationsPath(org.id), {
        as: backend,
        body: { email_address: invitee, role: "basic_member" },
      }),
    );
    const decliner = email("declining");
    const toDecline = await json<InvitationJson>(
      await call("POST", invitationsPath(org.id), {
        as: backend,
        body: { email_address: decliner, role: "basic_member" },
      }),
    );
    const shortLived = await json<InvitationJson>(
      await call("POST", invitationsPath(org.id), {
        as: backend,
        body: { email_address: email("lapsing"), role: "basic_member", expires_in_days: 1 },
      }),
    );
    for (const inv of created.slice(0, 3)) {
      await json(
        await call("POST", `${invitationsPath(org.id)}/${inv.id}/revoke`, { as: backend }),
      );
    }
    await json(
      await call("POST", `/v1/me/organization_invitations/${toAccept.id}/accept`, {
        as: await session("user_counts_accept", invitee),
      }),
    );
    await json(
      await call("POST", `/v1/me/organization_invitations/${toDecline.id}/decline`, {
        as: await session("user_counts_decline", decliner),
      }),
    );
    await countersMatchRows(org.id);

    // Two days on: the short-lived one reads as expired before any sweep, then is persisted.
    vi.useFakeTimers({ now: Date.now() + 2 * DAY_MS, toFake: ["Date"] });
    const expected = { pending: 9, revoked: 3, accepted: 1, declined: 1, expired: 1 };
    for (const [status, n] of Object.entries(expected)) {
      const page = await listAll(org.id, status);
      expect(page.total_count, `total_count for ${status} before the sweep`).toBe(n);
      expect(page.data, status).toHaveLength(n);
    }
    expect(shortLived.status).toBe("pending");

    await worker.scheduled(createScheduledController(), env, createExecutionContext());
    await countersMatchRows(org.id);
    for (const [status, n] of Object.entries(expected)) {
      const page = await listAll(org.id, status);
      expect(page.total_count, `total_count for ${status} after the sweep`).toBe(n);
    }
    const everything = await listAll(org.id);
    expect(everything.total_count).toBe(15);
    expect(everything.data).toHaveLength(15);
    const pendingCombo = await listAll(org.id, "pending,expired,revoked");
    expect(pendingCombo.total_count).toBe(13);
  });

  it("count nothing for a request that failed: an all-or-nothing bulk leaves them untouched", async () => {
    const org = await createOrganization();
    const taken = email("taken");
    await bulkInvite(org.id, [taken]);
    const before = await countersMatchRows(org.id);
    const res = await call("POST", `${invitationsPath(org.id)}/bulk`, {
      as: backend,
      body: { email_address: [email("fresh"), taken], role: "basic_member" },
    });
    expect(res.status).toBe(400);
    expect(await countersMatchRows(org.id)).toEqual(before);
  });
});
