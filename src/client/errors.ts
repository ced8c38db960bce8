/**
 * The one error the SDK throws for an HTTP failure, read from the service's envelope (Clerk's:
 * `{errors: [{code, message, long_message, meta}], clerk_trace_id}`).
 */
import type { ErrorEnvelope } from "../contract/objects";

/** One entry of the `errors[]` array: `code` is stable and meant for programs, the rest for people. */
export interface ApiErrorItem {
  /** A stable code such as `duplicate_record` or `form_param_value_invalid`. */
  code: string;
  /** A short description. */
  message: string;
  /** A longer description, fit to show. */
  longMessage: string;
  /** Details: `param_name` for a bad parameter, `email_addresses` for duplicates. */
  meta: Record<string, unknown>;
}

/**
 * Thrown when the service answers with an error status.
 *
 * @example
 * try {
 *   await organization.inviteMember({ emailAddress, role: "basic_member" });
 * } catch (err) {
 *   if (err instanceof ApiResponseError && err.errors[0]?.code === "duplicate_record") {
 *     // already invited
 *   }
 * }
 */
export class ApiResponseError extends Error {
  override name = "ApiResponseError";
  /** The HTTP status, e.g. 422. */
  readonly status: number;
  /** Every error the service reported, in order; empty when the body was not the envelope. */
  readonly errors: ApiErrorItem[];
  /** The request id to quote in a bug report (`clerk_trace_id`), or null when absent. */
  readonly traceId: string | null;
  /** Seconds to wait before retrying, from `Retry-After` (429), or null. */
  readonly retryAfter: number | null;

  constructor(
    status: number,
    errors: ApiErrorItem[],
    traceId: string | null,
    retryAfter: number | null = null,
  ) {
    super(errors[0]?.longMessage || errors[0]?.message || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.traceId = traceId;
    this.retryAfter = retryAfter;
  }

  /** The first error's code, or null: the common case of a single error. */
  get code(): string | null {
    return this.errors[0]?.code ?? null;
  }
}

const isEnvelope = (body: unknown): body is ErrorEnvelope =>
  typeof body === "object" && body !== null && Array.isArray((body as ErrorEnvelope).errors);

/** The error a failed response stands for; a body that is not the envelope still yields one. */
export async function errorFromResponse(res: Response): Promise<ApiResponseError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // A proxy's HTML error page, an empty body: the status alone has to do.
  }
  const retry = Number.parseInt(res.headers.get("retry-after") ?? "", 10);
  const retryAfter = Number.isNaN(retry) ? null : retry;
  if (!isEnvelope(body)) return new ApiResponseError(res.status, [], null, retryAfter);
  return new ApiResponseError(
    res.status,
    body.errors.map((e) => ({
      code: e.code,
      message: e.message,
      longMessage: e.long_message,
      meta: e.meta ?? {},
    })),
    body.clerk_trace_id ?? null,
    retryAfter,
  );
}
