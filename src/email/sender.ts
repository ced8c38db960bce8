/**
 * `EMAIL_FROM`: either `address@domain` or `Display Name <address@domain>`.
 */
import type { Sender } from "./types";

const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const NAMED = /^\s*"?([^"<>\r\n]*?)"?\s*<([^<>]+)>\s*$/;

/** The parsed sender, or null when `EMAIL_FROM` is neither form. */
export function parseSender(value: string): Sender | null {
  const named = NAMED.exec(value);
  if (named) {
    const email = named[2]?.trim() ?? "";
    if (!ADDRESS.test(email)) return null;
    const name = named[1]?.trim() ?? "";
    return { name: name === "" ? null : name, email };
  }
  const email = value.trim();
  return ADDRESS.test(email) ? { name: null, email } : null;
}

/** The sender as a header value, for providers that take one string. */
export const formatSender = (sender: Sender): string =>
  sender.name ? `${sender.name} <${sender.email}>` : sender.email;
