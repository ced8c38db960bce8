/**
 * The invitation email: subject, HTML and plain text. Every interpolated value is untrusted
 * (organization names and addresses come from API callers), so each one is flattened to a single
 * line of printable text and, in HTML, entity-escaped. The HTML is table-based with inline styles,
 * which is what Outlook, Gmail and Apple Mail all render the same way.
 */

export interface InvitationEmailInput {
  to: string;
  organizationName: string;
  /** Who invited: an address or name when known, else null (the email then omits it). */
  inviter: string | null;
  roleName: string;
  acceptUrl: string;
  /** Unix milliseconds. */
  expiresAt: number;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Longest name shown; longer ones are cut so a hostile name cannot push the link off-screen. */
const NAME_MAX_CHARS = 120;

// C0/C1 controls (CR and LF would start new header lines in the subject), and the bidirectional
// overrides that can make a name read backwards ("Trojan Source"-style spoofing).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of printable text, at most `max` characters. */
export function plainText(value: string, max = NAME_MAX_CHARS): string {
  const flat = value.replace(UNSAFE_CHARACTERS, " ").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Safe in element content and in quoted attribute values. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch);

/** Only http(s) links are ever put in an `href`; anything else would be a script or a trick. */
function safeLink(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "https:" || parsed.protocol === "http:") return parsed.toString();
  } catch {
    // fall through
  }
  throw new Error("accept link must be an absolute http(s) URL");
}

const EXPIRY_FORMAT = new Intl.DateTimeFormat("en-US", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "UTC",
});

/** "January 5, 2027 at 2:00 PM UTC": the recipient's time zone is unknown, so UTC, said out loud. */
export const formatExpiry = (expiresAt: number): string =>
  `${EXPIRY_FORMAT.format(new Date(expiresAt))} UTC`;

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  const org = plainText(input.organizationName);
  const inviter = input.inviter ? plainText(input.inviter) : null;
  const role = plainText(input.roleName, 60);
  const to = plainText(input.to, 254);
  const link = safeLink(input.acceptUrl);
  const expiry = formatExpiry(input.expiresAt);

  const subject = inviter
    ? `${inviter} invited you to join ${org}`
    : `You are invited to join ${org}`;
  const lead = inviter
    ? `${inviter} has invited you to join ${org} as ${role}.`
    : `You have been invited to join ${org} as ${role}.`;

  const text = [
    lead,
    "",
    "Accept the invitation:",
    link,
    "",
    `This invitation was sent to ${to} and expires on ${expiry}.`,
    "If you were not expecting it, you can ignore this email.",
    "",
  ].join("\n");

  const h = {
    org: escapeHtml(org),
    inviter: inviter ? escapeHtml(inviter) : null,
    role: escapeHtml(role),
    to: escapeHtml(to),
    link: escapeHtml(link),
    expiry: escapeHtml(expiry),
    subject: escapeHtml(subject),
  };
  const leadHtml = h.inviter
    ? `${h.inviter} has invited you to join <strong>${h.org}</strong> as <strong>${h.role}</strong>.`
    : `You have been invited to join <strong>${h.org}</strong> as <strong>${h.role}</strong>.`;

  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${h.subject}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<div style="display:none;max-height:0;overflow:hidden;">${escapeHtml(lead)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border-radius:8px;">
<tr><td style="padding:32px;font-family:${FONT};font-size:16px;line-height:24px;color:#18181b;">
<h1 style="margin:0 0 16px;font-size:22px;line-height:30px;font-weight:600;">Join ${h.org}</h1>
<p style="margin:0 0 24px;">${leadHtml}</p>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 24px;">
<tr><td bgcolor="#18181b" style="border-radius:6px;">
<a href="${h.link}" style="display:inline-block;padding:12px 24px;font-family:${FONT};font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;">Accept invitation</a>
</td></tr>
</table>
<p style="margin:0 0 16px;font-size:14px;line-height:20px;color:#52525b;">Or open this link:<br><a href="${h.link}" style="color:#2563eb;word-break:break-all;">${h.link}</a></p>
<p style="margin:0;font-size:14px;line-height:20px;color:#52525b;">This invitation was sent to ${h.to} and expires on ${h.expiry}. If you were not expecting it, you can ignore this email.</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
  return { subject, html, text };
}
