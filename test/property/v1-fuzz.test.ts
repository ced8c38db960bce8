/**
 * Property tests over every JSON endpoint under `/v1` (read from the app's route table and its
 * OpenAPI document, see `endpoints.ts`): random bodies, query strings and headers. For every
 * request: no 5xx; every non-2xx answer is the contract's error envelope (429 only as
 * `rate_limit_exceeded` with `Retry-After`); and a refused request changes nothing in the database.
 *
 * fast-check prints the seed and the shrunk counterexample of a failure; replay it with
 * `{ seed, path }` in the failing property's parameters.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordQueueSends } from "../support/invitations";
import { type Endpoint, jsonEndpoints, knownFields } from "./endpoints";
import {
  authorizationFor,
  bodyText,
  buildWorld,
  checkOne,
  clientAddress,
  contentTypes,
  credentialsFor,
  databaseFingerprint,
  extraHeaders,
  type FuzzRequest,
  type FuzzWorld,
  pathFor,
  queryFor,
  type Tally,
  validBody,
} from "./fuzz";

const ENDPOINTS = jsonEndpoints();
const FIELDS = knownFields(ENDPOINTS);

/** Cases per property; together at least 5,000 per `npm test` run. */
const RUNS = { bodies: 2000, queries: 1400, headers: 1000, everything: 800 } as const;

let casesRun = 0;
const tallies = new Map<string, Tally>();

beforeAll(() => {
  // Emails stay off the local queue: its consumer writing delivery columns in the background
  // would look like a refused request changing the database.
  recordQueueSends();
});

afterAll(() => {
  for (const [name, tally] of tallies) {
    const counts = [...tally].sort(([a], [b]) => a.localeCompare(b));
    console.log(`[fuzz] ${name}: ${counts.map(([k, n]) => `${k}=${n}`).join(" ")}`);
  }
});

/** One endpoint's requests, built from what `parts` generates for it. */
type Builder = (e: Endpoint, w: FuzzWorld) => fc.Arbitrary<FuzzRequest>;

const overEndpoints = (w: FuzzWorld, build: Builder) =>
  fc.oneof(...ENDPOINTS.map((e) => build(e, w)));

function headersWith(
  token: string | null,
  contentType: string | undefined,
  ip: string,
): Record<string, string> {
  const headers: Record<string, string> = { "cf-connecting-ip": ip };
  if (token) headers.authorization = `Bearer ${token}`;
  if (contentType !== undefined) headers["content-type"] = contentType;
  return headers;
}

/** Runs one property over a fresh world of its own, counting cases and answers. */
async function runProperty(name: keyof typeof RUNS, build: Builder) {
  const world = await buildWorld(name);
  const tally: Tally = new Map();
  tallies.set(name, tally);
  let fingerprint = await databaseFingerprint();
  await fc.assert(
    fc.asyncProperty(overEndpoints(world, build), async (req) => {
      casesRun++;
      fingerprint = await checkOne(req, fingerprint, tally);
    }),
    { numRuns: RUNS[name] },
  );
}

describe("every /v1 JSON endpoint under hostile input", () => {
  it("finds the endpoints in the app's route table", () => {
    const keys = ENDPOINTS.map((e) => `${e.method} ${e.path}`);
    expect(keys).toContain("POST /v1/organizations/:organization_id/invitations");
    expect(keys).toContain("GET /v1/organizations/:organization_id/invitations");
    expect(ENDPOINTS.filter((e) => e.body !== null).length).toBeGreaterThanOrEqual(4);
  });

  it("random bodies: arbitrary JSON, non-JSON, and near misses of the real fields", async () => {
    await runProperty("bodies", (e, w) =>
      fc
        .record({
          path: pathFor(e, w),
          body: bodyText(e, FIELDS, w),
          token: credentialsFor(w),
          contentType: fc.oneof(
            { weight: 9, arbitrary: fc.constant("application/json") },
            { weight: 1, arbitrary: contentTypes },
          ),
          ip: clientAddress,
        })
        .map((p) => ({
          method: e.method,
          path: p.path,
          query: "",
          headers: headersWith(p.token, p.contentType, p.ip),
          body: p.body,
        })),
    );
  });

  it("random query strings: paging, status, order_by, email_address and junk", async () => {
    await runProperty("queries", (e, w) =>
      fc
        .record({
          path: pathFor(e, w),
          query: queryFor(e, w),
          body: validBody(e, w),
          token: credentialsFor(w),
          ip: clientAddress,
        })
        .map((p) => ({
          method: e.method,
          path: p.path,
          query: p.query,
          headers: headersWith(p.token, "application/json", p.ip),
          body: p.body,
        })),
    );
  });

  it("random headers: Authorization and Content-Type variants, cookies, request ids", async () => {
    await runProperty("headers", (e, w) =>
      fc
        .record({
          path: pathFor(e, w),
          body: validBody(e, w),
          authorization: authorizationFor(w),
          contentType: contentTypes,
          extra: extraHeaders,
          ip: clientAddress,
        })
        .map((p) => {
          const headers = headersWith(null, p.contentType, p.ip);
          if (p.authorization !== undefined) headers.authorization = p.authorization;
          return {
            method: e.method,
            path: p.path,
            query: "",
            headers: { ...p.extra, ...headers },
            body: p.body,
          };
        }),
    );
  });

  it("everything random at once", async () => {
    await runProperty("everything", (e, w) =>
      fc
        .record({
          path: pathFor(e, w),
          query: queryFor(e, w),
          body: bodyText(e, FIELDS, w),
          authorization: fc.oneof(
            credentialsFor(w).map((t) => (t ? `Bearer ${t}` : undefined)),
            authorizationFor(w),
          ),
          contentType: contentTypes,
          ip: clientAddress,
        })
        .map((p) => {
          const headers = headersWith(null, p.contentType, p.ip);
          if (p.authorization !== undefined) headers.authorization = p.authorization;
          return { method: e.method, path: p.path, query: p.query, headers, body: p.body };
        }),
    );
  });

  it("ran at least 5,000 cases", () => {
    expect(casesRun).toBeGreaterThanOrEqual(5000);
  });
});
