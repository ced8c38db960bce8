/**
 * Races: many requests for the same thing at the same time. The database (one pending invitation
 * per organization and address, one membership per organization and user, guarded writes) must
 * decide them, so exactly one wins, every loser gets its contract error (never a 5xx), and a
 * refused request leaves nothing behind.
 *
 * Independent of rate limits: every org here is fresh (the per-organization invite limit is far
 * above 50 requests), and each accept comes from its own client address (`cf-connecting-ip`), so
 * the per-address accept limit never counts two of them together.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ErrorEnvelope } from "../../src/contract/objects";
import { backend, type Credentials, call, sessionToken } from "../support/api";
import { createOrganization, email, invite, unique } from "../support/fixtures";
import { addresses, invitationsPath, recordQueueSends } from "../support/invitations";
import { ticketOf } from "../support/invitee";

interface Answer {
  status: number;
  body: unknown;
}

/** Fires every request at once and collects status and parsed body of each. */
async function together(requests: readonly (() => Promise<Response>)[]): Promise<Answer[]> {
  return Promise.all(
    requests.map(async (send) => {
      const res = await send();
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: the assertion below shows it.
      }
      return { status: res.status, body };
    }),
  );
}

/** The SQL of a bound D1 statement (the binding keeps it on the statement object). */
const sqlOf = (statement: D1PreparedStatement) =>
  (statement as unknown as { statement: string }).statement;

/**
 * Runs `race` and counts the D1 write batches (creates and accepts write in one batch each) it
 * made; the read batches before them are not counted. More than one means several requests got
 * past every pre-check together, so the database, not the pre-check, decided the race.
 */
async function countingWrites<T>(race: () => Promise<T>): Promise<{ result: T; writes: number }> {
  const batch = vi.spyOn(env.DB, "batch");
  try {
    const result = await race();
    const batches = batch.mock.calls.map(([statements]) => statements.map(sqlOf));
    expect(batches.flat().every((sql) => typeof sql === "string")).toBe(true);
    const writes = batches.filter((sqls) => sqls.some((sql) => !/^\s*select\b/i.test(sql)));
    return { result, writes: writes.length };
  } finally {
    batch.mockRestore();
  }
}

const codeOf = (answer: Answer) => (answer.body as ErrorEnvelope).errors?.[0]?.code;

/** Status and error code per answer, for a readable failure message. */
const summary = (answers: readonly Answer[]) =>
  answers.map((a) => `${a.status}${a.status >= 400 ? ` ${codeOf(a)}` : ""}`).join(", ");

/** A caller from its own client address, so no two requests share a per-address limit. */
const fromOwnAddress = (as: Credentials, i: number): Credentials => ({
  ...as,
  headers: { ...(as.headers ?? {}), "cf-connecting-ip": `198.51.100.${i + 1}` },
});

/** Exactly `winners` answers are 200; every other one is `status` with the error `code`. */
function expectRaceOutcome(
  answers: readonly Answer[],
  winners: number,
  refusal: { status: number; code: string },
) {
  const lost = answers.filter((a) => a.status !== 200);
  expect(answers.length - lost.length, summary(answers)).toBe(winners);
  expect(
    lost.every((a) => a.status === refusal.status && codeOf(a) === refusal.code),
    summary(answers),
  ).toBe(true);
}

