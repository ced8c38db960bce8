/**
 * Webhook history is kept 30 days: the cron drops older attempts, and older events with their
 * deliveries once none is pending. What is still owed to an endpoint stays, however old.
 */
import { env } from "cloudflare:workers";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/client";
import { finishedEventIds, oldAttemptIds } from "../../src/webhooks/repository";
import { createOrganization, invite } from "../support/fixtures";
import {
  captureWebhookSends,
  consumeWebhooks,
  createEndpoint,
  deleteAllEndpoints,
  mockEndpoints,
  runCron,
} from "../support/webhooks";

const DAY_MS = 24 * 60 * 60 * 1000;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

afterAll(async () => {
  await deleteAllEndpoints();
});

const column = async (sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .raw<[unknown]>()
  ).map((r) => r[0]);

/** The delivery status of each invitation's created event, by invitation id. */
async function deliveryStatusBySubject(ids: string[]): Promise<Record<string, unknown>> {
  const rows = await env.DB.prepare(
    `SELECT e.subject_id, d.status FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id
     WHERE e.type = 'organizationInvitation.created' AND e.subject_id IN (?, ?)`,
  )
    .bind(...ids)
    .raw<[string, string]>();
  return Object.fromEntries(rows);
}

describe("webhook history", () => {
  it("after 30 days, drops attempts and finished events with their deliveries, and keeps an event whose delivery is pending", async () => {
    await createEndpoint("/prune");
    const capture = captureWebhookSends();
    const org = await createOrganization();
    const ids = [(await invite(org.id)).id, (await invite(org.id)).id];
    const [first, second] = capture.take();
    mockEndpoints(200);
    await consumeWebhooks([first]);
    vi.restoreAllMocks();
    mockEndpoints(500);
    await consumeWebhooks([second]);
    const statuses = await deliveryStatusBySubject(ids);
    expect(Object.values(statuses).sort()).toEqual(["pending", "succeeded"]);
    const finished = ids.find((id) => statuses[id] === "succeeded");
    const owed = ids.find((id) => statuses[id] === "pending");
    expect(await column("SELECT count(*) FROM webhook_attempts")).toEqual([2]);

    // Nothing is 30 days old yet.
    await runCron();
    expect(await column("SELECT count(*) FROM webhook_attempts")).toEqual([2]);
    expect(Object.keys(await deliveryStatusBySubject(ids)).sort()).toEqual([...ids].sort());

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31 * DAY_MS);
    captureWebhookSends();
    mockEndpoints(200);
    await runCron();

    expect(
      await column(
        "SELECT count(*) FROM webhook_attempts WHERE created_at < ?",
        Date.now() - 30 * DAY_MS,
      ),
    ).toEqual([0]);
    expect(
      await column(
        "SELECT subject_id FROM webhook_events WHERE type = 'organizationInvitation.created' AND subject_id IN (?, ?)",
        ...ids,
      ),
      "the finished event is gone; the owed one stays",
    ).toEqual([owed]);
    expect(finished).toBeDefined();
    expect(
      await column(
        "SELECT count(*) FROM webhook_deliveries WHERE event_id NOT IN (SELECT id FROM webhook_events)",
      ),
      "deliveries go with their event",
    ).toEqual([0]);
    expect(await deliveryStatusBySubject(ids)).toEqual({ [owed as string]: "pending" });
  });

  it.each([
    ["attempts", oldAttemptIds, "webhook_attempts_created"],
    ["events", finishedEventIds, "webhook_events_fanned"],
  ] as const)("the prune of old %s walks an index", async (_label, query, index) => {
    const { sql, params } = query(openDatabase(env.DB), Date.now(), 500).toSQL();
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail).join("\n");
    expect(plan).toContain(`INDEX ${index}`);
    expect(plan).not.toMatch(/SCAN webhook_(attempts|events)\b/);
  });
});
