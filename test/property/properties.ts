/**
 * The four properties, as request generators over every `/v1` endpoint, and the runner that
 * checks each generated request (see `checkOne` in `check.ts`). Two test files run two properties
 * each, so the suite uses both cores of a small CI machine.
 *
 * fast-check prints the seed and the shrunk counterexample of a failure; replay it by passing
 * `{ seed, path }` to `runProperty`'s `fc.assert` parameters.
 */
import fc from "fast-check";
import { checkOne, databaseFingerprint, type FuzzRequest, type Tally } from "./check";
import { type Endpoint, jsonEndpoints, knownFields } from "./endpoints";
import {
  authorizationFor,
  clientAddress,
  contentTypes,
  credentialsFor,
  extraHeaders,
  pathFor,
  queryFor,
} from "./requests";
import { bodyText, validBody } from "./values";
import { buildWorld, type FuzzWorld } from "./world";

/**
 * Cases per property: together at least 5,000 per `npm test` run, within about a minute on a
 * two-core machine (each case is one request and one fingerprint query).
 */
export const RUNS = { bodies: 2000, everything: 800, queries: 1400, headers: 1000 } as const;
export type PropertyName = keyof typeof RUNS;
export const TOTAL_RUNS = Object.values(RUNS).reduce((a, b) => a + b, 0);

const ENDPOINTS = jsonEndpoints();
const FIELDS = knownFields(ENDPOINTS);

export const endpointKeys = () => ENDPOINTS.map((e) => `${e.method} ${e.path}`);
export const endpointsWithBody = () => ENDPOINTS.filter((e) => e.body !== null).length;

/** One endpoint's requests. */
type Builder = (e: Endpoint, w: FuzzWorld) => fc.Arbitrary<FuzzRequest>;

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

const BUILDERS: Record<PropertyName, Builder> = {
  /** Arbitrary JSON, non-JSON, near misses of the real fields, valid bodies with one thing wrong. */
  bodies: (e, w) =>
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

  /** Paging, status, order_by, email_address and junk; a valid body. */
  queries: (e, w) =>
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

  /** Authorization and Content-Type variants, cookies, request ids; a valid body. */
  headers: (e, w) =>
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

  /** Every part random at once. */
  everything: (e, w) =>
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
};

/**
 * Runs one property over a fresh world of its own (its own organization, so per-organization
 * limits and data are its own). Returns the cases run and the answers seen, by status and code.
 */
export async function runProperty(name: PropertyName): Promise<{ cases: number; tally: Tally }> {
  const world = await buildWorld(name);
  const build = BUILDERS[name];
  const tally: Tally = new Map();
  let cases = 0;
  let fingerprint = await databaseFingerprint();
  await fc.assert(
    fc.asyncProperty(fc.oneof(...ENDPOINTS.map((e) => build(e, world))), async (req) => {
      cases++;
      fingerprint = await checkOne(req, fingerprint, tally);
    }),
    { numRuns: RUNS[name] },
  );
  return { cases, tally };
}

/** One line per property: how deep the fuzz got (statuses and error codes seen). */
export const describeTally = (name: string, cases: number, tally: Tally) =>
  `[fuzz] ${name}: ${cases} cases; ${[...tally]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}=${n}`)
    .join(" ")}`;
