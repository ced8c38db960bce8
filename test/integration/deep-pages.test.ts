/**
 * Deep pages are read from the nearer end of the list. Whatever the order, filter or page, that
 * must return exactly the rows the straight walk returns, tie-breakers included.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { InvitationStatus } from "../../src/contract/roles";
import { openDatabase } from "../../src/db/client";
import type { OrderBy } from "../../src/invitations/queries";
import { type InvitationListQuery, listInvitationsPage } from "../../src/invitations/repository";
import { backend, call, json } from "../support/api";
import { createOrganization } from "../support/fixtures";
import { addresses, bulkInvite, invitationsPath } from "../support/invitations";

let orgId = "";
const db = () => openDatabase(env.DB);

beforeAll(async () => {
  orgId = (await createOrganization()).id;
  // Bulk rows share a created_at, so the id tie-breaker decides their order.
  const first = (await bulkInvite(orgId, addresses("deep-a", 20))).data;
  await bulkInvite(orgId, addresses("deep-b", 17));
  for (const inv of first.slice(0, 6)) {
    await json(await call("POST", `${invitationsPath(orgId)}/${inv.id}/revoke`, { as: backend }));
  }
});

const query = (over: Partial<InvitationListQuery>): InvitationListQuery => ({
  organizationId: orgId,
  statuses: [],
  orderBy: "-created_at",
  limit: 5,
  offset: 0,
  now: Date.now(),
  ...over,
});

const ORDERS: OrderBy[] = ["-created_at", "created_at", "email_address", "-email_address"];
const FILTERS: [string, Partial<InvitationListQuery>][] = [
  ["no filter", {}],
  ["status=pending", { statuses: ["pending"] as InvitationStatus[] }],
  ["status=revoked", { statuses: ["revoked"] as InvitationStatus[] }],
  ["email prefix", { emailPrefix: "deep-b" }],
];

describe("deep pages read from the nearer end", () => {
  it.each(ORDERS.flatMap((o) => FILTERS.map(([label, f]) => [o, label, f] as const)))(
    "order %s with %s: every page equals the straight walk",
    async (orderBy, _label, filter) => {
      const straight = await listInvitationsPage(db(), query({ ...filter, orderBy, limit: 500 }), {
        deepOffset: Number.POSITIVE_INFINITY,
      });
      const ids = straight.rows.map((r) => r.id);
      expect(ids.length).toBeGreaterThan(0);
      for (let offset = 0; offset <= ids.length + 5; offset += 3) {
        const page = await listInvitationsPage(db(), query({ ...filter, orderBy, offset }), {
          deepOffset: 0,
        });
        expect(page.totalCount).toBe(straight.totalCount);
        expect(
          page.rows.map((r) => r.id),
          `offset ${offset}`,
        ).toEqual(ids.slice(offset, offset + 5));
      }
    },
  );
});
