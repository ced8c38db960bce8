/**
 * Every list and count is served by an index: SQLite's `EXPLAIN QUERY PLAN` for the exact SQL the
 * repository runs (D1 bills rows scanned, so a full scan is a cost bug, not only a speed one).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { InvitationStatus } from "../../src/contract/roles";
import { openDatabase } from "../../src/db/client";
import { runRead } from "../../src/db/prepared";
import type { OrderBy } from "../../src/invitations/queries";
import {
  type InvitationListQuery,
  invitationListStatements,
  listInvitationsPage,
} from "../../src/invitations/repository";
import { createOrganization } from "../support/fixtures";
import { addresses, bulkInvite } from "../support/invitations";

interface PlanRow {
  detail: string;
}

async function explain(query: { sql: string; params: unknown[] }): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
    .bind(...query.params)
    .all<PlanRow>();
  return results.map((r) => r.detail);
}

/** The plan's steps that read a table. */
const tableSteps = (plan: string[]) => plan.filter((d) => /^(SCAN|SEARCH) \w+/.test(d));

/**
 * Each step is a search through an index keyed by the organization (never the whole table, never
 * another organization's rows), or a primary-key lookup of the ids such a search picked.
 */
const ALLOWED_STEP = new RegExp(
  [
    /^SEARCH invitations USING (COVERING )?INDEX invitations_\w+ \(organization_id=\?/.source,
    /^SEARCH invitations USING INDEX sqlite_autoindex_invitations_1 \(id=\?\)$/.source,
    /^SEARCH invitation_status_counts USING INDEX sqlite_autoindex_invitation_status_counts_1 \(organization_id=\?\)$/
      .source,
  ].join("|"),
);

function expectIndexed(plan: string[]) {
  const steps = tableSteps(plan);
  expect(steps.length, plan.join("\n")).toBeGreaterThan(0);
  for (const step of steps) expect(step, plan.join("\n")).toMatch(ALLOWED_STEP);
}

type Total = ReturnType<typeof invitationListStatements>["total"];
/** Every statement that computes the total. */
const totalStatements = (total: Total) =>
  total.kind === "rows" ? [total.count] : [total.stored, total.lapsed];

async function expectTotalIndexed(total: Total) {
  for (const statement of totalStatements(total)) expectIndexed(await explain(statement.query));
}

let orgId = "";
const NOW = Date.now();

const query = (overrides: Partial<InvitationListQuery> = {}): InvitationListQuery => ({
  organizationId: orgId,
  statuses: [],
  orderBy: "-created_at",
  limit: 10,
  offset: 0,
  now: NOW,
  ...overrides,
});

beforeAll(async () => {
  // Some rows, in two organizations, so the planner has something to choose between.
  orgId = (await createOrganization()).id;
  const other = (await createOrganization()).id;
  await bulkInvite(orgId, addresses("plan-a", 50));
  await bulkInvite(other, addresses("plan-b", 50));
});

const STATUS_CASES: [string, InvitationStatus[]][] = [
  ["no status filter", []],
  ["status=pending", ["pending"]],
  ["status=revoked", ["revoked"]],
  ["status=expired", ["expired"]],
  ["status=pending,revoked", ["pending", "revoked"]],
  ["status=pending,expired", ["pending", "expired"]],
  ["status=accepted,declined,revoked", ["accepted", "declined", "revoked"]],
];

describe("invitation list query plans", () => {
  const db = () => openDatabase(env.DB);

  it.each(STATUS_CASES)("the page query with %s uses an index", async (_label, statuses) => {
    const { page } = invitationListStatements(db(), query({ statuses }));
    expectIndexed(await explain(page.query));
  });

  it.each(STATUS_CASES)("the count query with %s uses an index", async (_label, statuses) => {
    const { total } = invitationListStatements(db(), query({ statuses }));
    expect(total.kind, "without an address filter the counters answer").toBe("counters");
    await expectTotalIndexed(total);
  });

  it("the default newest-first page picks its ids in index order, with no sort of the list", async () => {
    const { page } = invitationListStatements(db(), query());
    const plan = await explain(page.query);
    expectIndexed(plan);
    // Only the outer query sorts, and only the page's own rows (at most `limit`).
    expect(
      plan.filter((d) => d.includes("USE TEMP B-TREE")),
      plan.join("\n"),
    ).toHaveLength(1);
    expect(plan.join("\n")).toMatch(/USING COVERING INDEX invitations_org_created/);
  });

  it("the status=pending page is served in order by the status index", async () => {
    const { page } = invitationListStatements(db(), query({ statuses: ["pending"] }));
    const plan = await explain(page.query);
    expect(plan.join("\n")).toMatch(
      /COVERING INDEX invitations_org_status_created \(organization_id=\? AND status=\?/,
    );
    expect(
      plan.filter((d) => d.includes("USE TEMP B-TREE")),
      plan.join("\n"),
    ).toHaveLength(1);
  });

  it.each<[string, InvitationStatus[]]>([
    ["alone", []],
    ["with status=pending", ["pending"]],
    ["with status=pending,revoked", ["pending", "revoked"]],
  ])(
    "the email_address prefix filter, %s, uses an index for page and count",
    async (_label, statuses) => {
      const { page, total } = invitationListStatements(
        db(),
        query({ statuses, emailPrefix: "plan-a-1" }),
      );
      expectIndexed(await explain(page.query));
      await expectTotalIndexed(total);
    },
  );

  it.each<[OrderBy]>([["created_at"], ["email_address"], ["-email_address"]])(
    "order_by=%s uses an index",
    async (orderBy) => {
      const { page } = invitationListStatements(db(), query({ orderBy }));
      expectIndexed(await explain(page.query));
    },
  );

  it("the statements are the ones the endpoint runs: same rows, same count", async () => {
    const q = query({ statuses: ["pending"], limit: 500 });
    const { page } = invitationListStatements(db(), q);
    expect(await runRead(db(), page)).toHaveLength(50);
    expect((await listInvitationsPage(db(), q)).totalCount).toBe(50);
  });

  it("the status counters agree with counting the rows, status by status", async () => {
    const { results } = await env.DB.prepare(
      `SELECT i.status, count(*) AS rows_counted, c.count AS counter
       FROM invitations i JOIN invitation_status_counts c
         ON c.organization_id = i.organization_id AND c.status = i.status
       WHERE i.organization_id = ? GROUP BY i.status`,
    )
      .bind(orgId)
      .all<{ status: string; rows_counted: number; counter: number }>();
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.counter, r.status).toBe(r.rows_counted);
  });
});
