/**
 * Expiry with a controllable clock: `vi.setSystemTime` moves `Date.now()` for the worker too (it
 * runs in the test's isolate). A pending invitation past `expires_at` is `expired` in every read
 * before any sweep; the scheduled handler then persists the flip.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson, OrganizationJson } from "../../src/contract/objects";
import { openDatabase } from "../../src/db/client";
import worker from "../../src/index";
import { expireLapsedInvitations, lapsedPendingIds } from "../../src/invitations/expire";
import { backend, call, json, session } from "../support/api";
import { createOrganization, email, invite, unique } from "../support/fixtures";
import { backendInvitation, errorOf, ticketOf } from "../support/invitee";

const DAY_MS = 24 * 60 * 60 * 1000;
type Page = { data: InvitationJson[]; total_count: number };

afterEach(() => {
  vi.useRealTimers();
});

const storedStatus = async (id: string) =>
  (
    await env.DB.prepare("SELECT status FROM invitations WHERE id = ?")
      .bind(id)
      .first<{ status: string }>()
  )?.status;

const list = async (orgId: string, query = "") =>
  json<Page>(await call("GET", `/v1/organizations/${orgId}/invitations${query}`, { as: backend }));

const pendingCount = async (orgId: string) =>
  (await json<OrganizationJson>(await call("GET", `/v1/organizations/${orgId}`, { as: backend })))
    .pending_invitations_count;

async function runScheduledHandler() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("expires_in_days", () => {
  it("defaults to INVITATION_TTL_DAYS (30) and takes 1 to 365", async () => {
    const org = await createOrganization();
    const byDefault = await invite(org.id);
    expect(byDefault.expires_at - byDefault.created_at).toBe(30 * DAY_MS);
    const oneDay = await invite(org.id, { expires_in_days: 1 });
    expect(oneDay.expires_at - oneDay.created_at).toBe(DAY_MS);
    const maxDays = await invite(org.id, { expires_in_days: 365 });
    expect(maxDays.expires_at - maxDays.created_at).toBe(365 * DAY_MS);

    for (const days of [0, 366, 1.5]) {
      const res = await call("POST", `/v1/organizations/${org.id}/invitations`, {
        as: backend,
        body: { email_address: email(), role: "basic_member", expires_in_days: days },
      });
      expect(await errorOf(res, 422), `expires_in_days=${days}`).toMatchObject({
        code: "form_param_value_invalid",
        meta: { param_name: "expires_in_days" },
      });
    }
  });
});

describe("a pending invitation past expires_at", () => {
  it("is expired in get, list, the status filter, the counts and acceptance, before any sweep", async () => {
    const org = await createOrganization({ createdBy: unique("user_admin") });
    const address = email("late");
    const lapsing = await invite(org.id, { email_address: address, expires_in_days: 1 });
    const staying = await invite(org.id, { expires_in_days: 30 });
    const ticket = ticketOf(lapsing);
    expect(await pendingCount(org.id)).toBe(2);

    vi.setSystemTime(lapsing.expires_at + 1_000);

    expect(await backendInvitation(org.id, lapsing.id)).toMatchObject({
      status: "expired",
      url: null,
    });
    const all = await list(org.id);
    expect(all.data.find((i) => i.id === lapsing.id)?.status).toBe("expired");
    expect(all.data.find((i) => i.id === staying.id)?.status).toBe("pending");
    const pending = await list(org.id, "?status=pending");
    expect(pending.data.map((i) => i.id)).toEqual([staying.id]);
    expect(pending.total_count).toBe(1);
    const expired = await list(org.id, "?status=expired");
    expect(expired.data.map((i) => i.id)).toEqual([lapsing.id]);
    const deprecated = await json<Page>(
      await call("GET", `/v1/organizations/${org.id}/invitations/pending`, { as: backend }),
    );
    expect(deprecated.data.map((i) => i.id)).toEqual([staying.id]);
    expect(await pendingCount(org.id)).toBe(1);

    const invitee = await session(unique("user_late"), address);
    const byTicket = await call("POST", "/v1/tickets/accept", { as: invitee, body: { ticket } });
    expect(await errorOf(byTicket, 400)).toMatchObject({
      code: "organization_invitation_not_pending",
      meta: { status: "expired" },
    });
    for (const action of ["accept", "decline"]) {
      const res = await call("POST", `/v1/me/organization_invitations/${lapsing.id}/${action}`, {
        as: invitee,
      });
      expect(await errorOf(res, 400), action).toMatchObject({ meta: { status: "expired" } });
    }
    const mine = await json<Page>(
      await call("GET", "/v1/me/organization_invitations?status=expired", { as: invitee }),
    );
    expect(mine.data.map((i) => i.id)).toEqual([lapsing.id]);

    expect(await storedStatus(lapsing.id), "only reads changed so far").toBe("pending");
  });

  it("is persisted as expired by the scheduled handler; other invitations are left alone", async () => {
    const org = await createOrganization({ createdBy: unique("user_admin") });
    const lapsing = await invite(org.id, { expires_in_days: 1 });
    const staying = await invite(org.id, { expires_in_days: 30 });
    const revoked = await invite(org.id, { expires_in_days: 1 });
    await json(
      await call("POST", `/v1/organizations/${org.id}/invitations/${revoked.id}/revoke`, {
        as: backend,
      }),
    );

    vi.setSystemTime(lapsing.expires_at + 60_000);
    await runScheduledHandler();

    expect(await storedStatus(lapsing.id)).toBe("expired");
    expect(await storedStatus(staying.id)).toBe("pending");
    expect(await storedStatus(revoked.id)).toBe("revoked");
    expect((await backendInvitation(org.id, lapsing.id)).status).toBe("expired");
    expect((await list(org.id, "?status=expired")).data.map((i) => i.id)).toEqual([lapsing.id]);
    expect(await pendingCount(org.id)).toBe(1);
  });

  it("frees the address for a new invitation", async () => {
    const org = await createOrganization();
    const address = email("again");
    const first = await invite(org.id, { email_address: address, expires_in_days: 1 });
    vi.setSystemTime(first.expires_at + 1_000);
    const second = await invite(org.id, { email_address: address });
    expect(second.status).toBe("pending");
    expect(await storedStatus(first.id)).toBe("expired");
  });
});

describe("the expiry sweep", () => {
  const deps = (now: number) => ({ db: openDatabase(env.DB), now: () => now });

  it("works in bounded chunks and finishes on a later run", async () => {
    const org = await createOrganization();
    const lapsing: InvitationJson[] = [];
    for (let i = 0; i < 5; i++) lapsing.push(await invite(org.id, { expires_in_days: 1 }));
    const later = Math.max(...lapsing.map((i) => i.expires_at)) + 1_000;
    // Whatever earlier tests in this file left lapsed is flushed first, so the counts are ours.
    await expireLapsedInvitations(deps(lapsing[0]?.created_at ?? 0));

    const first = await expireLapsedInvitations(deps(later), { chunkRows: 2, maxChunks: 2 });
    expect(first).toEqual({ expired: 4, done: false });
    const second = await expireLapsedInvitations(deps(later), { chunkRows: 2, maxChunks: 2 });
    expect(second).toEqual({ expired: 1, done: true });
    for (const inv of lapsing) expect(await storedStatus(inv.id)).toBe("expired");
  });

  it("finds lapsed rows through the partial index invitations_pending_expiry", async () => {
    const query = lapsedPendingIds(openDatabase(env.DB), Date.now(), 500).toSQL();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toContain("invitations_pending_expiry");
    expect(details).not.toMatch(/SCAN invitations(?! USING)/);
  });
});
