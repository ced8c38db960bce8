/**
 * `GET /accept?ticket=…`: the page an invitation email links to.
 */
import { Hono } from "hono";
import type { AppEnv } from "../http/types";

export const acceptPages = new Hono<AppEnv>();
