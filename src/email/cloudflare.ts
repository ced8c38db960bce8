/**
 * The `cloudflare` transport: Cloudflare Email Sending through the `send_email` binding
 * (`SEND_EMAIL` in wrangler.toml). It has no batch API, so each email is its own `send()`, a few
 * at a time. Locally, wrangler and the tests' workerd accept the binding and send nothing.
 */
import {
  clipError,
  type EmailTransport,
  type OutgoingEmail,
  type Sender,
  type SendOutcome,
} from "./types";

/** `send()` calls in flight at once: keeps a 100-message batch well inside the subrequest limit. */
const CONCURRENCY = 10;

/** The binding's shape we rely on (a subset of `SendEmail`), so tests can hand in their own. */
export interface EmailSendingBinding {
  send(builder: {
    from: string | { name: string; email: string };
    to: string;
    subject: string;
    html: string;
    text: string;
    headers?: Record<string, string>;
  }): Promise<{ messageId: string }>;
}

// The binding throws `Error`s whose text names the problem. Refusals about the message itself
// will not change on retry; everything else (limits, timeouts, outages) might.
const PERMANENT =
  /invalid|not allowed|not verified|unverified|forbidden|not entitled|too large|rejected/i;

function classify(err: unknown): SendOutcome {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const code =
    err && typeof err === "object" && "code" in err && typeof err.code === "string"
      ? `${err.code} `
      : "";
  const error = clipError(`cloudflare send failed: ${code}${text}`);
  return PERMANENT.test(text) && !/rate|limit|timeout|unavailable/i.test(text)
    ? { kind: "permanent", error }
    : { kind: "transient", error };
}

export function cloudflareTransport(binding: EmailSendingBinding, from: Sender): EmailTransport {
  const sender = from.name ? { name: from.name, email: from.email } : from.email;

  async function sendOne(e: OutgoingEmail): Promise<SendOutcome> {
    try {
      const result = await binding.send({
        from: sender,
        to: e.to,
        subject: e.subject,
        html: e.html,
        text: e.text,
      });
      return { kind: "sent", providerId: result.messageId };
    } catch (err) {
      return classify(err);
    }
  }

  return {
    name: "cloudflare",
    async send(emails) {
      const outcomes: SendOutcome[] = [];
      for (let i = 0; i < emails.length; i += CONCURRENCY) {
        outcomes.push(...(await Promise.all(emails.slice(i, i + CONCURRENCY).map(sendOne))));
      }
      return outcomes;
    },
  };
}
