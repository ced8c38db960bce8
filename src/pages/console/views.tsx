/**
 * The console's views. Pure rendering: every value passes through JSX, which escapes it
 * (organization names, addresses and error texts come from other people).
 */
import { raw } from "hono/html";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import {
  INVITATION_STATUSES,
  type InvitationStatus,
  ROLE_NAMES,
  ROLES,
} from "../../contract/roles";
import type { AddressProblem } from "./invite";
import { type ListQuery, listHref, listSearch, MEMBERS_PAGE_SIZE, orgPath } from "./list-query";
import type { Flash } from "./session";
import { CONSOLE_STYLE } from "./style";

export interface Viewer {
  userId: string;
  email: string | null;
}

export interface Shell {
  title: string;
  nonce: string;
  viewer: Viewer | null;
  /** `/dev/login` in development, so switching users is one click away; null elsewhere. */
  devLoginHref: string | null;
}

export const ConsoleLayout: FC<PropsWithChildren<{ shell: Shell }>> = ({ shell, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{shell.title} · Invitations console</title>
      <style nonce={shell.nonce}>{raw(CONSOLE_STYLE)}</style>
    </head>
    <body>
      <header class="top">
        <a class="brand" href="/console">
          Invitations console
        </a>
        <span class="who">
          {shell.viewer ? `Signed in as ${shell.viewer.email ?? shell.viewer.userId}` : ""}
          {shell.devLoginHref ? <a href={shell.devLoginHref}>Switch user (dev)</a> : ""}
        </span>
      </header>
      <main>{children}</main>
    </body>
  </html>
);

/** A page that only explains: not signed in, not found, not allowed, bad link. */
export const MessagePage: FC<{ heading: string; text: string; link?: Link | null }> = (props) => (
  <section class="card">
    <h1>{props.heading}</h1>
    <p>{props.text}</p>
    {props.link ? (
      <p>
        <a class="button primary" href={props.link.href}>
          {props.link.label}
        </a>
      </p>
    ) : (
      ""
    )}
  </section>
);

export interface Link {
  href: string;
  label: string;
}

export interface OrganizationEntry {
  id: string;
  name: string;
  roleName: string;
  canManage: boolean;
}

export const OrganizationListPage: FC<{ organizations: OrganizationEntry[] }> = (props) => (
  <section class="card">
    <h1>Your organizations</h1>
    {props.organizations.length === 0 ? (
      <p class="empty">You are not a member of any organization yet.</p>
    ) : (
      <ul class="orgs">
        {props.organizations.map((o) => (
          <li>
            {o.canManage ? <a href={orgPath(o.id)}>{o.name}</a> : <span>{o.name}</span>}{" "}
            <span class="muted">
              {o.roleName}
              {o.canManage ? "" : " · only admins can manage invitations"}
            </span>
          </li>
        ))}
      </ul>
    )}
  </section>
);

/** One invitation reduced to what the table shows. */
export interface InvitationLine {
  id: string;
  emailAddress: string;
  roleName: string;
  status: InvitationStatus;
  delivery: { status: string; attempts: number; lastError: string | null; sentAt: number | null };
  createdAt: number;
  expiresAt: number;
}

export interface MemberLine {
  userId: string;
  emailAddress: string | null;
  roleName: string;
  joinedAt: number;
}

export interface InviteFormState {
  text: string;
  role: string;
  problems: AddressProblem[];
  formError: string | null;
  /** Addresses just invited, when the same response also reports refused ones. */
  created: string[];
}

export const EMPTY_INVITE_FORM: InviteFormState = {
  text: "",
  role: "basic_member",
  problems: [],
  formError: null,
  created: [],
};

export interface OrganizationPageProps {
  organization: { id: string; name: string };
  counts: { members: number; pendingInvitations: number };
  csrfToken: string;
  flash: Flash | null;
  invite: InviteFormState;
  query: ListQuery;
  invitations: { rows: InvitationLine[]; totalCount: number };
  members: { rows: MemberLine[]; totalCount: number };
}

const DATE_FORMAT = new Intl.DateTimeFormat("en", {
  dateStyle: "medium",
  timeStyle: "short",
  hourCycle: "h23",
  timeZone: "UTC",
});

const DAY_FORMAT = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** A moment in UTC; tables that are short of room show the day only (the full time on hover). */
const When: FC<{ at: number; dayOnly?: boolean }> = ({ at, dayOnly }) => {
  const full = `${DATE_FORMAT.format(at)} UTC`;
  return (
    <time datetime={new Date(at).toISOString()} title={dayOnly ? full : undefined}>
      {dayOnly ? DAY_FORMAT.format(at) : full}
    </time>
  );
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const OrganizationPage: FC<OrganizationPageProps> = (props) => (
  <>
    <p class="crumbs">
      <a href="/console">Organizations</a> / {props.organization.name}
    </p>
    <h1>{props.organization.name}</h1>
    <ul class="stats">
      <li>
        <strong data-testid="pending-count">{props.counts.pendingInvitations}</strong>
        pending {props.counts.pendingInvitations === 1 ? "invitation" : "invitations"}
      </li>
      <li>
        <strong data-testid="members-count">{props.counts.members}</strong>
        {props.counts.members === 1 ? "member" : "members"}
      </li>
    </ul>
    {props.flash ? (
      <p
        class={`flash ${props.flash.kind}`}
        role={props.flash.kind === "error" ? "alert" : "status"}
      >
        {props.flash.message}
      </p>
    ) : (
      ""
    )}
    <InviteForm {...props} />
    <InvitationsSection {...props} />
    <MembersSection {...props} />
  </>
);

const InviteForm: FC<OrganizationPageProps> = ({ organization, csrfToken, invite, query }) => {
  const invalid = invite.problems.length > 0 || invite.formError !== null;
  const describedBy = invalid ? "addresses-hint addresses-errors" : "addresses-hint";
  return (
    <section class="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite people</h2>
      {invite.created.length > 0 ? (
        <p class="flash ok" role="status">
          Invited {invite.created.join(", ")}.
        </p>
      ) : (
        ""
      )}
      <form method="post" action={`${orgPath(organization.id)}/invitations?${listSearch(query)}`}>
        <input type="hidden" name="csrf_token" value={csrfToken} />
        <label for="email_addresses">Email addresses</label>
        <p class="hint" id="addresses-hint">
          One address, or paste many separated by commas, semicolons, spaces or new lines.
        </p>
        <textarea
          id="email_addresses"
          name="email_addresses"
          rows={3}
          aria-describedby={describedBy}
          aria-invalid={invalid ? "true" : "false"}
        >
          {invite.text}
        </textarea>
        {invalid ? (
          <ul class="field-errors" id="addresses-errors" role="alert">
            {invite.formError ? <li>{invite.formError}</li> : ""}
            {invite.problems.map((p) => (
              <li>
                <code>{p.input}</code> {p.message}
              </li>
            ))}
          </ul>
        ) : (
          ""
        )}
        <div class="row">
          <div>
            <label for="role">Role</label>
            <select id="role" name="role">
              {ROLES.map((role) => (
                <option value={role} selected={role === invite.role}>
                  {ROLE_NAMES[role]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <button type="submit" class="primary">
              Send invitations
            </button>
          </div>
        </div>
      </form>
    </section>
  );
};

const STATUS_LABELS: Record<InvitationStatus, string> = {
  pending: "Pending",
  accepted: "Accepted",
  revoked: "Revoked",
  expired: "Expired",
  declined: "Declined",
};

const InvitationsSection: FC<OrganizationPageProps> = (props) => {
  const { organization: org, query, invitations, counts } = props;
  const tabs: { status: InvitationStatus | undefined; label: string }[] = [
    { status: undefined, label: "All" },
    ...INVITATION_STATUSES.map((s) => ({
      status: s,
      label: s === "pending" ? `Pending (${counts.pendingInvitations})` : STATUS_LABELS[s],
    })),
  ];
  const lastPage = Math.max(1, Math.ceil(invitations.totalCount / query.pageSize));
  return (
    <section class="card" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Invitations</h2>
      <nav class="tabs" aria-label="Invitation status">
        {tabs.map((t) => (
          <a
            href={listHref(org.id, query, { status: t.status, initialPage: 1 })}
            aria-current={t.status === query.status ? "page" : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      <search>
        <form class="search row" method="get" action={orgPath(org.id)}>
          {query.status ? <input type="hidden" name="status" value={query.status} /> : ""}
          <input type="hidden" name="pageSize" value={String(query.pageSize)} />
          <div>
            <label for="email_address">Search by email</label>
            <input
              type="search"
              id="email_address"
              name="email_address"
              value={query.email ?? ""}
              placeholder="starts with…"
            />
          </div>
          <div>
            <button type="submit">Search</button>
          </div>
        </form>
      </search>
      {invitations.rows.length === 0 ? (
        <p class="empty">
          {invitations.totalCount > 0
            ? "No invitations on this page."
            : query.email || query.status
              ? "No invitations match."
              : "No invitations yet."}
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="vh">
              Invitations, newest first
              {query.status ? `, ${STATUS_LABELS[query.status].toLowerCase()} only` : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Email delivery</th>
                <th scope="col">Invited</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="vh">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invitations.rows.map((row) => (
                <InvitationRowView
                  row={row}
                  organizationId={org.id}
                  csrfToken={props.csrfToken}
                  query={query}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Invitation pages"
        page={query.initialPage}
        lastPage={lastPage}
        total={plural(invitations.totalCount, "invitation", "invitations")}
        href={(page) => listHref(org.id, query, { initialPage: page })}
      />
    </section>
  );
};

const InvitationRowView: FC<{
  row: InvitationLine;
  organizationId: string;
  csrfToken: string;
  query: ListQuery;
}> = ({ row, organizationId, csrfToken, query }) => {
  const action = (verb: "revoke" | "resend") =>
    `${orgPath(organizationId)}/invitations/${encodeURIComponent(row.id)}/${verb}?${listSearch(query)}`;
  return (
    <tr data-invitation-id={row.id}>
      <td class="email">{row.emailAddress}</td>
      <td>{row.roleName}</td>
      <td>
        <span class={`badge ${row.status}`}>{STATUS_LABELS[row.status]}</span>
      </td>
      <td>
        <Delivery delivery={row.delivery} />
      </td>
      <td>
        <When at={row.createdAt} dayOnly />
      </td>
      <td>{row.status === "pending" ? <When at={row.expiresAt} dayOnly /> : "—"}</td>
      <td>
        {row.status === "pending" ? (
          <div class="actions">
            <form method="post" action={action("resend")}>
              <input type="hidden" name="csrf_token" value={csrfToken} />
              <button type="submit" class="small">
                Resend<span class="vh"> invitation to {row.emailAddress}</span>
              </button>
            </form>
            <form method="post" action={action("revoke")}>
              <input type="hidden" name="csrf_token" value={csrfToken} />
              <button type="submit" class="small danger">
                Revoke<span class="vh"> invitation to {row.emailAddress}</span>
              </button>
            </form>
          </div>
        ) : (
          ""
        )}
      </td>
    </tr>
  );
};

const DELIVERY_LABELS: Record<string, string> = {
  queued: "Queued",
  sent: "Sent",
  failed: "Failed",
  skipped: "Not sent",
};

const Delivery: FC<{ delivery: InvitationLine["delivery"] }> = ({ delivery }) => (
  <>
    <span class={`badge ${delivery.status}`}>
      {DELIVERY_LABELS[delivery.status] ?? delivery.status}
    </span>
    {delivery.sentAt !== null ? (
      <div class="muted">
        <When at={delivery.sentAt} />
      </div>
    ) : (
      ""
    )}
    {delivery.attempts > 1 ? (
      <div class="muted">{plural(delivery.attempts, "attempt", "attempts")}</div>
    ) : (
      ""
    )}
    {delivery.lastError ? <div class="muted">{delivery.lastError}</div> : ""}
  </>
);

const MembersSection: FC<OrganizationPageProps> = ({ organization, members, query }) => {
  const lastPage = Math.max(1, Math.ceil(members.totalCount / MEMBERS_PAGE_SIZE));
  return (
    <section class="card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {members.rows.length === 0 ? (
        <p class="empty">
          {members.totalCount > 0 ? "No members on this page." : "No members yet."}
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="vh">Members, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
              </tr>
            </thead>
            <tbody>
              {members.rows.map((m) => (
                <tr data-user-id={m.userId}>
                  <td class="email">{m.emailAddress ?? "—"}</td>
                  <td>
                    <code>{m.userId}</code>
                  </td>
                  <td>{m.roleName}</td>
                  <td>
                    <When at={m.joinedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Member pages"
        page={query.membersPage}
        lastPage={lastPage}
        total={plural(members.totalCount, "member", "members")}
        href={(page) => listHref(organization.id, query, { membersPage: page })}
      />
    </section>
  );
};

const Pager: FC<{
  label: string;
  page: number;
  lastPage: number;
  total: string;
  href: (page: number) => string;
}> = (props) => {
  const links: Child[] = [];
  if (props.page > 1) {
    links.push(
      <a href={props.href(Math.min(props.page - 1, props.lastPage))} rel="prev">
        ← Previous
      </a>,
    );
  }
  links.push(
    <span>
      Page {props.page} of {props.lastPage} · {props.total}
    </span>,
  );
  if (props.page < props.lastPage) {
    links.push(
      <a href={props.href(props.page + 1)} rel="next">
        Next →
      </a>,
    );
  }
  return (
    <nav class="pager" aria-label={props.label}>
      {links}
    </nav>
  );
};
