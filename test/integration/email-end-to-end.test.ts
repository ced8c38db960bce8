/**
 * The whole pipeline through the real local queue: API → D1 → producer → Queues → consumer →
 * outbox transport (the tests' EMAIL_TRANSPORT) → D1 outbox.
 */
import { describe, expect, it, vi } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { readTicket } from "../../src/invitations/tickets";
import { backend, call, json } from "../support/api";
import { outboxFor, readInvitation } from "../support/email";
import { createOrganization, unique } from "../support/fixtures";
import { TEST_VARS } from "../support/vars";

describe("invitation emails end to end", () => {
  it("sends each of 250 bulk invitations one email whose link resolves to its own invitation", async () => {
    const org = await createOrganization({ name: "Bulk & Co" });
    const label = unique("bulk");
    const addresses = Array.from({ length: 250 }, (_, i) => `${label}-${i}@example.com`);
    const created = await json<{ data: InvitationJson[]; total_count: number }>(
      await call("POST", `/v1/organizations/${org.id}/invitations/bulk`, {
        as: backend,
        body: { email_address: addresses, role: "basic_member" },
      }),
    );
    expect(created.total_count).toBe(250);
    expect(created.data.every((inv) => inv.email_delivery.status === "queued")).toBe(true);
    const byId = new Map(created.data.map((inv) => [inv.id, inv]));

    const emails = await vi.waitUntil(
      async () => {
        const found = await outboxFor([...byId.keys()]);
        return found.length >= 250 ? found : false;
      },
      { timeout: 60_000, interval: 250 },
    );

    expect(emails).toHaveLength(250);
    expect(new Set(emails.map((e) => e.invitationId)).size).toBe(250);
    for (const email of emails) {
      const invitation = byId.get(email.invitationId);
      expect(invitation, `outbox email for unknown invitation ${email.invitationId}`).toBeDefined();
      expect(email.to).toBe(invitation?.email_address);
      expect(email.subject).toContain("Bulk & Co");
      const ticket = new URL(email.acceptUrl).searchParams.get("ticket") ?? "";
      const claims = await readTicket(TEST_VARS.TICKET_SECRET, ticket);
      expect(claims, `ticket in ${email.acceptUrl}`).toEqual({
        invitationId: email.invitationId,
        linkVersion: 1,
      });
      expect(email.text).toContain(email.acceptUrl);
    }

    // Every delivery is recorded as sent, once.
    const sample = await readInvitation(created.data[0]?.id ?? "");
    expect(sample).toMatchObject({ deliveryStatus: "sent", deliveryAttempts: 1 });
    const shown = await json<InvitationJson>(
      await call("GET", `/v1/organizations/${org.id}/invitations/${sample.id}`, { as: backend }),
    );
    expect(shown.email_delivery).toMatchObject({ status: "sent", attempts: 1, last_error: null });
    expect(shown.email_delivery.sent_at).toEqual(expect.any(Number));
  });
});
