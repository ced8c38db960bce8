/**
 * `/v1/tickets/accept`: accept an invitation from the ticket in its email link.
 */
import { createRouter } from "../http/router";

export const ticketsRoutes = createRouter();
