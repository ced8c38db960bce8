/**
 * One error shape for every answer: Clerk's envelope, so Clerk's SDKs parse it. Handlers throw
 * `ApiError` (or return a domain `Result` through `unwrap`); `onError` writes the envelope.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DomainError, ErrorCode } from "../shared/errors";
import type { Result } from "../shared/result";
import { log } from "./log";
import type { AppEnv } from "./types";

const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  request_body_invalid: 400,
  authentication_invalid: 401,
  missing_organization_permission: 403,
  organization_membership_quota_exceeded: 403,
  resource_not_found: 404,
  duplicate_record: 400,
  already_a_member_in_organization: 400,
  organization_invitation_not_pending: 400,
  bulk_size_exceeded: 400,
  form_param_missing: 422,
  form_param_format_invalid: 422,
  form_param_value_invalid: 422,
  rate_limit_exceeded: 429,
  webhook_endpoint_limit_exceeded: 400,
  // A setting is missing: the operator must act, but it is not a crash (no 500), and it names
  // the variable.
  webhooks_not_configured: 400,
  internal_error: 500,
};

/** A failure meant for the caller: its code picks the status. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly error: DomainError,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }
  get status(): ContentfulStatusCode {
    return STATUS_BY_CODE[this.error.code];
  }
}

/** The value of an expected-outcome `Result`, or the `ApiError` its failure stands for. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return STATUS_BY_CODE[code];
}

export function errorBody(error: DomainError, traceId: string) {
  return {
    errors: [
      {
        code: error.code,
        message: error.message,
        long_message: error.longMessage ?? error.message,
        meta: error.meta ?? {},
      },
    ],
    clerk_trace_id: traceId,
  };
}

export function errorResponse(c: Context<AppEnv>, error: DomainError, headers = {}) {
  return c.json(errorBody(error, c.get("requestId")), STATUS_BY_CODE[error.code], headers);
}

const INTERNAL: DomainError = {
  code: "internal_error",
  message: "something went wrong",
  longMessage: "The server hit an unexpected error. It was logged; retrying may help.",
};

/** `app.onError`: known failures keep their code; everything else is logged and becomes a 500. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err.error, err.headers);
  // Hono's own validator and body parser throw these for unreadable bodies.
  if (err instanceof HTTPException && err.status === 400) {
    return errorResponse(c, {
      code: "request_body_invalid",
      message: "request body invalid",
      longMessage: "The request body could not be parsed as JSON.",
    });
  }
  // @hono/zod-openapi refuses a body whose Content-Type is not the route's (415). The contract
  // has one answer for a body that is not JSON: 400 request_body_invalid.
  if (err instanceof HTTPException && err.status === 415) {
    return errorResponse(c, {
      code: "request_body_invalid",
      message: "request body invalid",
      longMessage: "Send the request body as JSON, with `Content-Type: application/json`.",
    });
  }
  if (err instanceof HTTPException && err.status === 413) {
    return c.json(
      errorBody(
        {
          code: "request_body_invalid",
          message: "request body too large",
          longMessage: "The request body is larger than this endpoint accepts.",
        },
        c.get("requestId"),
      ),
      413,
    );
  }
  log.error("unhandled error", {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    error: err.name,
    error_message: err.message,
    stack: err.stack,
  });
  return errorResponse(c, INTERNAL);
}
