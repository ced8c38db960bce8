/**
 * Every list and count is served by an index: SQLite's `EXPLAIN QUERY PLAN` for the exact SQL the
 * repository runs (D1 bills rows scanned, so a full scan is a cost bug, not only a speed one).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { InvitationStatus } from "../../src/contract/roles";
import { openDatabase } from "../../src/db/client";
import type { OrderBy } from "../../src/invitations/queries";
import {
  type InvitationListQuery,
  invitationListStatements,
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

/** The plan's steps that read the invitations table. */
const invitationSteps = (plan: string[]) =>
  plan.filter((d) => /^(SCAN|SEARCH) invitations\b/.test(d));

function expectIndexed(plan: string[]) {
  const steps = invitationSteps(plan);
  expect(steps.length, plan.join("\n")).toBeGreaterThan(0);
  for (const step of steps) {
    // A search through an index keyed by the organization: never the whole table, never another
    // organization's rows.
    expect(step, plan.join("\n")).toMatch(
      /^SEARCH invitations USING (COVERING )?INDEX invitations_\w+ \(organization_id=\?/,
    );
  }
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
    expectIndexed(await explain(page.toSQL()));
  });

  it.each(STATUS_CASES)("the count query with %s uses an index", async (_label, statuses) => {
    const { total } = invitationListStatements(db(), query({ statuses }));
    expectIndexed(await explain(total.toSQL()));
  });

  it("the default newest-first page needs no sort: the index gives the order", async () => {
    const { page } = invitationListStatements(db(), query());
    const plan = await explain(page.toSQL());
    expectIndexed(plan);
    expect(plan.join("\n")).not.toContain("USE TEMP B-TREE");
  });

  it("the status=pending page is served in order by the status index", async () => {
    const { page } = invitationListStatements(db(), query({ statuses: ["pending"] }));
    const plan = await explain(page.toSQL());
    expect(plan.join("\n")).toMatch(
      /INDEX invitations_org_status_created \(organization_id=\? AND status=\?/,
    );
    expect(plan.join("\n")).not.toContain("USE TEMP B-TREE");
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
      expectIndexed(await explain(page.toSQL()));
      expectIndexed(await explain(total.toSQL()));
    },
  );

  it.each<[OrderBy]>([["created_at"], ["email_address"], ["-email_address"]])(
    "order_by=%s uses an index",
    async (orderBy) => {
      const { page } = invitationListStatements(db(), query({ orderBy }));
      expectIndexed(await explain(page.toSQL()));
    },
  );

  it("the statements are the ones the endpoint runs: same rows, same count", async () => {
    const { page, total } = invitationListStatements(
      db(),
      query({ statuses: ["pending"], limit: 500 }),
    );
    const [rows, counted] = await Promise.all([page, total]);
    expect(rows).toHaveLength(50);
    expect(counted[0]?.n).toBe(50);
  });
});
