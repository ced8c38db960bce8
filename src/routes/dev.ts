/**
 * Development-only routes (`ENVIRONMENT=development`; 404 elsewhere): the dev mailbox.
 */
import { createRouter } from "../http/router";

export const devRoutes = createRouter();
