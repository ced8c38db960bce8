/**
 * The domain's expected failures. Codes are Clerk's (see `docs/api.md`), so Clerk's SDKs read
 * them; the HTTP layer maps each code to its status.
 */
export const ERROR_CODES = [
  "request_body_invalid",
  "authentication_invalid",
  "missing_organization_permission",
  "organization_membership_quota_exceeded",
  "resource_not_found",
  "duplicate_record",
  "already_a_member_in_organization",
  "organization_invitation_not_pending",
  "bulk_size_exceeded",
  "form_param_missing",
  "form_param_format_invalid",
  "form_param_value_invalid",
  "rate_limit_exceeded",
  "webhook_endpoint_limit_exceeded",
  "webhooks_not_configured",
  "internal_error",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainError {
  code: ErrorCode;
  message: string;
  longMessage?: string;
  meta?: Record<string, unknown>;
}

export const notFound = (what = "resource"): DomainError => ({
  code: "resource_not_found",
  message: "not found",
  longMessage: `The requested ${what} was not found.`,
});

export const paramError = (
  code: "form_param_missing" | "form_param_format_invalid" | "form_param_value_invalid",
  paramName: string,
  longMessage: string,
): DomainError => ({
  code,
  message:
    code === "form_param_missing"
      ? "missing required parameter"
      : code === "form_param_format_invalid"
        ? "is invalid"
        : "invalid value",
  longMessage,
  meta: { param_name: paramName },
});
