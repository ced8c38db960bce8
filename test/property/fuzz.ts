/**
 * The machinery of the property tests: a small world (organizations, members, invitations,
 * tickets, tokens), generators of hostile requests built from the endpoints' real field names,
 * and the check every answer must pass: never a 5xx, every refusal in the contract's envelope, and
 * a refused request leaves the database exactly as it was.
 */
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { ErrorEnvelopeSchema } from "../../src/contract/objects";
import { SECRET_KEY, sessionToken } from "../support/api";
import { addMember, createOrganization, email, invite, unique } from "../support/fixtures";
import { ticketOf } from "../support/invitee";
import type { Endpoint, JsonSchema } from "./endpoints";

const ORIGIN = "https://invitations.test";

export interface FuzzWorld {
  orgId: string;
  otherOrgId: string;
  adminId: string;
  /** Addresses that already belong to members of the organization (invites are refused). */
  memberEmails: string[];
  /** Members the fuzzer may remove (never the admin, who drives most requests). */
  memberIds: string[];
  /** Pending invitations of the organization. */
  invitationIds: string[];
  /** Pending invitations addressed to the admin, in organizations of their own. */
  myInvitationIds: string[];
  tickets: string[];
  tokens: Record<CallerName, string | null>;
}

export type CallerName =
  | "backend"
  | "admin"
  | "basic"
  | "guest"
  | "stranger"
  | "none"
  | "wrongKey"
  | "expired"
  | "algNone"
  | "wrongSecret";

function unsignedToken(userId: string): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: userId, exp: now + 3600 })}.`;
}

/** A fresh organization with an admin, a basic and a guest member, invitations and tickets. */
export async function buildWorld(label: string): Promise<FuzzWorld> {
  const adminId = unique(`user_${label}_admin`);
  const adminEmail = email(`${label}-admin`);
  const org = await createOrganization({ createdBy: adminId });
  const otherOrg = await createOrganization({ createdBy: unique("user_stranger") });
  const basic = { id: unique("user_basic"), email: email(`${label}-basic`) };
  const guest = { id: unique("user_guest"), email: email(`${label}-guest`) };
  await addMember(org.id, basic.id, "basic_member", basic.email);
  await addMember(org.id, guest.id, "guest_member", guest.email);
  const spare = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      const id = unique(`user_spare${i}`);
      await addMember(org.id, id, "basic_member", email(`${label}-spare`));
      return id;
    }),
  );
  const invitations = await Promise.all(Array.from({ length: 12 }, () => invite(org.id)));
  const mine = await Promise.all(
    Array.from({ length: 6 }, async () =>
      invite((await createOrganization()).id, { email_address: adminEmail }),
    ),
  );
  const strangerToken = await sessionToken(unique("user_stranger"), { email: email("stranger") });
  return {
    orgId: org.id,
    otherOrgId: otherOrg.id,
    adminId,
    memberEmails: [basic.email, guest.email],
    memberIds: [basic.id, guest.id, ...spare],
    invitationIds: invitations.map((i) => i.id),
    myInvitationIds: mine.map((i) => i.id),
    tickets: [...mine, ...invitations.slice(0, 3)].map(ticketOf),
    tokens: {
      backend: SECRET_KEY,
      admin: await sessionToken(adminId, { email: adminEmail }),
      basic: await sessionToken(basic.id, { email: basic.email }),
      guest: await sessionToken(guest.id, { email: guest.email }),
      stranger: strangerToken,
      none: null,
      wrongKey: `sk_test_${"0".repeat(32)}`,
      expired: await sessionToken(adminId, { email: adminEmail }, { expiresIn: 1_000_000 }),
      algNone: unsignedToken(adminId),
      wrongSecret: await sessionToken(
        adminId,
        { email: adminEmail },
        { secret: new TextEncoder().encode("not-the-secret-0123456789abcdef0123456789") },
      ),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Values

/** A JSON token written as is (numbers JSON.stringify cannot produce, deep nesting). */
class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold `RawJson` tokens anywhere. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return v;
  });
  return (text ?? "null").replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) =>
    String(raws[Number(i)]),
  );
}

const CONTROL_AND_ODD = [
  ..."\u0000\u0001\u0007\b\t\n\v\f\r\u001b\u007f\u0085\u00a0\u2028\u2029\u200b\u200e\u202e\ufeff",
  "\ud800",
  "\udfff",
  "😀",
  "e\u0301",
  "İ",
  "ß",
];
const SPECIAL_STRINGS = [
  "",
  " ",
  "null",
  "__proto__",
  "constructor",
  "../../etc/passwd",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "%00",
  "\r\nBcc: victim@example.com",
  "javascript:alert(1)",
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(...CONTROL_AND_ODD, "a", "@", ".", "<", '"', "%"),
    maxLength: 30,
  }),
  fc.integer({ min: 257, max: 12_000 }).map((n) => "x".repeat(n)),
  fc.constantFrom(...SPECIAL_STRINGS),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);

const hugeNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    ...[
      "1e999",
      "-1e999",
      "123456789012345678901234567890",
      "-0",
      "1e-400",
      "9007199254740993",
      "0.5",
      "1E2",
    ].map((t) => new RawJson(t)),
  ),
  fc.double(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 63, -1, 0),
);

const deeplyNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(50, 1_000, 20_000, 100_000), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? new RawJson(`${"[".repeat(depth)}${"]".repeat(depth)}`)
      : new RawJson(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  );

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** Any value an attacker might put in a field. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hugeNumber },
  { weight: 3, arbitrary: wrongType },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

let emailCounter = 0;
/** Addresses that look right: fresh ones (creates can succeed), taken ones, and near misses. */
const emailish = (w: FuzzWorld): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(null).map(() => `fuzz-${emailCounter++}@example.com`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...w.memberEmails), fc.boolean())
        .map(([e, shout]) => (shout ? ` ${e.toUpperCase()} ` : e)),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "a@b",
        "@example.com",
        "a@@example.com",
        "a b@example.com",
        `${"l".repeat(250)}@example.com`,
        "a@example.com\r\nBcc: x@example.com",
        "<a@example.com>",
        "ünïcödé@exämple.com",
        "a@example.com,b@example.com",
      ),
    },
    { weight: 1, arbitrary: hostileString },
  );

const urlish = fc.constantFrom(
  "https://example.com/welcome",
  "http://localhost:3000/x?y=1",
  "javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "ftp://example.com",
  "//evil.example",
  "https://good.example@evil.example/",
  `https://example.com/${"p".repeat(3000)}`,
);

