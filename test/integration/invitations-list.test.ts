import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { InvitationStatus } from "../../src/contract/roles";
import { backend, call, json } from "../support/api";
import { createOrganization, invite } from "../support/fixtures";
import {
  apiError,
  bulkInvite,
  type InvitationList,
  invitationsPath,
  listInvitations,
} from "../support/invitations";

const DAY_MS = 24 * 60 * 60 * 1000;

afterEach(() => {
  vi.useRealTimers();
});

const emailsOf = (list: InvitationList) => list.data.map((i) => i.email_address);

describe("paging", () => {
  let orgId = "";
  // Invitation i is created i seconds after the first, so the nth newest is number 60 - n.
  const nthNewest = (n: number) => `page-${60 - n}@example.com`;

  beforeAll(async () => {
    orgId = (await createOrganization()).id;
    const start = Date.now() - 3_600_000;
    for (let i = 0; i < 60; i++) {
      vi.setSystemTime(start + i * 1000);
      await invite(orgId, { email_address: `page-${i}@example.com` });
    }
    vi.useRealTimers();
  });

  it("initialPage=10&pageSize=5 returns the 46th to 50th newest, with the full total", async () => {
    const page = await listInvitations(orgId, "initialPage=10&pageSize=5");
    expect(emailsOf(page)).toEqual([46, 47, 48, 49, 50].map(nthNewest));
    expect(page.total_count).toBe(60);
  });

  it("limit=5&offset=45 returns the same page as initialPage=10&pageSize=5", async () => {
    const clerk = await listInvitations(orgId, "limit=5&offset=45");
    const seed = await listInvitations(orgId, "initialPage=10&pageSize=5");
    expect(emailsOf(clerk)).toEqual([46, 47, 48, 49, 50].map(nthNewest));
    expect(clerk.data.map((i) => i.id)).toEqual(seed.data.map((i) => i.id));
    expect(clerk.total_count).toBe(60);
  });

  it("defaults to the first 10, newest first", async () => {
    const page = await listInvitations(orgId);
    expect(emailsOf(page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(nthNewest));
    expect(page.total_count).toBe(60);
  });

  it("pages never overlap or skip, even among invitations created in the same millisecond", async () => {
    const sameInstant = (await createOrganization()).id;
    await bulkInvite(sameInstant, ["s1@example.com", "s2@example.com", "s3@example.com"]);
    const pages = await Promise.all(
      [1, 2, 3].map((p) => listInvitations(sameInstant, `initialPage=${p}&pageSize=1`)),
    );
    const ids = pages.flatMap((p) => p.data.map((i) => i.id));
    expect(new Set(ids).size).toBe(3);
  });

  it.each([
    ["initialPage=13&pageSize=5"],
    ["initialPage=100&pageSize=500"],
    ["limit=10&offset=60"],
    ["offset=1000"],
  ])("past the end (%s) gives no data and the right total_count", async (query) => {
    const page = await listInvitations(orgId, query);
    expect(page).toEqual({ data: [], total_count: 60 });
  });

  it.each([
    ["initialPage=2&offset=5", "offset"],
    ["pageSize=5&limit=5", "limit"],
    ["initialPage=1&limit=5", "limit"],
    ["pageSize=5&offset=0", "offset"],
  ])("mixing the paging families (%s) is 422 naming %s", async (query, param) => {
    const error = await apiError(
      await call("GET", `${invitationsPath(orgId)}?${query}`, { as: backend }),
      422,
    );
    expect(error.code).toBe("form_param_value_invalid");
    expect(error.meta).toMatchObject({ param_name: param });
  });

  it.each([
    ["pageSize=0", "pageSize"],
    ["pageSize=501", "pageSize"],
    ["initialPage=0", "initialPage"],
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["offset=-1", "offset"],
    ["pageSize=abc", "pageSize"],
  ])("%s is 422 naming %s", async (query, param) => {
    const error = await apiError(
      await call("GET", `${invitationsPath(orgId)}?${query}`, { as: backend }),
      422,
    );
    expect(error.code).toBe("form_param_value_invalid");
    expect(error.meta).toMatchObject({ param_name: param });
  });

  it("accepts the largest page size, 500", async () => {
    const page = await listInvitations(orgId, "pageSize=500");
    expect(page.data).toHaveLength(60);
  });
});

describe("status filter", () => {
  let orgId = "";
  const ids: Record<InvitationStatus, string[]> = {
    pending: [],
    accepted: [],
    revoked: [],
    expired: [],
    declined: [],
  };
  const setStatus = (id: string, status: string) =>
    env.DB.prepare("UPDATE invitations SET status = ? WHERE id = ?").bind(status, id).run();

  beforeAll(async () => {
    orgId = (await createOrganization()).id;
    for (let i = 0; i < 3; i++) ids.pending.push((await invite(orgId)).id);
    for (let i = 0; i < 2; i++) {
      const inv = await invite(orgId);
      await json(await call("POST", `${invitationsPath(orgId)}/${inv.id}/revoke`, { as: backend }));
      ids.revoked.push(inv.id);
    }
    // Still stored as pending: only its expiry makes it expired.
    const lapsing = await invite(orgId, { expires_in_days: 1 });
    ids.expired.push(lapsing.id);
    // Acceptance and declining are later issues' endpoints; set the stored outcome directly.
    const accepted = await invite(orgId);
    await setStatus(accepted.id, "accepted");
    ids.accepted.push(accepted.id);
    const declined = await invite(orgId);
    await setStatus(declined.id, "declined");
    ids.declined.push(declined.id);
  });

  /** Lists as of two days from now, when the one-day invitation has lapsed. */
  async function listLater(query: string) {
    vi.setSystemTime(Date.now() + 2 * DAY_MS);
    return listInvitations(orgId, `${query}&pageSize=100`);
  }

  const idsOf = (list: InvitationList) => list.data.map((i) => i.id).sort();
  const expected = (...statuses: InvitationStatus[]) => statuses.flatMap((s) => ids[s]).sort();

  it("with no filter, total_count counts every invitation", async () => {
    const page = await listLater("");
    expect(page.total_count).toBe(8);
  });

  it.each<[string, InvitationStatus[]]>([
    ["status=pending", ["pending"]],
    ["status=revoked", ["revoked"]],
    ["status=expired", ["expired"]],
    ["status=accepted", ["accepted"]],
    ["status=declined", ["declined"]],
    ["status=pending,revoked", ["pending", "revoked"]],
    ["status=pending&status=revoked", ["pending", "revoked"]],
    ["status=pending,expired", ["pending", "expired"]],
    ["status=accepted&status=declined,expired", ["accepted", "declined", "expired"]],
    ["status=pending,%20revoked", ["pending", "revoked"]],
  ])("%s returns exactly the matching invitations and counts them all", async (query, statuses) => {
    const page = await listLater(query);
    expect(idsOf(page)).toEqual(expected(...statuses));
    expect(page.total_count).toBe(expected(...statuses).length);
    for (const inv of page.data) expect(statuses).toContain(inv.status);
  });

  it("total_count counts every match, not just the page", async () => {
    vi.setSystemTime(Date.now() + 2 * DAY_MS);
    const page = await listInvitations(orgId, "status=pending,revoked&limit=1");
    expect(page.data).toHaveLength(1);
    expect(page.total_count).toBe(5);
  });

  it("an invitation past its expiry reads as expired, not pending", async () => {
    const page = await listLater("status=expired");
    expect(page.data.map((i) => i.status)).toEqual(["expired"]);
  });

  it.each([["status=bogus"], ["status=pending,bogus"], ["status=pending&status=Pending"]])(
    "an unknown status (%s) is 422 naming status",
    async (query) => {
      const error = await apiError(
        await call("GET", `${invitationsPath(orgId)}?${query}`, { as: backend }),
        422,
      );
      expect(error.code).toBe("form_param_value_invalid");
      expect(error.meta).toMatchObject({ param_name: "status" });
    },
  );
});

describe("email_address filter", () => {
  let orgId = "";
  beforeAll(async () => {
    orgId = (await createOrganization()).id;
    await bulkInvite(orgId, ["alice.one@example.com", "alice.two@example.org", "bob@example.com"]);
  });

  it("matches a case-insensitive prefix of the address", async () => {
    const page = await listInvitations(orgId, "email_address=ALICE");
    expect(emailsOf(page).sort()).toEqual(["alice.one@example.com", "alice.two@example.org"]);
    expect(page.total_count).toBe(2);
  });

  it("matches a whole address", async () => {
    const page = await listInvitations(
      orgId,
      `email_address=${encodeURIComponent("bob@example.com")}`,
    );
    expect(emailsOf(page)).toEqual(["bob@example.com"]);
    expect(page.total_count).toBe(1);
  });

  it("combines with the status filter", async () => {
    const [first] = (await listInvitations(orgId, "email_address=alice.one")).data;
    if (!first) throw new Error("alice.one was not listed");
    await json(await call("POST", `${invitationsPath(orgId)}/${first.id}/revoke`, { as: backend }));
    const pending = await listInvitations(orgId, "email_address=alice&status=pending");
    expect(emailsOf(pending)).toEqual(["alice.two@example.org"]);
    expect(pending.total_count).toBe(1);
  });

  it("gives nothing for a prefix no address has", async () => {
    expect(await listInvitations(orgId, "email_address=zed")).toEqual({ data: [], total_count: 0 });
  });
});

describe("order_by", () => {
  let orgId = "";
  beforeAll(async () => {
    orgId = (await createOrganization()).id;
    const start = Date.now() - 60_000;
    for (const [i, address] of [
      "carol@example.com",
      "alan@example.com",
      "bea@example.com",
    ].entries()) {
      vi.setSystemTime(start + i * 1000);
      await invite(orgId, { email_address: address });
    }
    vi.useRealTimers();
  });

  it.each([
    ["-created_at", ["bea@example.com", "alan@example.com", "carol@example.com"]],
    ["created_at", ["carol@example.com", "alan@example.com", "bea@example.com"]],
    ["email_address", ["alan@example.com", "bea@example.com", "carol@example.com"]],
    ["-email_address", ["carol@example.com", "bea@example.com", "alan@example.com"]],
  ])("order_by=%s sorts accordingly", async (orderBy, order) => {
    expect(emailsOf(await listInvitations(orgId, `order_by=${orderBy}`))).toEqual(order);
  });

  it("defaults to newest first", async () => {
    expect(emailsOf(await listInvitations(orgId))).toEqual([
      "bea@example.com",
      "alan@example.com",
      "carol@example.com",
    ]);
  });

  it("an unknown order_by is 422 naming order_by", async () => {
    const error = await apiError(
      await call("GET", `${invitationsPath(orgId)}?order_by=role`, { as: backend }),
      422,
    );
    expect(error.code).toBe("form_param_value_invalid");
    expect(error.meta).toMatchObject({ param_name: "order_by" });
  });
});

describe("deprecated pending list", () => {
  let orgId = "";
  let pendingIds: string[] = [];
  beforeAll(async () => {
    orgId = (await createOrganization()).id;
    const created = await bulkInvite(orgId, ["p1@example.com", "p2@example.com", "p3@example.com"]);
    pendingIds = created.data.map((i) => i.id);
    const [revoked] = pendingIds.splice(0, 1);
    await json(await call("POST", `${invitationsPath(orgId)}/${revoked}/revoke`, { as: backend }));
  });

  it("lists only pending invitations, with the total", async () => {
    const res = await call("GET", `${invitationsPath(orgId)}/pending`, { as: backend });
    const page = await json<InvitationList>(res);
    expect(page.data.map((i) => i.id).sort()).toEqual([...pendingIds].sort());
    expect(page.data.every((i) => i.status === "pending")).toBe(true);
    expect(page.total_count).toBe(2);
  });

  it("answers with a Deprecation header and a Link to its successor", async () => {
    const res = await call("GET", `${invitationsPath(orgId)}/pending`, { as: backend });
    expect(res.status).toBe(200);
    // RFC 9745: a structured-field date, the moment of deprecation in Unix seconds.
    expect(res.headers.get("deprecation")).toBe(`@${Date.UTC(2026, 10, 26) / 1000}`);
    const link = res.headers.get("link") ?? "";
    expect(link).toContain(`<${invitationsPath(orgId)}?status=pending>`);
    expect(link).toContain('rel="successor-version"');
    await res.body?.cancel();
  });

  it("pages by limit and offset", async () => {
    const first = await json<InvitationList>(
      await call("GET", `${invitationsPath(orgId)}/pending?limit=1&offset=0`, { as: backend }),
    );
    const second = await json<InvitationList>(
      await call("GET", `${invitationsPath(orgId)}/pending?limit=1&offset=1`, { as: backend }),
    );
    expect(first.total_count).toBe(2);
    expect(second.total_count).toBe(2);
    expect([...first.data, ...second.data].map((i) => i.id).sort()).toEqual([...pendingIds].sort());
  });

  it.each([["limit=0"], ["limit=501"], ["offset=-1"]])("%s is 422", async (query) => {
    const error = await apiError(
      await call("GET", `${invitationsPath(orgId)}/pending?${query}`, { as: backend }),
      422,
    );
    expect(error.code).toBe("form_param_value_invalid");
  });
});
