/**
 * Values for request bodies: hostile ones (control characters, lone surrogates, oversized strings,
 * numbers JSON.stringify cannot write, deep nesting, wrong types), plausible ones judged by each
 * field's schema and name, valid ones, and valid objects with exactly one thing wrong.
 */
import fc from "fast-check";
import type { Endpoint, JsonSchema } from "./endpoints";
import type { FuzzWorld } from "./world";

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

export const hostileString: fc.Arbitrary<string> = fc.oneof(
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
export const emailish = (w: FuzzWorld): fc.Arbitrary<string> =>
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