const ticketish = (w: FuzzWorld): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...w.tickets),
    fc.tuple(fc.constantFrom(...w.tickets), fc.nat()).map(([t, i]) => {
      const at = i % t.length;
      return `${t.slice(0, at)}${t[at] === "A" ? "B" : "A"}${t.slice(at + 1)}`;
    }),
    fc.base64String({ maxLength: 120 }),
    hostileString,
  );

const userIdish = (w: FuzzWorld) =>
  fc.oneof(fc.constantFrom(...w.memberIds, w.adminId), fc.string({ maxLength: 20 }), hostileString);

const typesOf = (s: JsonSchema) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** A value of roughly the right kind for this field, judged by its schema and name. */
function plausible(
  name: string,
  schema: JsonSchema,
  w: FuzzWorld,
  depth: number,
): fc.Arbitrary<unknown> {
  if (schema.enum && schema.enum.length > 0) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...schema.enum) },
      { weight: 1, arbitrary: fc.constantFrom("owner", "ADMIN", "org:admin", " admin") },
    );
  }
  const types = typesOf(schema);
  if (schema.anyOf && schema.anyOf.length > 0) {
    return fc.oneof(...schema.anyOf.map((b) => plausible(name, b, w, depth)));
  }
  if (types.includes("array") && schema.items) {
    const item = fieldValue(name, schema.items, w, depth + 1);
    return fc.oneof(
      { weight: 8, arbitrary: fc.array(item, { maxLength: 6 }) },
      // Past BULK_MAX, and a big all-valid batch.
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(1001, 150)
          .map((n) => Array.from({ length: n }, () => `fuzz-${emailCounter++}@example.com`)),
      },
    );
  }
  if (types.includes("object")) {
    if (schema.properties && depth < 3) return nearMissObject(schema, w, depth + 1);
    return fc.dictionary(
      fc.oneof(fc.string({ maxLength: 10 }), hostileString),
      fc.jsonValue({ maxDepth: 3 }),
      {
        maxKeys: 5,
      },
    );
  }
  if (types.includes("integer") || types.includes("number")) {
    const min = schema.minimum ?? -10;
    const max = schema.maximum ?? 1000;
    return fc.integer({ min: min - 2, max: max + 2 });
  }
  if (types.includes("boolean")) return fc.oneof(fc.boolean(), fc.constantFrom("true", 1));
  if (/email/.test(name)) return emailish(w);
  if (/url/.test(name)) return urlish;
  if (name === "ticket") return ticketish(w);
  if (/user_id|created_by|inviter/.test(name)) return userIdish(w);
  return fc.oneof(
    fc.string({ maxLength: schema.maxLength ?? 40 }),
    fc.constantFrom("Acme", "acme-co"),
  );
}

