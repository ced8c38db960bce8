/**
 * Paging, in either family: the seed's `initialPage`/`pageSize` or Clerk's `limit`/`offset`.
 */
import { z } from "@hono/zod-openapi";
import { paramError } from "../shared/errors";
import { ApiError } from "./errors";

export const PAGE_SIZE_DEFAULT = 10;
export const PAGE_SIZE_MAX = 500;

const count = (min: number) => z.coerce.number().int().min(min);

export const PagingQuerySchema = z.object({
  initialPage: count(1)
    .optional()
    .openapi({ description: "1-based page; skips the first initialPage-1 pages", example: 1 }),
  pageSize: count(1).max(PAGE_SIZE_MAX).optional().openapi({ example: PAGE_SIZE_DEFAULT }),
  limit: count(1).max(PAGE_SIZE_MAX).optional(),
  offset: count(0).optional(),
});
export type PagingQuery = z.infer<typeof PagingQuerySchema>;

/** `{limit, offset}` for either family; mixing the two is refused, naming the stray parameter. */
export function resolvePaging(q: PagingQuery): { limit: number; offset: number } {
  const seed = q.initialPage !== undefined || q.pageSize !== undefined;
  const clerk = q.limit !== undefined || q.offset !== undefined;
  if (seed && clerk) {
    const stray = q.limit !== undefined ? "limit" : "offset";
    throw new ApiError(
      paramError(
        "form_param_value_invalid",
        stray,
        "Use either initialPage/pageSize or limit/offset, not both.",
      ),
    );
  }
  if (seed) {
    const pageSize = q.pageSize ?? PAGE_SIZE_DEFAULT;
    return { limit: pageSize, offset: ((q.initialPage ?? 1) - 1) * pageSize };
  }
  return { limit: q.limit ?? PAGE_SIZE_DEFAULT, offset: q.offset ?? 0 };
}
