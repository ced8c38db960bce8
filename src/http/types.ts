import type { Principal } from "../auth/principal";
import type { Config } from "../config";
import type { Deps } from "../deps";

/** Hono's typing for this app: the Worker's bindings and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    deps: Deps;
    principal: Principal;
    /** Set by a write's access check: whether any webhook endpoint existed then. */
    webhookEndpointsExist?: boolean;
  };
}