function fieldValue(name: string, schema: JsonSchema, w: FuzzWorld, depth: number) {
  return fc.oneof(
    { weight: 3, arbitrary: plausible(name, schema, w, depth) },
    { weight: 1, arbitrary: hostileValue },
  );
}

/** An object with the schema's real field names, each maybe absent, maybe wrong; maybe extras. */
function nearMissObject(schema: JsonSchema, w: FuzzWorld, depth: number): fc.Arbitrary<unknown> {
  const fields = Object.entries(schema.properties ?? {});
  const record = fc.record(
    Object.fromEntries(fields.map(([k, s]) => [k, fieldValue(k, s, w, depth)])),
    { requiredKeys: [] },
  );
  const extras = fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), hostileString), hostileValue, {
    maxKeys: 2,
  });
  return fc.oneof(
    { weight: 4, arbitrary: record },
    { weight: 1, arbitrary: fc.tuple(record, extras).map(([r, e]) => ({ ...e, ...r })) },
  );
}

let freshCounter = 0;
const fresh = (prefix: string) => fc.constant(null).map(() => `${prefix}${freshCounter++}`);

/** A value the endpoint should accept for this field; fresh wherever uniqueness matters. */
function validValue(
  name: string,
  schema: JsonSchema,
  w: FuzzWorld,
  depth: number,
): fc.Arbitrary<unknown> {
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.anyOf && schema.anyOf.length > 0) {
    return fc.oneof(...schema.anyOf.map((b) => validValue(name, b, w, depth)));
  }
  const types = typesOf(schema);
  if (types.includes("array") && schema.items) {
    return fc.array(validValue(name, schema.items, w, depth + 1), { minLength: 1, maxLength: 3 });
  }
  if (types.includes("object")) {
    if (schema.properties && depth < 3) return validObject(schema, w, depth + 1);
    return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 3,
    });
  }
  if (types.includes("integer") || types.includes("number")) {
    const min = schema.minimum ?? 0;
    return fc.integer({ min, max: Math.min(schema.maximum ?? min + 100, min + 100) });
  }
  if (types.includes("boolean")) return fc.boolean();
  if (/email/.test(name)) return fresh("fuzz-valid-").map((id) => `${id}@example.com`);
  if (/url/.test(name)) return fc.constant("https://example.com/welcome");
  if (name === "ticket") return fc.constantFrom(...w.tickets);
  if (/user_id|created_by|inviter/.test(name)) return fresh("user_fuzz_");
  if (schema.pattern) return fresh("fuzz-slug-");
  return fc
    .string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789 "),
      minLength: Math.max(1, schema.minLength ?? 1),
      maxLength: Math.min(schema.maxLength ?? 20, 20),
    })
    .map((v) => (v.trim() === "" ? "name" : v));
}

function validObject(
  schema: JsonSchema,
  w: FuzzWorld,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(schema.properties ?? {});
  return fc.record(Object.fromEntries(fields.map(([k, s]) => [k, validValue(k, s, w, depth)])), {
    requiredKeys: (schema.required ?? []).filter((k) => k in (schema.properties ?? {})),
  });
}

/** A valid value with exactly one thing wrong: one field hostile or missing, one item broken. */
function oneThingWrong(schema: JsonSchema, w: FuzzWorld, depth: number): fc.Arbitrary<unknown> {
  if (schema.anyOf && schema.anyOf.length > 0) {
    return fc.oneof(...schema.anyOf.map((b) => oneThingWrong(b, w, depth)));
  }
  const keys = Object.keys(schema.properties ?? {});
  if (keys.length > 0) {
    return fc
      .tuple(validObject(schema, w, depth), fc.constantFrom(...keys), fc.option(hostileValue))
      .map(([object, key, value]) => {
        const out: Record<string, unknown> = { ...object };
        if (value === null) delete out[key];
        else out[key] = value;
        return out;
      });
  }
  if (typesOf(schema).includes("array") && schema.items) {
    return fc
      .tuple(
        fc.array(validValue("item", schema.items, w, depth + 1), { maxLength: 3 }),
        oneThingWrong(schema.items, w, depth + 1),
        fc.nat(),
      )
      .map(([items, broken, at]) => {
        const out = [...items];
        out.splice(at % (items.length + 1), 0, broken);
        return out;
      });
  }
  return hostileValue;
}

