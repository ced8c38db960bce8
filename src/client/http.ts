/**
 * The SDK's only I/O: `fetch` with the session token, JSON in and out, errors as
 * `ApiResponseError`. Nothing here depends on a runtime beyond `fetch`, `URL` and `atob`, which
 * browsers, Node and Workers all have.
 */
import { errorFromResponse } from "./errors";

/** A `fetch`-compatible function: the global one, a Worker's service binding, a test's. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Returns the current session token (a JWT), or null when signed out. Clerk's `session.getToken` fits. */
export type TokenGetter = () => string | null | undefined | Promise<string | null | undefined>;

type Query = Record<string, string | number | undefined>;

/** Sends one API request and resolves with the parsed JSON body, or throws `ApiResponseError`. */
export type Send = <T>(method: string, path: string, query?: Query, body?: unknown) => Promise<T>;

/** `/v1/...` with every dynamic segment escaped, so an id can never change the path. */
export const path = (strings: TemplateStringsArray, ...ids: string[]): string =>
  strings.reduce((out, s, i) => out + encodeURIComponent(ids[i - 1] ?? "") + s);

/**
 * The `Send` of one client: requests go to `baseUrl` (a trailing slash is fine) with the token
 * `getToken` returns at that moment, through `fetcher` or else the global `fetch`.
 */
export function createSend(baseUrl: string, getToken: TokenGetter, fetcher?: FetchLike): Send {
  const root = baseUrl.replace(/\/+$/, "");
  return async <T>(method: string, route: string, query?: Query, body?: unknown) => {
    const url = new URL(root + route);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: "application/json" };
    const token = await getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    // Looked up per call, not captured: a global `fetch` swapped later (polyfills, tests) is used,
    // and calling it unbound would throw "Illegal invocation" in browsers.
    const res = await (fetcher ?? ((input, i) => fetch(input, i)))(url.toString(), init);
    if (!res.ok) throw await errorFromResponse(res);
    return (await res.json()) as T;
  };
}

/**
 * The active organization named in a session JWT (`org_id`, or Clerk's v2 `o.id`), read WITHOUT
 * verifying the signature: the server verifies every request; this only picks what to ask for.
 */
export function activeOrganizationId(token: string | null | undefined): string | null {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const binary = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))),
    ) as { org_id?: unknown; o?: { id?: unknown } };
    const id = claims.org_id ?? claims.o?.id;
    return typeof id === "string" && id !== "" ? id : null;
  } catch {
    return null;
  }
}
