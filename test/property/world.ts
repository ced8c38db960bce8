/**
 * The small world the property tests fuzz against: an organization with an admin, members and
 * pending invitations, invitations addressed to the admin elsewhere (with their tickets), and
 * tokens for every kind of caller, including correctly signed ones with odd claims.
 */
import { SECRET_KEY, sessionToken } from "../support/api";
import { addMember, createOrganization, email, invite, unique } from "../support/fixtures";
import { ticketOf } from "../support/invitee";

export interface FuzzWorld {
  orgId: string;
  otherOrgId: string;
  adminId: string;
  /** Addresses that already belong to members of the organization (invites are refused). */
  memberEmails: string[];
  /** Members the fuzzer may remove (never the admin, who drives most requests). */
  memberIds: string[];
  /** Pending invitations of the organization. */
  invitationIds: string[];
  /** Pending invitations addressed to the admin, in organizations of their own. */
  myInvitationIds: string[];
  tickets: string[];
  tokens: Record<CallerName, string | null>;
  /** Correctly signed session tokens with odd claims. */
  oddTokens: string[];
}

export type CallerName =
  | "backend"
  | "admin"
  | "basic"
  | "guest"
  | "stranger"
  | "none"
  | "wrongKey"
  | "expired"
  | "algNone"
  | "wrongSecret";

function unsignedToken(userId: string): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: userId, exp: now + 3600 })}.`;
}

/** A fresh organization with an admin, a basic and a guest member, invitations and tickets. */
export async function buildWorld(label: string): Promise<FuzzWorld> {
  const adminId = unique(`user_${label}_admin`);
  const adminEmail = email(`${label}-admin`);
  const org = await createOrganization({ createdBy: adminId });
  const otherOrg = await createOrganization({ createdBy: unique("user_stranger") });
  const basic = { id: unique("user_basic"), email: email(`${label}-basic`) };
  const guest = { id: unique("user_guest"), email: email(`${label}-guest`) };
  await addMember(org.id, basic.id, "basic_member", basic.email);
  await addMember(org.id, guest.id, "guest_member", guest.email);
  const spare = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      const id = unique(`user_spare${i}`);
      await addMember(org.id, id, "basic_member", email(`${label}-spare`));
      return id;
    }),
  );
  const invitations = await Promise.all(Array.from({ length: 12 }, () => invite(org.id)));
  const mine = await Promise.all(
    Array.from({ length: 6 }, async () =>
      invite((await createOrganization()).id, { email_address: adminEmail }),
    ),
  );
  const strangerToken = await sessionToken(unique("user_stranger"), { email: email("stranger") });
  const now = Math.floor(Date.now() / 1000);
  const oddTokens = await Promise.all([
    sessionToken("", { email: adminEmail }),
    sessionToken(adminId, { email: ["a@example.com"] }),
    sessionToken(adminId, { email: ` ${adminEmail.toUpperCase()} ` }),
    sessionToken(adminId, { email: adminEmail, org_id: { id: org.id } }),
    sessionToken(adminId, { email: adminEmail, o: { id: 5 } }),
    sessionToken(adminId, { email: adminEmail, nbf: now + 3600 }),
    sessionToken(adminId, { email: "" }),
    sessionToken(`user_${"x".repeat(5000)}`, { email: `${"y".repeat(300)}@example.com` }),
    sessionToken(adminId, { email: "a@example.com\r\nBcc: b@example.com" }),
  ]);
  return {
    orgId: org.id,
    otherOrgId: otherOrg.id,
    adminId,
    memberEmails: [basic.email, guest.email],
    memberIds: [basic.id, guest.id, ...spare],
    oddTokens,
    invitationIds: invitations.map((i) => i.id),
    myInvitationIds: mine.map((i) => i.id),
    tickets: [...mine, ...invitations.slice(0, 3)].map(ticketOf),
    tokens: {
      backend: SECRET_KEY,
      admin: await sessionToken(adminId, { email: adminEmail }),
      basic: await sessionToken(basic.id, { email: basic.email }),
      guest: await sessionToken(guest.id, { email: guest.email }),
      stranger: strangerToken,
      none: null,
      wrongKey: `sk_test_${"0".repeat(32)}`,
      expired: await sessionToken(adminId, { email: adminEmail }, { expiresIn: 1_000_000 }),
      algNone: unsignedToken(adminId),
      wrongSecret: await sessionToken(
        adminId,
        { email: adminEmail },
        { secret: new TextEncoder().encode("not-the-secret-0123456789abcdef0123456789") },
      ),
    },
  };
}
