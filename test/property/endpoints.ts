/**
 * The JSON endpoints under `/v1`, read from the app itself: the route table (`app.routes`) says
 * which exist, the OpenAPI document says which body fields and query parameters each takes. The
 * property tests fuzz exactly this list, so an endpoint added tomorrow is fuzzed tomorrow.
 */
import { createApp } from "../../src/app";

/** The slice of JSON Schema (as @hono/zod-openapi emits it) the generators read. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  required?: string[];
}

interface Operation {
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface Endpoint {
  method: string;
  /** Hono's form: `/v1/organizations/:organization_id/invitations`. */
  path: string;
  /** Path parameter names, in order. */
  params: string[];
  /** The JSON body's schema (refs resolved), when the endpoint documents one. */
  body: JsonSchema | null;
  query: { name: string; schema: JsonSchema }[];
}

const resolver = (doc: OpenApiDocument) => {
  const resolve = (schema: JsonSchema | undefined, depth = 0): JsonSchema => {
    if (!schema || depth > 8) return {};
    if (schema.$ref) {
      const name = schema.$ref.replace("#/components/schemas/", "");
      return resolve(doc.components?.schemas?.[name], depth + 1);
    }
    const out: JsonSchema = { ...schema };
    if (schema.properties) {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, depth + 1)]),
      );
    }
    if (schema.items) out.items = resolve(schema.items, depth + 1);
    const branches = schema.anyOf ?? schema.oneOf;
    if (branches) out.anyOf = branches.map((b) => resolve(b, depth + 1));
    return out;
  };
  return resolve;
};

/** Every `/v1` route the app serves, with what its OpenAPI entry says about its input. */
export function jsonEndpoints(): Endpoint[] {
  const app = createApp();
  // A plain JSON round trip: the document's own types are wider than what is read here.
  const doc: OpenApiDocument = JSON.parse(
    JSON.stringify(
      app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "fuzz", version: "0" } }),
    ),
  );
  const resolve = resolver(doc);
  const seen = new Set<string>();
  const endpoints: Endpoint[] = [];
  for (const route of app.routes) {
    if (route.method === "ALL" || !route.path.startsWith("/v1/")) continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const openApiPath = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const operation = doc.paths[openApiPath]?.[route.method.toLowerCase()] ?? {};
    const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
    endpoints.push({
      method: route.method,
      path: route.path,
      params: [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? ""),
      body: bodySchema ? resolve(bodySchema) : null,
      query: (operation.parameters ?? [])
        .filter((p) => p.in === "query")
        .map((p) => ({ name: p.name, schema: resolve(p.schema) })),
    });
  }
  return endpoints;
}

/** Every body field name any endpoint documents, with its schema: material for near misses. */
export function knownFields(endpoints: readonly Endpoint[]): Record<string, JsonSchema> {
  const fields: Record<string, JsonSchema> = {};
  const walk = (schema: JsonSchema | null | undefined) => {
    if (!schema) return;
    for (const [name, field] of Object.entries(schema.properties ?? {})) fields[name] ??= field;
    walk(schema.items);
    for (const branch of schema.anyOf ?? []) walk(branch);
  };
  for (const e of endpoints) walk(e.body);
  return fields;
}
