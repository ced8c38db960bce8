/**
 * Liveness (no I/O) and readiness (D1 answers).
 */

import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../http/types";

export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ ok: true }))
  .get("/readyz", async (c) => {
    try {
      await c.get("deps").db.run(sql`select 1`);
      return c.json({ ok: true, d1: "ok" });
    } catch {
      return c.json({ ok: false, d1: "unreachable" }, 503);
    }
  });
