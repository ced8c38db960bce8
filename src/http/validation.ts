/**
 * Turns zod's issues into the contract's errors: the field is named in `meta.param_name`; a body
 * that is not even the right kind of JSON value is `request_body_invalid`.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { type DomainError, paramError } from "../shared/errors";
import { ApiError } from "./errors";

type Issue = z.core.$ZodIssue;

/** For a union, the branch the caller evidently meant: the one whose root type matched. */
function closestIssue(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const branch =
    issue.errors.find(
      (issues) => !issues.some((i) => i.path.length === 0 && i.code === "invalid_type"),
    ) ??
    issue.errors[0] ??
    [];
  const first = branch[0];
  if (!first) return issue;
  return closestIssue({ ...first, path: [...issue.path, ...first.path] } as Issue);
}

const paramNameOf = (path: readonly PropertyKey[]) =>
  path.filter((p) => typeof p === "string").join(".") || path.map(String).join(".");

/**
 * True when the caller's input has an object (or array) where `path` leads and no value under its
 * last key. A path through a non-object (after a transform, say) is not "absent": it says nothing.
 */
function isAbsent(root: unknown, path: readonly PropertyKey[]): boolean {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return false;
    current = Reflect.get(current, key);
  }
  return current === undefined;
}

/**
 * The contract's error for one zod issue. `input` is what the caller sent: zod 4 drops
 * `issue.input` from finished issues, so only the raw input tells a missing field from a
 * wrong-typed one (`"role": 5` is invalid, no `role` at all is missing).
 */
export function issueToError(
  rawIssue: Issue,
  target: string,
  input?: { value: unknown },
): DomainError {
  const issue = closestIssue(rawIssue);
  if (issue.path.length === 0 && target === "json") {
    return {
      code: "request_body_invalid",
      message: "request body invalid",
      longMessage:
        "The request body must be a JSON object (or an array where the endpoint takes one).",
    };
  }
  const param = paramNameOf(issue.path);
  const missing = input
    ? isAbsent(input.value, issue.path)
    : issue.code === "invalid_type" && issue.input === undefined;
  if (missing) {
    return paramError("form_param_missing", param, `${param} is required.`);
  }
  if (issue.code === "invalid_format") {
    return paramError("form_param_format_invalid", param, `${param} ${issue.message}.`);
  }
  return paramError("form_param_value_invalid", param, `${param}: ${issue.message}.`);
}

/** Throws the first issue as the contract's error. */
export function throwValidation(
  error: z.ZodError,
  target: string,
  input?: { value: unknown },
): never {
  const [first] = error.issues;
  throw new ApiError(
    first
      ? issueToError(first, target, input)
      : { code: "request_body_invalid", message: "request invalid", longMessage: error.message },
  );
}

/** `OpenAPIHono`'s `defaultHook`: every route's request validation fails the same way. */
export function validationHook(
  // `data` is the raw input: @hono/zod-validator passes it at runtime though its type omits it.
  result:
    | { success: true }
    | { success: false; error: z.ZodError; target?: string; data?: unknown },
  _c: Context,
) {
  if (!result.success) {
    const input = "data" in result ? { value: result.data } : undefined;
    throwValidation(result.error, result.target ?? "json", input);
  }
}
