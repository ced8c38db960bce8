/**
 * Every JSON endpoint under `/v1` (from the app's own route table) under random query strings and
 * random headers. Each request must get: no 5xx; a refusal only in the contract's envelope (429
 * only as `rate_limit_exceeded` with `Retry-After`); and a refused request must leave the
 * database exactly as it was. See `properties.ts` and `check.ts`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { recordQueueSends } from "../support/invitations";
import { captureWebhookSends } from "../support/webhooks";
import { describeTally, RUNS, runProperty, TOTAL_RUNS } from "./properties";

beforeAll(() => {
  // Emails stay off the local queue: its consumer writing delivery columns in the background
  // would look like a refused request changing the database.
  recordQueueSends();
  // So do webhook deliveries: the fuzzer registers endpoints at generated hosts, which the real
  // consumer would try to reach.
  captureWebhookSends();
});

describe("/v1 JSON endpoints under random query strings and headers", () => {
  it("the property suite runs at least 5,000 cases", () => {
    expect(TOTAL_RUNS).toBeGreaterThanOrEqual(5000);
  });

  it.each(["queries", "headers"] as const)(
    "%s: no 5xx, refusals in the envelope, refusals change nothing",
    async (name) => {
      const { cases, tally } = await runProperty(name);
      console.log(describeTally(name, cases, tally));
      expect(cases).toBe(RUNS[name]);
      expect(tally.get("200") ?? 0, describeTally(name, cases, tally)).toBeGreaterThan(cases / 20);
    },
  );
});