/** Invitations of the organization in any status. */
async function invitationRows(orgId: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM invitations WHERE organization_id = ?",
  )
    .bind(orgId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function pendingRowsPerAddress(orgId: string) {
  const { results } = await env.DB.prepare(
    `SELECT email_address, count(*) AS n FROM invitations
     WHERE organization_id = ? AND status = 'pending' GROUP BY email_address`,
  )
    .bind(orgId)
    .all<{ email_address: string; n: number }>();
  return results;
}

let sends: ReturnType<typeof recordQueueSends>;
beforeEach(() => {
  // The local queue's consumer would update delivery columns while assertions read them.
  sends = recordQueueSends();
  sends.mockClear();
});

describe("parallel creates of one address", () => {
  it("50 at once leave exactly one pending invitation; the other 49 are 400 duplicate_record", async () => {
    const org = await createOrganization();
    const address = email("race");
    const { result: answers, writes } = await countingWrites(() =>
      together(
        Array.from(
          { length: 50 },
          (_, i) => () =>
            call("POST", invitationsPath(org.id), {
              as: backend,
              // Case and spaces differ per request: all the same address once normalized.
              body: {
                email_address: i % 2 ? ` ${address.toUpperCase()} ` : address,
                role: "basic_member",
              },
            }),
        ),
      ),
    );

    // The race is real: the unique index, not the duplicate pre-check, turned the losers away.
    expect(writes, "requests that reached the write").toBeGreaterThan(1);
    expectRaceOutcome(answers, 1, { status: 400, code: "duplicate_record" });
    for (const a of answers.filter((a) => a.status !== 200)) {
      expect((a.body as ErrorEnvelope).errors[0]?.meta.email_addresses).toEqual([address]);
    }
    expect(await pendingRowsPerAddress(org.id)).toEqual([{ email_address: address, n: 1 }]);
    expect(await invitationRows(org.id), "losers must not leave rows in any status").toBe(1);
    // One email queued: the losers queued nothing.
    const queued = sends.mock.calls.flatMap(([messages]) => [...messages]);
    expect(queued).toHaveLength(1);
  });
});

const QUOTA_REFUSAL = { status: 403, code: "organization_membership_quota_exceeded" };

describe("parallel creates against the membership quota", () => {
  it("20 at once into an organization allowing 5: exactly 5 are created, 15 are 403 quota exceeded", async () => {
    const org = await createOrganization({ max: 5 });
    const { result: answers, writes } = await countingWrites(() =>
      together(
        Array.from(
          { length: 20 },
          () => () =>
            call("POST", invitationsPath(org.id), {
              as: backend,
              body: { email_address: email("quota-race"), role: "basic_member" },
            }),
        ),
      ),
    );

    // The race is real: more requests reached the write than the quota allows.
    expect(writes, "requests that reached the write").toBeGreaterThan(5);
    expectRaceOutcome(answers, 5, QUOTA_REFUSAL);
    expect(await invitationRows(org.id), "refused requests leave no rows").toBe(5);
  });

  it("parallel bulks of 3 into an organization allowing 7: two succeed whole, the rest write nothing", async () => {
    const org = await createOrganization({ max: 7 });
    const answers = await together(
      Array.from(
        { length: 6 },
        (_, i) => () =>
          call("POST", `${invitationsPath(org.id)}/bulk`, {
            as: backend,
            body: { email_address: addresses(`quota-bulk-${i}`, 3), role: "basic_member" },
          }),
      ),
    );
    expectRaceOutcome(answers, 2, QUOTA_REFUSAL);
    expect(await invitationRows(org.id), "two bulks of 3, whole").toBe(6);
  });
});

describe("overlapping parallel bulk requests", () => {
  /** Each bulk tags its rows, so SQL can tell which request wrote what. */
  async function runBulks(orgId: string, batches: readonly string[][]) {
    const answers = await together(
      batches.map(
        (emails, i) => () =>
          call("POST", `${invitationsPath(orgId)}/bulk`, {
            as: backend,
            body: { email_address: emails, role: "basic_member", public_metadata: { bulk: i } },
          }),
      ),
    );
    const { results } = await env.DB.prepare(
      `SELECT json_extract(public_metadata, '$.bulk') AS bulk, count(*) AS n FROM invitations
       WHERE organization_id = ? GROUP BY bulk`,
    )
      .bind(orgId)
      .all<{ bulk: number; n: number }>();
    const written = new Map(results.map((r) => [r.bulk, r.n]));
    return { answers, written };
  }

  function expectAllOrNothing(
    answers: readonly Answer[],
    written: Map<number, number>,
    size: number,
  ) {
    answers.forEach((answer, i) => {
      expect(answer.status, `bulk ${i}: ${summary(answers)}`).toBeLessThan(500);
      if (answer.status === 200) {
        expect(written.get(i), `bulk ${i} succeeded: all its rows exist`).toBe(size);
        expect((answer.body as { total_count: number }).total_count).toBe(size);
      } else {
        expect(answer.status, `bulk ${i}: ${summary(answers)}`).toBe(400);
        expect(codeOf(answer), `bulk ${i}`).toBe("duplicate_record");
        expect(written.get(i) ?? 0, `bulk ${i} was refused: it wrote nothing`).toBe(0);
      }
    });
  }

  it("5 bulks of 100 sharing 50 addresses: one wins whole, four write nothing, no duplicate pending", async () => {
    const org = await createOrganization();
    const label = unique("shared");
    const shared = addresses(`${label}-common`, 50);
    const batches = Array.from({ length: 5 }, (_, i) => [
      ...shared,
      ...addresses(`${label}-own${i}`, 50),
    ]);

    const { answers, written } = await runBulks(org.id, batches);

    expectAllOrNothing(answers, written, 100);
    // Any two of these bulks share addresses, so exactly one can have won.
    expect(
      answers.filter((a) => a.status === 200),
      summary(answers),
    ).toHaveLength(1);
    const perAddress = await pendingRowsPerAddress(org.id);
    expect(perAddress.filter((r) => r.n > 1)).toEqual([]);
    expect(perAddress).toHaveLength(100);
  });

  it("a chain of bulks, each overlapping its neighbours by half: winners whole, losers empty, no duplicate", async () => {
    const org = await createOrganization();
    const pool = addresses(unique("chain"), 300);
    // Bulk i takes addresses [50i, 50i + 100): it overlaps bulk i-1 and bulk i+1 only.
    const batches = Array.from({ length: 5 }, (_, i) => pool.slice(50 * i, 50 * i + 100));

    const { answers, written } = await runBulks(org.id, batches);

    expectAllOrNothing(answers, written, 100);
    const winners = answers.flatMap((a, i) => (a.status === 200 ? [i] : []));
    expect(winners.length, summary(answers)).toBeGreaterThanOrEqual(1);
    // Two neighbours share 50 addresses: they cannot both have won.
    for (const i of winners) expect(winners).not.toContain(i + 1);
    const perAddress = await pendingRowsPerAddress(org.id);
    expect(perAddress.filter((r) => r.n > 1)).toEqual([]);
    expect(perAddress).toHaveLength(100 * winners.length);
  });
});

describe("parallel accepts of one invitation", () => {
  async function membershipsIn(orgId: string) {
    const { results } = await env.DB.prepare(
      "SELECT user_id FROM memberships WHERE organization_id = ? AND role = 'basic_member'",
    )
      .bind(orgId)
      .all<{ user_id: string }>();
    return results.map((r) => r.user_id);
  }

  async function statusOf(invitationId: string) {
    const row = await env.DB.prepare("SELECT status FROM invitations WHERE id = ?")
      .bind(invitationId)
      .first<{ status: string }>();
    return row?.status;
  }

  function expectOneWinner(answers: readonly Answer[]) {
    expect(
      answers.filter((a) => a.status === 200),
      summary(answers),
    ).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a.status, summary(answers)).toBe(400);
      expect(
        ["organization_invitation_not_pending", "already_a_member_in_organization"],
        summary(answers),
      ).toContain(codeOf(a));
    }
  }

  it("by id and by ticket at once, one user: one membership, the rest are refused", async () => {
    const org = await createOrganization({ createdBy: unique("user_owner") });
    const address = email("joiner");
    const invitation = await invite(org.id, { email_address: address });
    const ticket = ticketOf(invitation);
    const userId = unique("user_joiner");
    const as: Credentials = { token: await sessionToken(userId, { email: address }) };

    const { result: answers, writes } = await countingWrites(() =>
      together(
        Array.from({ length: 20 }, (_, i) =>
          i % 2
            ? () =>
                call("POST", `/v1/me/organization_invitations/${invitation.id}/accept`, {
                  as: fromOwnAddress(as, i),
                })
            : () =>
                call("POST", "/v1/tickets/accept", { as: fromOwnAddress(as, i), body: { ticket } }),
        ),
      ),
    );

    expect(writes, "accepts that reached the guarded write").toBeGreaterThan(1);
    expectOneWinner(answers);
    expect(await membershipsIn(org.id)).toEqual([userId]);
    expect(await statusOf(invitation.id)).toBe("accepted");
  });

  it("ten accounts sharing the invited address race: exactly one of them becomes a member", async () => {
    const org = await createOrganization({ createdBy: unique("user_owner") });
    const address = email("shared-inbox");
    const invitation = await invite(org.id, { email_address: address });
    const users = Array.from({ length: 10 }, () => unique("user_racer"));
    const tokens = await Promise.all(users.map((u) => sessionToken(u, { email: address })));

    const { result: answers, writes } = await countingWrites(() =>
      together(
        tokens.map(
          (token, i) => () =>
            call("POST", `/v1/me/organization_invitations/${invitation.id}/accept`, {
              as: fromOwnAddress({ token }, 100 + i),
            }),
        ),
      ),
    );

    expect(writes, "accepts that reached the guarded write").toBeGreaterThan(1);
    expectOneWinner(answers);
    const members = await membershipsIn(org.id);
    expect(members).toHaveLength(1);
    expect(users).toContain(members[0]);
    expect(await statusOf(invitation.id)).toBe("accepted");
  });
});
