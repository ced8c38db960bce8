/**
 * Development-only routes (`ENVIRONMENT=development`; 404 elsewhere): the dev mailbox, where the
 * `outbox` transport's emails can be read and their links clicked.
 *
 * - `GET /dev/mailbox`: the newest emails as a page (each email's HTML in a sandboxed frame).
 * - `GET /dev/mailbox.json`: `{data: [{id, to, subject, text, html, invitation_id, accept_url,
 *   sent_at}], total_count}`, newest first; `?limit=` 1–500, default 50.
 */
import { html } from "hono/html";
import { isDevelopment } from "../config";
import { listOutboxEmails, type OutboxEmail } from "../email/outbox";
import { createRouter } from "../http/router";

const MAILBOX_LIMIT_DEFAULT = 50;
const MAILBOX_LIMIT_MAX = 500;

function limitFrom(value: string | undefined): number {
  const n = Number(value ?? MAILBOX_LIMIT_DEFAULT);
  if (!Number.isInteger(n) || n < 1) return MAILBOX_LIMIT_DEFAULT;
  return Math.min(n, MAILBOX_LIMIT_MAX);
}

const toJson = (e: OutboxEmail) => ({
  id: e.id,
  to: e.to,
  subject: e.subject,
  text: e.text,
  html: e.html,
  invitation_id: e.invitationId,
  accept_url: e.acceptUrl,
  sent_at: e.sentAt,
});

const emailCard = (e: OutboxEmail) => html`<article>
  <header>
    <h2>${e.subject}</h2>
    <p>To <strong>${e.to}</strong> · ${new Date(e.sentAt).toISOString()} · invitation
      <code>${e.invitationId}</code></p>
    <p><a href="${e.acceptUrl}">Open the accept link</a></p>
  </header>
  <iframe title="${e.subject}" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="${e.html}"></iframe>
  <details><summary>Plain text</summary><pre>${e.text}</pre></details>
</article>`;

export const devRoutes = createRouter()
  .use("/dev/*", async (c, next) => {
    // Elsewhere the mailbox does not exist: the same 404 as any unknown path.
    if (!isDevelopment(c.get("config"))) return c.notFound();
    await next();
  })
  .get("/dev/mailbox.json", async (c) => {
    const page = await listOutboxEmails(c.get("deps").db, limitFrom(c.req.query("limit")));
    return c.json({ data: page.rows.map(toJson), total_count: page.totalCount });
  })
  .get("/dev/mailbox", async (c) => {
    const page = await listOutboxEmails(c.get("deps").db, limitFrom(c.req.query("limit")));
    return c.html(html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev mailbox</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 760px; padding: 0 1rem; color: #18181b; }
  article { border: 1px solid #e4e4e7; border-radius: 8px; padding: 1rem; margin: 0 0 1.5rem; }
  h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
  header p { margin: .25rem 0; color: #52525b; font-size: .9rem; }
  iframe { width: 100%; height: 420px; border: 1px solid #e4e4e7; border-radius: 6px; margin-top: .5rem; }
  pre { white-space: pre-wrap; font-size: .85rem; }
</style>
</head>
<body>
<h1>Dev mailbox</h1>
<p>${page.totalCount} emails stored by the outbox transport; newest first. JSON at
  <a href="/dev/mailbox.json">/dev/mailbox.json</a>.</p>
${page.rows.length === 0 ? html`<p>No emails yet: create an invitation and reload.</p>` : page.rows.map(emailCard)}
</body>
</html>`);
  });
