/**
 * `/v1/me/organization_invitations`: the signed-in invitee's own invitations.
 */
import { createRouter } from "../http/router";

export const meRoutes = createRouter();
