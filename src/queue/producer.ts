/**
 * The only code that puts messages on the invitation-email queue.
 */
import { log } from "../http/log";
import type { EmailDispatcher, EmailRequest } from "../invitations/ports";
import type { InvitationEmailMessage } from "./messages";

/** `sendBatch` takes at most 100 messages per call. */
export const QUEUE_SEND_BATCH_MAX = 100;

export function queueEmailDispatcher(queue: Queue): EmailDispatcher {
  return {
    async enqueue(requests: readonly EmailRequest[]) {
      for (let i = 0; i < requests.length; i += QUEUE_SEND_BATCH_MAX) {
        const chunk = requests.slice(i, i + QUEUE_SEND_BATCH_MAX);
        const messages = chunk.map((r) => ({
          body: {
            v: 1,
            type: "invitation.email",
            invitation_id: r.invitationId,
            link_version: r.linkVersion,
          } satisfies InvitationEmailMessage,
          contentType: "json" as const,
        }));
        try {
          await queue.sendBatch(messages);
        } catch (err) {
          // The rows stay `queued`; the scheduled sweep re-enqueues them, so nothing is lost.
          log.error("queue send failed; left for the sweep", {
            count: chunk.length,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }
    },
  };
}
