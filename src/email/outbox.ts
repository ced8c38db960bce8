/**
 * The `outbox` transport (development and tests): emails are stored in D1 instead of sent, and
 * `/dev/mailbox` shows them, so a newcomer sees every email and can click its link.
 */
import { count, desc, getTableColumns } from "drizzle-orm";
import { runBatch } from "../db/batch";
import type { Database } from "../db/client";
import { outboxEmails } from "../db/schema";
import { newId } from "../shared/ids";
import type { EmailTransport, OutgoingEmail, SendOutcome } from "./types";

/** D1 binds at most 100 parameters per statement. */
const ROWS_PER_INSERT = Math.floor(100 / Object.keys(getTableColumns(outboxEmails)).length);

export function outboxTransport(db: Database, now: () => number): EmailTransport {
  return {
    name: "outbox",
    async send(emails: readonly OutgoingEmail[]): Promise<SendOutcome[]> {
      const sentAt = now();
      const rows = emails.map((e) => ({
        id: newId("mail"),
        invitationId: e.invitationId,
        to: e.to,
        subject: e.subject,
        text: e.text,
        html: e.html,
        acceptUrl: e.acceptUrl,
        sentAt,
      }));
      const statements = [];
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        statements.push(db.insert(outboxEmails).values(rows.slice(i, i + ROWS_PER_INSERT)));
      }
      try {
        await runBatch(db, statements);
      } catch (err) {
        // D1 hiccups are as transient as a provider's 503.
        const error = `outbox write failed: ${err instanceof Error ? err.message : String(err)}`;
        return emails.map(() => ({ kind: "transient", error }));
      }
      return rows.map((r) => ({ kind: "sent", providerId: r.id }));
    },
  };
}

export type OutboxEmail = typeof outboxEmails.$inferSelect;

/** The newest outbox emails (served by `outbox_emails_sent`) and how many there are in all. */
export async function listOutboxEmails(
  db: Database,
  limit: number,
): Promise<{ rows: OutboxEmail[]; totalCount: number }> {
  const [rows, total] = await db.batch([
    db
      .select()
      .from(outboxEmails)
      .orderBy(desc(outboxEmails.sentAt), desc(outboxEmails.id))
      .limit(limit),
    db.select({ n: count() }).from(outboxEmails),
  ]);
  return { rows, totalCount: total[0]?.n ?? 0 };
}
