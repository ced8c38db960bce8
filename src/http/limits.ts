/**
 * Input limits shared by the request schemas: what a field may hold before it is refused.
 */
import { z } from "@hono/zod-openapi";

/** Clerk caps each metadata object at 8 KB of JSON; so do we. */
export const METADATA_MAX_BYTES = 8 * 1024;
/** Names show up in email subjects and pages. */
export const NAME_MAX_LENGTH = 256;

const encoder = new TextEncoder();

/** A JSON object of at most 8 KB, as request metadata. */
export const MetadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => encoder.encode(JSON.stringify(value)).length <= METADATA_MAX_BYTES, {
    message: `must be at most ${METADATA_MAX_BYTES} bytes of JSON`,
  });

/**
 * Text shown to people (organization names): trimmed, bounded, and free of control characters,
 * so nothing can break an email header line or a page.
 */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(NAME_MAX_LENGTH)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
  .refine((name) => name.isWellFormed(), { message: "must be well-formed Unicode" });
