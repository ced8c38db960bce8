/**
 * The rest of a request: path parameters (mostly real ids, sometimes junk), query strings,
 * credentials, `Authorization` and `Content-Type` variants, and the client address.
 */
import fc from "fast-check";
import { SECRET_KEY } from "../support/api";
import type { Endpoint } from "./endpoints";
import { emailish, hostileString } from "./values";
import type { FuzzWorld } from "./world";

const ORIGIN = "https://invitations.test";

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate cannot be encoded; send its replacement instead.
    return encodeURIComponent(value.toWellFormed());
  }
}

const junkSegment = fc.oneof(
  hostileString.map(safeEncode),
  fc.constantFrom("%", "%E0%A4%A", "%zz", "%2F", "%00", "..", "org_", "orginv_", "x".repeat(300)),
);

function paramValue(name: string, w: FuzzWorld): fc.Arbitrary<string> {
  const pick = (ids: string[]) => fc.constantFrom(...ids);
  if (name === "organization_id") {
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant(w.orgId) },
      { weight: 1, arbitrary: fc.constant(w.otherOrgId) },
      { weight: 1, arbitrary: junkSegment },
    );
  }
  if (name === "invitation_id") {
    return fc.oneof(
      { weight: 5, arbitrary: pick(w.invitationIds) },
      { weight: 2, arbitrary: pick(w.myInvitationIds) },
      { weight: 1, arbitrary: junkSegment },
    );
  }
  if (name === "user_id") {
    return fc.oneof(
      { weight: 4, arbitrary: pick(w.memberIds) },
      { weight: 1, arbitrary: junkSegment },
    );
  }
  return junkSegment;
}

export function pathFor(endpoint: Endpoint, w: FuzzWorld): fc.Arbitrary<string> {
  return fc.tuple(...endpoint.params.map((p) => paramValue(p, w))).map((values) => {
    let i = 0;
    return endpoint.path.replace(/:[A-Za-z0-9_]+/g, () => values[i++] ?? "");
  });
}

const PAGING = ["limit", "offset", "initialPage", "pageSize"];
const numberish = fc.oneof(
  fc.integer({ min: -5, max: 600 }).map(String),
  fc.constantFrom(
    "0",
    "-1",
    "501",
    "1e3",
    "1.5",
    "NaN",
    "Infinity",
    "0x10",
    " 5",
    "",
    "99999999999999999999999",
  ),
  hostileString,
);
const statusish = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        "pending",
        "accepted",
        "revoked",
        "expired",
        "declined",
        "PENDING",
        "",
        "bogus",
      ),
      {
        maxLength: 4,
      },
    )
    .map((s) => s.join(",")),
  hostileString,
);

function queryValue(name: string, w: FuzzWorld): fc.Arbitrary<string> {
  if (PAGING.includes(name)) return numberish;
  if (name === "status") return statusish;
  if (name === "order_by") {
    return fc.oneof(
      fc.constantFrom(
        "created_at",
        "-created_at",
        "email_address",
        "-email_address",
        "+created_at",
        "id",
      ),
      hostileString,
    );
  }
  if (name === "email_address") return emailish(w);
  return hostileString;
}

/** A query string (`?…` or empty) from the endpoint's parameters, the paging family and junk. */
export function queryFor(endpoint: Endpoint, w: FuzzWorld): fc.Arbitrary<string> {
  const names = [
    ...new Set([
      ...endpoint.query.map((q) => q.name),
      ...PAGING,
      "status",
      "order_by",
      "email_address",
    ]),
  ];
  const pair = fc
    .constantFrom(...names, "unknown", "__proto__", "status[]")
    .chain((name) => queryValue(name, w).map((value) => [name, value] as const));
  const raw = fc.constantFrom(
    "",
    "",
    "",
    "&limit=%",
    "&%E0%A4%A=1",
    "&&&=",
    "&limit=1&limit=2",
    "&offset=%2D1",
  );
  return fc.tuple(fc.array(pair, { maxLength: 5 }), raw).map(([pairs, tail]) => {
    const params = new URLSearchParams();
    for (const [k, v] of pairs) params.append(k, v.toWellFormed());
    const text = `${params.toString()}${tail}`;
    return text ? `?${text}` : "";
  });
}

/** Who calls: mostly callers who get past authentication, so the fuzz reaches the handlers. */
export const credentialsFor = (w: FuzzWorld): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constant(w.tokens.backend) },
    { weight: 7, arbitrary: fc.constant(w.tokens.admin) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        w.tokens.basic,
        w.tokens.guest,
        w.tokens.stranger,
        w.tokens.none,
        w.tokens.expired,
        w.tokens.algNone,
      ),
    },
  );

/** Header values a client could send: printable ASCII (workerd would re-encode anything else). */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength,
  });

/** `Authorization` header variants: right, almost right, and wrong. */
export function authorizationFor(w: FuzzWorld): fc.Arbitrary<string | undefined> {
  const t = w.tokens;
  const admin = t.admin ?? "";
  const [header = "", payload = "", signature = ""] = admin.split(".");
  const forgedPayload = btoa(JSON.stringify({ sub: w.adminId, email: "x@example.com", exp: 9e9 }))
    .replaceAll("=", "")
    .replaceAll("+", "-")
    .replaceAll("/", "_");
  const accepted = fc.constantFrom(
    `Bearer ${SECRET_KEY}`,
    `bearer ${SECRET_KEY}`,
    `Bearer   ${SECRET_KEY}   `,
    `Bearer ${admin}`,
    `BEARER ${admin}`,
  );
  const refused = fc.constantFrom(
    `Bearer ${SECRET_KEY}x`,
    `Bearer ${SECRET_KEY.slice(0, -1)}`,
    `Bearer ${SECRET_KEY} ${SECRET_KEY}`,
    `Basic ${btoa(`${SECRET_KEY}:`)}`,
    `${SECRET_KEY}`,
    "Bearer",
    "Bearer ",
    "Bearer sk_",
    `Bearer ${header}.${forgedPayload}.${signature}`,
    `Bearer ${header}.${payload}.`,
    `Bearer ${header}.${payload}`,
    `Bearer ${t.expired}`,
    `Bearer ${t.algNone}`,
    `Bearer ${t.wrongSecret}`,
    `Bearer ${"a".repeat(8000)}`,
    `Bearer ${admin}, Bearer ${SECRET_KEY}`,
  );
  return fc.oneof(
    { weight: 5, arbitrary: accepted },
    { weight: 2, arbitrary: fc.constantFrom(...w.oddTokens).map((token) => `Bearer ${token}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(`Bearer ${t.basic}`, `Bearer ${t.guest}`, `Bearer ${t.stranger}`),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: refused },
    { weight: 1, arbitrary: headerText(60).map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: headerText(60) },
  );
}

export const contentTypes = fc.oneof(
  fc.constantFrom(
    undefined,
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/json; charset=latin1",
    "application/vnd.api+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "",
  ),
  headerText(40),
);

/** Extra headers a client or a proxy may add. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    "x-request-id": fc.oneof(fc.uuid(), headerText(300)),
    cookie: headerText(80).map((v) => `__session=${v}`),
    origin: fc.constantFrom("https://evil.example", "null", ORIGIN),
    "accept-encoding": fc.constantFrom("gzip", "br", "identity", "*"),
  },
  { requiredKeys: [] },
);

/** The client's address as Cloudflare would report it: random, so no shared limiter bucket. */
export const clientAddress = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255))
  .map(([a, b, c]) => `10.${a}.${b}.${c}`);
