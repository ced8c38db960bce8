import { OpenAPIHono } from "@hono/zod-openapi";
import { ErrorEnvelopeSchema } from "../contract/objects";
import type { AppEnv } from "./types";
import { validationHook } from "./validation";

/** A sub-app whose request validation fails in the contract's envelope. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request (see `errors[].code`)",
  401: "Missing or invalid credentials",
  403: "Not permitted",
  404: "Not found, or not visible to the caller",
  422: "A parameter is missing or invalid (`meta.param_name`)",
  429: "Rate limited; see `Retry-After`",
};

/** OpenAPI `responses` entries for the error statuses a route can answer. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 422 | 429)[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: DESCRIPTIONS[s] ?? "Error",
        content: { "application/json": { schema: ErrorEnvelopeSchema } },
      },
    ]),
  );
}

export const jsonContent = <T>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** Security requirement shared by every `/v1` route. */
export const bearerSecurity = [{ bearerAuth: [] }];
