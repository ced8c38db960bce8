/**
 * The console's invite form: one address or many pasted at once. Each address is checked on its
 * own, so one typo does not sink the rest; the good ones are created in one bulk call (the
 * domain's all-or-nothing `createInvitations`), and each refused address comes back with its
 * reason, to be shown next to the input.
 */
import type { Role } from "../../contract/roles";
import type { InvitationRow, OrganizationRow } from "../../db/schema";
import type { Deps } from "../../deps";
import { createInvitations } from "../../invitations/create";
import { isValidEmail, normalizeEmail } from "../../invitations/rules";

export interface AddressProblem {
  /** What was typed (shortened when very long), shown back to the admin. */
  input: string;
  message: string;
}

export interface InviteOutcome {
  created: InvitationRow[];
  problems: AddressProblem[];
  /** A refusal of the whole request (quota, too many addresses), shown above the form. */
  formError: string | null;
}

/** Separators between pasted addresses: what spreadsheets, mail clients and people type. */
const SEPARATORS = /[\s,;]+/;
const SHOWN_INPUT_MAX = 100;
/**
 * A failed bulk call writes nothing and names the addresses it refused; each such address is set
 * aside and the rest tried again. Members are reported before pending duplicates, so two refusals
 * can come before the call that creates.
 */
const MAX_ATTEMPTS = 3;

const shown = (input: string) =>
  input.length > SHOWN_INPUT_MAX ? `${input.slice(0, SHOWN_INPUT_MAX)}…` : input;

/** Normalized, de-duplicated addresses, and the entries that are not addresses at all. */
export function parseAddressList(text: string): { valid: string[]; problems: AddressProblem[] } {
  const valid: string[] = [];
  const problems: AddressProblem[] = [];
  const seen = new Set<string>();
  for (const entry of text.split(SEPARATORS)) {
    if (entry === "") continue;
    const email = normalizeEmail(entry);
    if (!isValidEmail(email)) {
      problems.push({ input: shown(entry), message: "is not a valid email address" });
    } else if (!seen.has(email)) {
      // A repeat in one paste is the same person: invite once, without complaint.
      seen.add(email);
      valid.push(email);
    }
  }
  return { valid, problems };
}

const REFUSAL_MESSAGES: Partial<Record<string, string>> = {
  duplicate_record: "already has a pending invitation",
  already_a_member_in_organization: "already belongs to a member",
};

function refusedAddresses(meta: Record<string, unknown> | undefined): string[] {
  const list = meta?.email_addresses;
  return Array.isArray(list) ? list.filter((e): e is string => typeof e === "string") : [];
}

export async function inviteFromForm(
  deps: Deps,
  organization: OrganizationRow,
  inviterUserId: string,
  role: Role,
  text: string,
): Promise<InviteOutcome> {
  const { valid, problems } = parseAddressList(text);
  if (valid.length === 0 && problems.length === 0) {
    return { created: [], problems, formError: "Enter at least one email address." };
  }
  let remaining = valid;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && remaining.length > 0; attempt++) {
    const result = await createInvitations(
      deps,
      organization,
      remaining.map((emailAddress) => ({ emailAddress, role, inviterUserId })),
    );
    if (result.ok) return { created: result.value, problems, formError: null };
    const message = REFUSAL_MESSAGES[result.error.code];
    const refused = new Set(refusedAddresses(result.error.meta));
    const kept = remaining.filter((email) => !refused.has(email));
    if (!message || kept.length === remaining.length) {
      return { created: [], problems, formError: result.error.longMessage ?? result.error.message };
    }
    for (const email of remaining) if (refused.has(email)) problems.push({ input: email, message });
    remaining = kept;
  }
  return {
    created: [],
    problems,
    formError: remaining.length > 0 ? "The invitations could not be created; try again." : null,
  };
}
