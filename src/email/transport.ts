/**
 * Picks the email transport named by `EMAIL_TRANSPORT` and checks that what it needs is there.
 * A missing or inconsistent setting is a `ConfigError` naming the variable, raised before any
 * message is touched, never a crash halfway through a batch.
 */
import { type Config, ConfigError } from "../config";
import type { Database } from "../db/client";
import { cloudflareTransport } from "./cloudflare";
import { outboxTransport } from "./outbox";
import { resendTransport } from "./resend";
import { parseSender } from "./sender";
import type { EmailTransport } from "./types";

export interface TransportContext {
  env: Env;
  config: Config;
  db: Database;
  now: () => number;
}

const invalid = (problem: string) => new ConfigError(`Invalid configuration: ${problem}`);

export function createTransport({ env, config, db, now }: TransportContext): EmailTransport {
  const from = parseSender(config.EMAIL_FROM);
  if (!from) {
    throw invalid(
      `EMAIL_FROM must be an address or "Name <address>"; got ${JSON.stringify(config.EMAIL_FROM)}`,
    );
  }
  switch (config.EMAIL_TRANSPORT) {
    case "outbox":
      // The outbox only stores emails; in production nobody would ever read them.
      if (config.ENVIRONMENT === "production") {
        throw invalid(
          "EMAIL_TRANSPORT=outbox only stores emails (for development and tests); with ENVIRONMENT=production set EMAIL_TRANSPORT to resend or cloudflare",
        );
      }
      return outboxTransport(db, now);
    case "resend":
      if (!config.RESEND_API_KEY) {
        throw invalid("RESEND_API_KEY is required when EMAIL_TRANSPORT=resend");
      }
      return resendTransport({
        apiKey: config.RESEND_API_KEY,
        from,
        now,
        ...(config.RESEND_BASE_URL ? { baseUrl: config.RESEND_BASE_URL.replace(/\/+$/, "") } : {}),
      });
    case "cloudflare":
      if (!env.SEND_EMAIL) {
        throw invalid(
          "EMAIL_TRANSPORT=cloudflare needs the SEND_EMAIL send_email binding in wrangler.toml",
        );
      }
      return cloudflareTransport(env.SEND_EMAIL, from);
  }
}
