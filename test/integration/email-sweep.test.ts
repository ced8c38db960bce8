/**
 * The scheduled sweep: a queue send that fails after the invitation was written leaves the
 * delivery `queued`; the sweep puts it back on the queue and the email goes out, once.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { invitations } from "../../src/db/schema";
import worker from "../../src/index";
import { staleQueuedDeliveriesQuery } from "../../src/invitations/delivery-repository";
import { STALE_QUEUED_AFTER_MS } from "../../src/invitations/delivery-sweep";
import { backend, call, json } from "../support/api";
import { db, outboxFor, readInvitation } from "../support/email";
import { createOrganization, invite } from "../support/fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

async function runCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The delivery has been waiting longer than the sweep tolerates (instead of moving the clock). */
const leaveQueuedTooLong = (id: string) =>
  db()
    .update(invitations)
    .set({ deliveryQueuedAt: Date.now() - STALE_QUEUED_AFTER_MS - 1000 })
    .where(eq(invitations.id, id));

/** Lets the local queue deliver anything that is on it, then reads the outbox. */
async function settledOutbox(id: string) {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return outboxFor([id]);
}

describe("requeue sweep", () => {
  it("recovers a queue send that failed after the write: the email goes out, once", async () => {
    const sendBatch = vi
      .spyOn(env.EMAIL_QUEUE, "sendBatch")
      .mockRejectedValueOnce(new Error("Queue send failed: internal error"));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const org = await createOrganization();

    const invitation = await invite(org.id);

    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(invitation.email_delivery.status).toBe("queued");
    expect(await settledOutbox(invitation.id)).toHaveLength(0);

    await leaveQueuedTooLong(invitation.id);
    await runCron();

    const emails = await vi.waitUntil(
      async () => {
        const found = await outboxFor([invitation.id]);
        return found.length > 0 ? found : false;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(emails).toHaveLength(1);
    expect(emails[0]?.acceptUrl).toBe(invitation.url);

    // Another run finds nothing to do: the delivery is sent.
    await runCron();
    expect(await settledOutbox(invitation.id)).toHaveLength(1);
    const shown = await json<InvitationJson>(
      await call("GET", `/v1/organizations/${org.id}/invitations/${invitation.id}`, {
        as: backend,
      }),
    );
    expect(shown.email_delivery).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("marks a stale delivery of a revoked invitation skipped instead of re-enqueuing it", async () => {
    vi.spyOn(env.EMAIL_QUEUE, "sendBatch").mockRejectedValueOnce(new Error("queue down"));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const org = await createOrganization();
    const invitation = await invite(org.id);
    await json(
      await call("POST", `/v1/organizations/${org.id}/invitations/${invitation.id}/revoke`, {
        as: backend,
      }),
    );
    await leaveQueuedTooLong(invitation.id);

    await runCron();

    expect(await readInvitation(invitation.id)).toMatchObject({
      deliveryStatus: "skipped",
      deliveryLastError: "invitation is revoked; email not sent",
    });
    expect(await settledOutbox(invitation.id)).toHaveLength(0);
  });

  it("leaves a delivery that is queued but not yet stale alone", async () => {
    const sendBatch = vi.spyOn(env.EMAIL_QUEUE, "sendBatch").mockResolvedValueOnce({
      metadata: {
        metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: new Date() },
      },
    });
    const org = await createOrganization();
    const invitation = await invite(org.id);
    const before = await readInvitation(invitation.id);

    await runCron();

    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(await readInvitation(invitation.id)).toMatchObject({
      deliveryStatus: "queued",
      deliveryQueuedAt: before.deliveryQueuedAt,
    });
  });

  it("reads only queued rows, through the partial index on delivery_queued_at", async () => {
    const { sql, params } = staleQueuedDeliveriesQuery(db(), Date.now(), 500).toSQL();

    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();

    const plan = results.map((r) => r.detail);
    expect(plan, plan.join("\n")).toContainEqual(
      expect.stringMatching(
        /^SEARCH invitations USING INDEX invitations_delivery_queued \(delivery_queued_at<\?\)/,
      ),
    );
  });
});
