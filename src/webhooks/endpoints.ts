/**
 * The endpoints registry: create (the secret is shown once), list, delete, rotate a secret, and
 * read an endpoint's attempt log. Backend only; the route enforces that.
 */
import type { WebhookAttemptRow, WebhookEndpointRow } from "../db/schema";
import type { Deps } from "../deps";
import { type DomainError, notFound, paramError } from "../shared/errors";
import { newId } from "../shared/ids";
import { fail, ok, type Result } from "../shared/result";
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from "./events";
import {
  countEndpoints,
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listAttemptsPage,
  listEndpointsPage,
  replaceEndpointSecret,
} from "./repository";
import { encryptSecret, generateSecret } from "./secrets";

/**
 * At most this many endpoints (Stripe allows 16 per account): every event is fanned out to each,
 * so the cap bounds the work one invitation write can cause.
 */
export const MAX_WEBHOOK_ENDPOINTS = 16;

const NOT_CONFIGURED: DomainError = {
  code: "webhooks_not_configured",
  message: "webhooks are not configured",
  longMessage:
    "Set the WEBHOOK_SECRET_KEY secret (at least 32 characters; it encrypts endpoint signing secrets at rest) to create webhook endpoints.",
  meta: { variable: "WEBHOOK_SECRET_KEY" },
};

export interface NewEndpoint {
  url: string;
  events: readonly string[];
}

/** An endpoint with its secret: only what create and rotate answer. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpointRow;
  secret: string;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https only; plain http only to this machine, and only in development. */
function checkUrl(url: string, allowLocalHttp: boolean): DomainError | null {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  // No credentials in the URL: it is listed back to every backend caller.
  if (!parsed || `${parsed.username}${parsed.password}` !== "") {
    return paramError("form_param_format_invalid", "url", "url must be an absolute https URL.");
  }
  if (parsed.protocol === "https:") return null;
  if (parsed.protocol === "http:" && allowLocalHttp && LOCAL_HOSTS.has(parsed.hostname)) {
    return null;
  }
  return paramError(
    "form_param_value_invalid",
    "url",
    "Webhook endpoints must use https (http is allowed for localhost in development only).",
  );
}

function checkEvents(events: readonly string[]): Result<string[]> {
  const unknown = events.filter((e) => !isWebhookEventType(e));
  if (unknown.length > 0) {
    return fail(
      paramError(
        "form_param_value_invalid",
        "events",
        `Unknown event types: ${unknown.slice(0, 10).join(", ")}. Known: ${WEBHOOK_EVENT_TYPES.join(", ")}.`,
      ),
    );
  }
  const unique = [...new Set(events)];
  if (unique.length === 0) {
    return fail(paramError("form_param_missing", "events", "Subscribe to at least one event."));
  }
  return ok(unique);
}

export async function createEndpoint(
  deps: Deps,
  input: NewEndpoint,
): Promise<Result<EndpointWithSecret>> {
  const urlProblem = checkUrl(input.url, deps.settings.allowLocalHttpWebhooks);
  if (urlProblem) return fail(urlProblem);
  const events = checkEvents(input.events);
  if (!events.ok) return events;
  const masterKey = deps.settings.webhookSecretKey;
  if (!masterKey) return fail(NOT_CONFIGURED);
  // Checked before the insert, not atomically: two racing creates can pass 16 by one, which is
  // harmless; the cap bounds work, it is not a security boundary.
  if ((await countEndpoints(deps.db)) >= MAX_WEBHOOK_ENDPOINTS) {
    return fail({
      code: "webhook_endpoint_limit_exceeded",
      message: "too many webhook endpoints",
      longMessage: `At most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints can exist; delete one first.`,
      meta: { max: MAX_WEBHOOK_ENDPOINTS },
    });
  }
  const now = deps.now();
  const id = newId("whep");
  const secret = generateSecret();
  const endpoint: WebhookEndpointRow = {
    id,
    url: input.url,
    events: events.value,
    secretCiphertext: await encryptSecret(masterKey, id, secret),
    createdAt: now,
    updatedAt: now,
  };
  await insertEndpoint(deps.db, endpoint);
  return ok({ endpoint, secret });
}

export const listEndpoints = (deps: Deps, limit: number, offset: number) =>
  listEndpointsPage(deps.db, limit, offset);

export async function removeEndpoint(deps: Deps, id: string): Promise<Result<WebhookEndpointRow>> {
  const deleted = await deleteEndpoint(deps.db, id);
  return deleted ? ok(deleted) : fail(notFound("webhook endpoint"));
}

/** A new secret replaces the old one at once: attempts from now on are signed with it. */
export async function rotateEndpointSecret(
  deps: Deps,
  id: string,
): Promise<Result<EndpointWithSecret>> {
  const masterKey = deps.settings.webhookSecretKey;
  if (!masterKey) return fail(NOT_CONFIGURED);
  const secret = generateSecret();
  const endpoint = await replaceEndpointSecret(
    deps.db,
    id,
    await encryptSecret(masterKey, id, secret),
    deps.now(),
  );
  return endpoint ? ok({ endpoint, secret }) : fail(notFound("webhook endpoint"));
}

export async function listEndpointAttempts(
  deps: Deps,
  endpointId: string,
  limit: number,
  offset: number,
): Promise<Result<{ rows: WebhookAttemptRow[]; totalCount: number }>> {
  if (!(await findEndpoint(deps.db, endpointId))) return fail(notFound("webhook endpoint"));
  return ok(await listAttemptsPage(deps.db, endpointId, limit, offset));
}
