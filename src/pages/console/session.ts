/**
 * What the console's pages share with the other HTML pages: who is signed in (the `__session`
 * cookie, verified like any session JWT), which origins may post our forms, and a one-shot
 * "flash" notice carried across a POST-redirect-GET.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sessionFromToken } from "../../auth/authenticate";
import type { SessionPrincipal } from "../../auth/principal";
import type { AppEnv } from "../../http/types";
import { SESSION_COOKIE } from "../accept";

type PageContext = Context<AppEnv>;

/** A bad, expired or foreign cookie is simply "not signed in". */
export async function readSession(c: PageContext): Promise<SessionPrincipal | null> {
  const token = getCookie(c, SESSION_COOKIE);
  return token ? sessionFromToken(token, c.get("config")) : null;
}

/** Origins a legitimate form post comes from: the one serving the page, and `PUBLIC_URL`'s. */
export function ownOrigins(c: PageContext): string[] {
  return [new URL(c.req.url).origin, new URL(c.get("config").PUBLIC_URL).origin];
}

export interface Flash {
  kind: "ok" | "error";
  message: string;
}

const FLASH_COOKIE = "console_flash";
/** Long enough to survive the redirect, short enough not to reappear on a later visit. */
const FLASH_MAX_AGE_SECONDS = 60;
const FLASH_MAX_LENGTH = 300;

/**
 * The notice the next page shows once. It is only ever rendered as escaped text, so a cookie
 * someone else planted can at worst show a wrong sentence, never run anything.
 */
export function setFlash(c: PageContext, flash: Flash): void {
  const message = flash.message.slice(0, FLASH_MAX_LENGTH);
  setCookie(c, FLASH_COOKIE, `${flash.kind}:${message}`, {
    path: "/console",
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: FLASH_MAX_AGE_SECONDS,
  });
}

/** The pending notice, if any, cleared as it is read. */
export function takeFlash(c: PageContext): Flash | null {
  const value = getCookie(c, FLASH_COOKIE);
  if (value === undefined) return null;
  deleteCookie(c, FLASH_COOKIE, { path: "/console" });
  const match = /^(ok|error):(.{1,300})$/s.exec(value);
  if (!match?.[2]) return null;
  return { kind: match[1] === "ok" ? "ok" : "error", message: match[2] };
}
