import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { backend, call, json } from "../support/api";
import { createOrganization } from "../support/fixtures";
import { apiError } from "../support/invitations";

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}
interface OperationObject {
  deprecated?: boolean;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
}

afterEach(() => {
  vi.restoreAllMocks();
});

const INVITATIONS = "/v1/organizations/{organization_id}/invitations";

describe("/openapi.json", () => {
  it("is an OpenAPI 3.1 document listing every invitation operation", async () => {
    const doc = await json<OpenApiDocument>(await call("GET", "/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBeTruthy();
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        `GET ${INVITATIONS}`,
        `POST ${INVITATIONS}`,
        `GET ${INVITATIONS}/pending`,
        `POST ${INVITATIONS}/bulk`,
        `GET ${INVITATIONS}/{invitation_id}`,
        `POST ${INVITATIONS}/{invitation_id}/revoke`,
        "POST /v1/organizations",
        "GET /v1/organizations/{organization_id}",
        "POST /v1/organizations/{organization_id}/memberships",
        "GET /v1/organizations/{organization_id}/memberships",
        "DELETE /v1/organizations/{organization_id}/memberships/{user_id}",
      ]),
    );
  });

  it("is generated from the request schemas: parameters, bodies, deprecation, security", async () => {
    const doc = await json<OpenApiDocument>(await call("GET", "/openapi.json"));
    const list = doc.paths[INVITATIONS]?.get;
    expect(list?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining([
        "path:organization_id",
        "query:initialPage",
        "query:pageSize",
        "query:limit",
        "query:offset",
        "query:status",
        "query:email_address",
        "query:order_by",
      ]),
    );
    expect(doc.paths[`${INVITATIONS}/pending`]?.get?.deprecated).toBe(true);
    const create = doc.paths[INVITATIONS]?.post;
    expect(JSON.stringify(create?.requestBody)).toContain("CreateInvitation");
    expect(Object.keys(create?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "400", "401", "422"]),
    );
    expect(doc.components.schemas).toHaveProperty("OrganizationInvitation");
    expect(doc.components.schemas).toHaveProperty("Errors");
    expect(doc.components.securitySchemes).toHaveProperty("bearerAuth");
  });
});

describe("service pages", () => {
  it("/docs is an HTML page pointing at the document", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("/openapi.json");
  });

  it("/healthz answers {ok: true} without touching D1", async () => {
    const prepare = vi.spyOn(env.DB, "prepare");
    const res = await call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(prepare).not.toHaveBeenCalled();
  });

  it("/readyz answers ok when D1 is reachable", async () => {
    const res = await call("GET", "/readyz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it("/readyz answers 503 when D1 is not", async () => {
    vi.spyOn(env.DB, "prepare").mockImplementation(() => {
      throw new Error("D1 unreachable");
    });
    const res = await call("GET", "/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false });
  });
});

describe("errors", () => {
  it.each([["/nope"], ["/v1/nope"], ["/v1/organizations/x/y/z"]])(
    "an unknown route (%s) is 404 in Clerk's envelope",
    async (path) => {
      const res = await call("GET", path, { as: backend });
      const error = await apiError(res, 404);
      expect(error).toMatchObject({ code: "resource_not_found", meta: {} });
      expect(error.long_message).toBeTruthy();
    },
  );

  it("clerk_trace_id is the request id the response carries", async () => {
    const res = await call("GET", "/nope");
    const body = await json<{ clerk_trace_id: string }>(res, 404);
    expect(body.clerk_trace_id).toBe(res.headers.get("x-request-id"));
  });

  it("an unexpected error is 500 internal_error in the envelope, logged with its stack", async () => {
    const org = await createOrganization();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(env.DB, "prepare").mockImplementation(() => {
      throw new Error("D1_ERROR: disk on fire");
    });

    const res = await call("GET", `/v1/organizations/${org.id}/invitations`, { as: backend });
    const text = await res.clone().text();
    const error = await apiError(res, 500);
    expect(error.code).toBe("internal_error");
    // Never shown to the caller.
    expect(text).not.toContain("disk on fire");

    const lines = logged.mock.calls.map(([line]) => String(line));
    const entry = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.level === "error");
    expect(entry, lines.join("\n")).toMatchObject({
      message: "unhandled error",
      error_message: "D1_ERROR: disk on fire",
      path: `/v1/organizations/${org.id}/invitations`,
    });
    expect(String(entry?.stack)).toContain("disk on fire");
    expect(String(entry?.stack)).toMatch(/\n\s+at /);
  });

  it("an unexpected error in a write is a 500, never a 4xx", async () => {
    const org = await createOrganization();
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(env.DB, "batch").mockRejectedValue(new Error("D1_ERROR: batch failed"));
    const res = await call("POST", `/v1/organizations/${org.id}/invitations`, {
      as: backend,
      body: { email_address: "boom@example.com", role: "admin" },
    });
    expect((await apiError(res, 500)).code).toBe("internal_error");
  });
});