/** What a body for this endpoint may be: absent, any JSON, not JSON at all, or a near miss. */
export function bodyText(
  endpoint: Endpoint,
  fields: Record<string, JsonSchema>,
  w: FuzzWorld,
): fc.Arbitrary<string | undefined> {
  const shaped = endpoint.body ?? { type: "object", properties: fields };
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ unit: "binary", maxLength: 60 }),
        fc.constantFrom(
          "{",
          "[",
          '{"a":1,}',
          "\ufeff{}",
          "{}{}",
          "nul",
          "'x'",
          '{"role":"admin","role":5}',
        ),
        fc.constant(`"${"z".repeat(600 * 1024)}"`),
      ),
    },
    { weight: 4, arbitrary: plausible("body", shaped, w, 0).map(toJsonText) },
    { weight: 5, arbitrary: oneThingWrong(shaped, w, 0).map(toJsonText) },
    { weight: 2, arbitrary: validValue("body", shaped, w, 0).map(toJsonText) },
  );
}

/** A body the endpoint accepts (for properties that vary something else). */
export const validBody = (endpoint: Endpoint, w: FuzzWorld) =>
  endpoint.body ? validValue("body", endpoint.body, w, 0).map(toJsonText) : fc.constant(undefined);

// ---------------------------------------------------------------------------------------------
// Paths, queries, headers

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

// ---------------------------------------------------------------------------------------------
// Sending and checking

export interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function request(r: FuzzRequest): Request {
  const canHaveBody = r.method !== "GET" && r.method !== "HEAD";
  return new Request(`${ORIGIN}${r.path}${r.query}`, {
    method: r.method,
    headers: r.headers,
    body: canHaveBody ? r.body : undefined,
  });
}

/** Row counts and exact sums over every row of the tables a request may write. */
export async function databaseFingerprint(): Promise<string> {
  const row = await env.DB.prepare(
    `SELECT
       (SELECT count(*) || ':' || coalesce(sum(updated_at), 0) || ':' ||
               coalesce(sum(length(id) + length(status) + length(role) + link_version +
                            delivery_attempts + length(delivery_status)), 0)
          FROM invitations) AS invitations,
       (SELECT count(*) || ':' || coalesce(sum(updated_at), 0) || ':' ||
               coalesce(sum(length(id) + length(role) + length(user_id)), 0)
          FROM memberships) AS memberships,
       (SELECT count(*) || ':' || coalesce(sum(updated_at), 0) || ':' ||
               coalesce(sum(length(id) + length(name) + max_allowed_memberships), 0)
          FROM organizations) AS organizations`,
  ).first<Record<string, string>>();
  return JSON.stringify(row);
}

/** Status counts per property, printed after each run: shows how deep the fuzz got. */
export type Tally = Map<string, number>;

export class FuzzFailure extends Error {
  override name = "FuzzFailure";
}

/**
 * Sends one request and checks the three properties. Returns the fingerprint after it (a
 * successful request may change the database; a refused one must not).
 */
export async function checkOne(r: FuzzRequest, before: string, tally: Tally): Promise<string> {
  const res = await exports.default.fetch(request(r));
  const text = await res.text();
  tally.set(String(res.status), (tally.get(String(res.status)) ?? 0) + 1);
  const where = `${r.method} ${r.path}${r.query} → ${res.status}: ${text.slice(0, 500)}`;
  if (res.status >= 500) throw new FuzzFailure(`5xx answer: ${where}`);
  if (res.status >= 200 && res.status < 300) return databaseFingerprint();

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FuzzFailure(`refusal is not JSON: ${where}`);
  }
  const envelope = ErrorEnvelopeSchema.safeParse(parsed);
  if (!envelope.success || envelope.data.errors.length === 0 || !envelope.data.clerk_trace_id) {
    throw new FuzzFailure(`refusal is not the contract's envelope: ${where}`);
  }
  const code = envelope.data.errors[0]?.code;
  tally.set(`${res.status} ${code}`, (tally.get(`${res.status} ${code}`) ?? 0) + 1);
  if (res.status === 429 && (code !== "rate_limit_exceeded" || !res.headers.get("retry-after"))) {
    throw new FuzzFailure(`429 without rate_limit_exceeded and Retry-After: ${where}`);
  }
  const after = await databaseFingerprint();
  if (after !== before) {
    throw new FuzzFailure(
      `a refused request changed the database (${before} → ${after}): ${where}`,
    );
  }
  return after;
}
