/** Who is calling: the backend (secret key) or a signed-in user (session JWT). */
export type Principal =
  | { kind: "backend" }
  | {
      kind: "session";
      userId: string;
      /** Lower-cased; needed to accept invitations addressed to it. */
      email: string | null;
      /** The organization active in the session (`org_id`, or Clerk's v2 `o.id`). */
      activeOrganizationId: string | null;
    };

export type SessionPrincipal = Extract<Principal, { kind: "session" }>;
