/**
 * `/v1/tickets/accept`: accept an invitation from the ticket in its email link.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { InvitationSchema } from "../contract/objects";
import { unwrap } from "../http/errors";
import { clientAddress, enforceLimit } from "../http/rate-limit";
import { bearerSecurity, createRouter, errorResponses, jsonContent } from "../http/router";
import { acceptInvitationByTicket } from "../invitations/accept";
import { presentForInvitee } from "../invitations/invitee-presenter";
import { requireSession } from "./me";

export const AcceptTicketBodySchema = z
  .object({
    ticket: z
      .string()
      .min(1)
      .max(512)
      .openapi({ description: "The `ticket` query parameter of the email's accept link" }),
  })
  .openapi("AcceptTicket");
export type AcceptTicketBody = z.infer<typeof AcceptTicketBodySchema>;

const acceptTicketRoute = createRoute({
  method: "post",
  path: "/tickets/accept",
  tags: ["Invitee"],
  summary: "Accept the invitation a ticket names; the session's email must be the invited one",
  security: bearerSecurity,
  request: {
    body: { required: true, content: { "application/json": { schema: AcceptTicketBodySchema } } },
  },
  responses: {
    200: jsonContent(InvitationSchema, "The accepted invitation"),
    ...errorResponses(400, 401, 403, 404, 422, 429),
  },
});

export const ticketsRoutes = createRouter().openapi(acceptTicketRoute, async (c) => {
  const invitee = requireSession(c);
  await enforceLimit(c, "ACCEPT_LIMITER", clientAddress(c), "accept attempts");
  const deps = c.get("deps");
  const accepted = unwrap(
    await acceptInvitationByTicket(deps, invitee, c.req.valid("json").ticket),
  );
  return c.json(await presentForInvitee(deps, accepted), 200);
});
