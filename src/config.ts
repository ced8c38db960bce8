/**
 * Settings, read once per isolate from the Worker's environment and validated: a missing or
 * inconsistent setting is an error naming the variable, not a crash deep inside a handler.
 */
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const ConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, "")),
    SECRET_KEY: z.string().startsWith("sk_", { message: "must start with sk_" }).min(20),
    SESSION_JWT_SECRET: optionalString,
    SESSION_JWKS_URL: optionalString.pipe(z.url().optional()),
    SESSION_JWT_ISSUER: optionalString,
    SESSION_JWT_AUDIENCE: optionalString,
    TICKET_SECRET: z.string().min(32, { message: "must be at least 32 characters" }),
    EMAIL_TRANSPORT: z.enum(["outbox", "resend", "cloudflare"]).default("outbox"),
    EMAIL_FROM: z.string().default("Invitations <invitations@example.com>"),
    RESEND_API_KEY: optionalString,
    /** Resend's API origin; a local mock in the benchmark, a regional endpoint if ever needed. */
    RESEND_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    SIGN_IN_URL: optionalString,
    ALLOWED_REDIRECT_ORIGINS: optionalString,
    /**
     * Encrypts webhook endpoints' signing secrets at rest (AES-GCM under an HKDF-derived key).
     * Optional: only creating endpoints and delivering webhooks need it.
     */
    WEBHOOK_SECRET_KEY: optionalString.pipe(
      z.string().min(32, { message: "must be at least 32 characters" }).optional(),
    ),
    INVITATION_TTL_DAYS: positiveInt(30).pipe(z.number().max(365)),
    BULK_MAX: positiveInt(1000),
  })
  .superRefine((c, ctx) => {
    if (c.EMAIL_TRANSPORT === "resend" && !c.RESEND_API_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["RESEND_API_KEY"],
        message: "is required when EMAIL_TRANSPORT=resend",
      });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const cache = new WeakMap<object, Config>();

/** Parses the environment's settings (cached per `env` object, i.e. per isolate). */
export function readConfig(env: object): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(env)"} ${i.message}`)
      .join("; ");
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}

/** True where development-only routes (the dev mailbox, dev login) may answer. */
export const isDevelopment = (config: Config) => config.ENVIRONMENT === "development";
