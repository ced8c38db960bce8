/**
 * Every JSON endpoint under `/v1` (from the app's own route table) under random bodies, and under
 * everything random at once. Each request must get: no 5xx; a refusal only in the contract's
 * envelope (429 only as `rate_limit_exceeded` with `Retry-After`); and a refused request must
 * leave the database exactly as it was. See `properties.ts` and `check.ts`.
 */

import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SECRET_KEY, sessionToken } from "../support/api";
import { createOrganization } from "../support/fixtures";
import { apiError, invitationsPath, recordQueueSends } from "../support/invitations";
import { captureWebhookSends } from "../support/webhooks";
import { describeTally, endpointKeys, endpointsWithBody, RUNS, runProperty } from "./properties";

beforeAll(() => {
  // Emails stay off the local queue: its consumer writing delivery columns in the background
  // would look like a refused request changing the database.
  recordQueueSends();
  // So do webhook deliveries: the fuzzer registers endpoints at generated hosts, which the real
  // consumer would try to reach.
  captureWebhookSends();
});

describe("/v1 JSON endpoints under random bodies", () => {
  it("fuzzes the endpoints the app's route table lists", () => {
    expect(endpointKeys()).toContain("POST /v1/organizations/:organization_id/invitations");
    expect(endpointKeys()).toContain("POST /v1/organizations/:organization_id/invitations/bulk");
    expect(endpointsWithBody()).toBeGreaterThanOrEqual(4);
  });

  it.each(["bodies", "everything"] as const)(
    "%s: no 5xx, refusals in the envelope, refusals change nothing",
    async (name) => {
      const { cases, tally } = await runProperty(name);
      console.log(describeTally(name, cases, tally));
      expect(cases).toBe(RUNS[name]);
      // The fuzz must get past authentication and validation, or it proves little.
      expect(tally.get("200") ?? 0, describeTally(name, cases, tally)).toBeGreaterThan(cases / 20);
    },
  );
});

describe("cases the fuzz found, pinned", () => {
  it("a body sent with a Content-Type other than JSON is 400 request_body_invalid, not 500", async () => {
    const org = await createOrganization();
    const session = await sessionToken("user_pinned", { email: "pinned@example.com" });
    const cases = [
      { path: invitationsPath(org.id), token: SECRET_KEY },
      { path: `${invitationsPath(org.id)}/bulk`, token: SECRET_KEY },
      { path: "/v1/organizations", token: SECRET_KEY },
      { path: "/v1/tickets/accept", token: session },
    ];
    for (const { path, token } of cases) {
      for (const contentType of ["text/plain", "", "multipart/form-data; boundary=x"]) {
        const res = await exports.default.fetch(
          new Request(`https://invitations.test${path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": contentType },
            body: "{}",
          }),
        );
        const error = await apiError(res, 400).catch((e: Error) => {
          throw new Error(`${path} with "${contentType}": ${e.message}`);
        });
        expect(error.code, `${path} with "${contentType}"`).toBe("request_body_invalid");
      }
    }
  });
});
