/**
 * `/v1/webhooks/endpoints`: the webhook endpoints registry and each endpoint's attempt log.
 * Backend key only: endpoints receive every organization's events.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { paginated } from "../contract/objects";
import type { WebhookAttemptRow, WebhookEndpointRow } from "../db/schema";
import { ApiError, unwrap } from "../http/errors";
import { PagingQuerySchema, resolvePaging } from "../http/paging";
import { bearerSecurity, createRouter, errorResponses, jsonContent } from "../http/router";
import type { AppEnv } from "../http/types";
import {
  createEndpoint,
  listEndpointAttempts,
  listEndpoints,
  removeEndpoint,
  rotateEndpointSecret,
} from "../webhooks/endpoints";
import { WEBHOOK_EVENT_TYPES } from "../webhooks/events";

const UnixMs = z.number().int().openapi({ description: "Unix time in milliseconds" });
const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).openapi("WebhookEventType");

export const WebhookEndpointSchema = z
  .object({
    object: z.literal("webhook_endpoint"),
    id: z.string().openapi({ example: "whep_2bQbJ1Xh3mC5m4kJ8fPq9RtZ" }),
    url: z.string(),
    events: z.array(z.string()),
    created_at: UnixMs,
    updated_at: UnixMs,
  })
  .openapi("WebhookEndpoint");
export type WebhookEndpointJson = z.infer<typeof WebhookEndpointSchema>;

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().openapi({
    description: "The signing secret (`whsec_…`). Shown only in this answer: store it now.",
  }),
}).openapi("WebhookEndpointWithSecret");
export type WebhookEndpointWithSecretJson = z.infer<typeof WebhookEndpointWithSecretSchema>;

export const WebhookAttemptSchema = z
  .object({
    object: z.literal("webhook_attempt"),
    id: z.string(),
    endpoint_id: z.string(),
    delivery_id: z.string(),
    event_id: z.string().openapi({ description: "Also the `webhook-id` header of the attempt" }),
    event_type: z.string(),
    attempt: z.number().int().openapi({ description: "1 for a delivery's first attempt" }),
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    error: z.string().nullable(),
    next_retry_at: UnixMs.nullable(),
    created_at: UnixMs,
  })
  .openapi("WebhookAttempt");
export type WebhookAttemptJson = z.infer<typeof WebhookAttemptSchema>;

const WebhookEndpointListSchema = paginated(WebhookEndpointSchema, "WebhookEndpointList");
const WebhookAttemptListSchema = paginated(WebhookAttemptSchema, "WebhookAttemptList");

export const CreateWebhookEndpointBodySchema = z.object({
  url: z.string().min(1).max(2048).openapi({ example: "https://example.com/webhooks" }),
  events: z
    .array(WebhookEventTypeSchema)
    .min(1)
    .max(WEBHOOK_EVENT_TYPES.length * 2),
});
export type CreateWebhookEndpointBody = z.infer<typeof CreateWebhookEndpointBodySchema>;

const EndpointParamsSchema = z.object({
  endpoint_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "endpoint_id", in: "path" } }),
});

const BASE = "/webhooks/endpoints";
const tags = ["Webhooks"];

const createEndpointRoute = createRoute({
  method: "post",
  path: BASE,
  tags,
  summary: "Register a webhook endpoint; the answer holds its signing secret, once",
  security: bearerSecurity,
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: CreateWebhookEndpointBodySchema } },
    },
  },
  responses: {
    200: jsonContent(WebhookEndpointWithSecretSchema, "The endpoint and its secret"),
    ...errorResponses(400, 401, 403, 422),
  },
});

const listEndpointsRoute = createRoute({
  method: "get",
  path: BASE,
  tags,
  summary: "List webhook endpoints, newest first (no secrets)",
  security: bearerSecurity,
  request: { query: PagingQuerySchema },
  responses: {
    200: jsonContent(WebhookEndpointListSchema, "A page of endpoints"),
    ...errorResponses(401, 403, 422),
  },
});

const deleteEndpointRoute = createRoute({
  method: "delete",
  path: `${BASE}/{endpoint_id}`,
  tags,
  summary: "Delete a webhook endpoint; its pending deliveries are dropped",
  security: bearerSecurity,
  request: { params: EndpointParamsSchema },
  responses: {
    200: jsonContent(WebhookEndpointSchema, "The deleted endpoint"),
    ...errorResponses(401, 403, 404),
  },
});

const rotateSecretRoute = createRoute({
  method: "post",
  path: `${BASE}/{endpoint_id}/rotate_secret`,
  tags,
  summary: "Replace an endpoint's signing secret; the answer holds the new one, once",
  security: bearerSecurity,
  request: { params: EndpointParamsSchema },
  responses: {
    200: jsonContent(WebhookEndpointWithSecretSchema, "The endpoint and its new secret"),
    ...errorResponses(400, 401, 403, 404),
  },
});

const listAttemptsRoute = createRoute({
  method: "get",
  path: `${BASE}/{endpoint_id}/attempts`,
  tags,
  summary: "An endpoint's delivery attempts, newest first",
  security: bearerSecurity,
  request: { params: EndpointParamsSchema, query: PagingQuerySchema },
  responses: {
    200: jsonContent(WebhookAttemptListSchema, "A page of attempts"),
    ...errorResponses(401, 403, 404, 422),
  },
});

const BACKEND_ONLY = {
  code: "missing_organization_permission" as const,
  message: "backend only",
  longMessage:
    "Webhook endpoints receive every organization's events: only the backend key may manage them.",
};

function requireBackend(c: Context<AppEnv>): void {
  if (c.get("principal").kind !== "backend") throw new ApiError(BACKEND_ONLY);
}

const presentEndpoint = (e: WebhookEndpointRow): WebhookEndpointJson => ({
  object: "webhook_endpoint",
  id: e.id,
  url: e.url,
  events: e.events,
  created_at: e.createdAt,
  updated_at: e.updatedAt,
});

const presentAttempt = (a: WebhookAttemptRow): WebhookAttemptJson => ({
  object: "webhook_attempt",
  id: a.id,
  endpoint_id: a.endpointId,
  delivery_id: a.deliveryId,
  event_id: a.eventId,
  event_type: a.eventType,
  attempt: a.attempt,
  status_code: a.statusCode,
  duration_ms: a.durationMs,
  error: a.error,
  next_retry_at: a.nextRetryAt,
  created_at: a.createdAt,
});

export const webhooksRoutes = createRouter()
  .openapi(createEndpointRoute, async (c) => {
    requireBackend(c);
    const created = unwrap(await createEndpoint(c.get("deps"), c.req.valid("json")));
    return c.json({ ...presentEndpoint(created.endpoint), secret: created.secret }, 200);
  })
  .openapi(listEndpointsRoute, async (c) => {
    requireBackend(c);
    const { limit, offset } = resolvePaging(c.req.valid("query"));
    const page = await listEndpoints(c.get("deps"), limit, offset);
    return c.json({ data: page.rows.map(presentEndpoint), total_count: page.totalCount }, 200);
  })
  .openapi(deleteEndpointRoute, async (c) => {
    requireBackend(c);
    const { endpoint_id } = c.req.valid("param");
    return c.json(presentEndpoint(unwrap(await removeEndpoint(c.get("deps"), endpoint_id))), 200);
  })
  .openapi(rotateSecretRoute, async (c) => {
    requireBackend(c);
    const { endpoint_id } = c.req.valid("param");
    const rotated = unwrap(await rotateEndpointSecret(c.get("deps"), endpoint_id));
    return c.json({ ...presentEndpoint(rotated.endpoint), secret: rotated.secret }, 200);
  })
  .openapi(listAttemptsRoute, async (c) => {
    requireBackend(c);
    const { endpoint_id } = c.req.valid("param");
    const { limit, offset } = resolvePaging(c.req.valid("query"));
    const page = unwrap(await listEndpointAttempts(c.get("deps"), endpoint_id, limit, offset));
    return c.json({ data: page.rows.map(presentAttempt), total_count: page.totalCount }, 200);
  });
