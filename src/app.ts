/**
 * The Hono app: middleware, the error handler, and one sub-app per resource. Reading this file
 * tells you every URL the service answers.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { accessLog } from "./http/access-log";
import { errorBody, errorResponse, handleError } from "./http/errors";
import { authenticate, withDeps } from "./http/middleware";
import type { AppEnv } from "./http/types";
import { validationHook } from "./http/validation";
import { dispatchWebhooks } from "./http/webhook-dispatch";
import { acceptPages } from "./pages/accept";
import { consolePages } from "./pages/console";
import { devRoutes } from "./routes/dev";
import { devLoginRoutes } from "./routes/dev-login";
import { healthRoutes } from "./routes/health";
import { invitationsRoutes } from "./routes/invitations";
import { meRoutes } from "./routes/me";
import { membershipsRoutes } from "./routes/memberships";
import { organizationsRoutes } from "./routes/organizations";
import { ticketsRoutes } from "./routes/tickets";
import { webhooksRoutes } from "./routes/webhooks";

/** Largest request body accepted: a bulk of 1,000 addresses with metadata fits comfortably. */
export const MAX_BODY_BYTES = 512 * 1024;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestId());
  app.use(accessLog);
  app.use(secureHeaders({ crossOriginResourcePolicy: false }));
  app.use(withDeps);
  app.use(dispatchWebhooks);
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(
          errorBody(
            {
              code: "request_body_invalid",
              message: "request body too large",
              longMessage: `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
              meta: { max_bytes: MAX_BODY_BYTES },
            },
            c.get("requestId"),
          ),
          413,
        ),
    }),
  );
  app.use("/v1/*", authenticate);

  app.route("/", healthRoutes);
  app.route("/v1", organizationsRoutes);
  app.route("/v1", membershipsRoutes);
  app.route("/v1", invitationsRoutes);
  app.route("/v1", meRoutes);
  app.route("/v1", ticketsRoutes);
  app.route("/v1", webhooksRoutes);
  app.route("/", acceptPages);
  app.route("/", devRoutes);
  app.route("/", consolePages);
  app.route("/", devLoginRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A secret key (`sk_…`) for the backend, or a session JWT.",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Organization invitations",
      version: "1.0.0",
      description:
        "Invite people into organizations by email; wire-compatible with Clerk's Backend API.",
    },
  });
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Organization invitations API" }));

  app.notFound((c) =>
    errorResponse(c, {
      code: "resource_not_found",
      message: "not found",
      longMessage: `No route for ${c.req.method} ${c.req.path}.`,
    }),
  );
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
