import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationJson, OrganizationJson } from "../../src/contract/objects";
import { backend, call, json, session } from "../support/api";
import { createOrganization, invite } from "../support/fixtures";
import {
  apiError,
  type InvitationList,
  invitationsPath,
  listInvitations,
} from "../support/invitations";

const DAY_MS = 24 * 60 * 60 * 1000;
const revokePath = (orgId: string, id: string) => `${invitationsPath(orgId)}/${id}/revoke`;

afterEach(() => {
  vi.useRealTimers();
});

describe("revoke", () => {
  it("turns a pending invitation into a revoked one", async () => {
    const org = await createOrganization();
    const inv = await invite(org.id);
    vi.setSystemTime(inv.created_at + 60_000);
    const revoked = await json<InvitationJson>(
      await call("POST", revokePath(org.id, inv.id), {
        as: backend,
        body: { requesting_user_id: "user_admin" },
      }),
    );
    expect(revoked).toMatchObject({ id: inv.id, status: "revoked", url: null });
    expect(revoked.updated_at).toBe(inv.created_at + 60_000);
    const fetched = await json<InvitationJson>(
      await call("GET", `${invitationsPath(org.id)}/${inv.id}`, { as: backend }),
    );
    expect(fetched.status).toBe("revoked");
  });

  it("takes no body at all, as Clerk's SDK may send none", async () => {
    const org = await createOrganization();
    const inv = await invite(org.id);
    const revoked = await json<InvitationJson>(
      await call("POST", revokePath(org.id, inv.id), { as: backend }),
    );
    expect(revoked.status).toBe("revoked");
  });

  it("a revoked invitation leaves the pending list and every pending count", async () => {
    const org = await createOrganization();
    const [keep, drop] = [await invite(org.id), await invite(org.id)];
    if (!keep || !drop) throw new Error("invitations not created");
    const pendingBefore = await listInvitations(org.id, "status=pending");
    expect(pendingBefore.total_count).toBe(2);

    await json(await call("POST", revokePath(org.id, drop.id), { as: backend }));

    const pending = await listInvitations(org.id, "status=pending");
    expect(pending.data.map((i) => i.id)).toEqual([keep.id]);
    expect(pending.total_count).toBe(1);
    const deprecated = await json<InvitationList>(
      await call("GET", `${invitationsPath(org.id)}/pending`, { as: backend }),
    );
    expect(deprecated.data.map((i) => i.id)).toEqual([keep.id]);
    expect(deprecated.total_count).toBe(1);
    const organization = await json<OrganizationJson>(
      await call("GET", `/v1/organizations/${org.id}`, { as: backend }),
    );
    expect(organization.pending_invitations_count).toBe(1);
    const revoked = await listInvitations(org.id, "status=revoked");
    expect(revoked.data.map((i) => i.id)).toEqual([drop.id]);
  });

  it("revoking again is 400 organization_invitation_not_pending", async () => {
    const org = await createOrganization();
    const inv = await invite(org.id);
    await json(await call("POST", revokePath(org.id, inv.id), { as: backend }));
    const error = await apiError(
      await call("POST", revokePath(org.id, inv.id), { as: backend }),
      400,
    );
    expect(error.code).toBe("organization_invitation_not_pending");
    expect(error.meta).toMatchObject({ status: "revoked" });
  });

  it("revoking an expired invitation is 400 organization_invitation_not_pending", async () => {
    const org = await createOrganization();
    const inv = await invite(org.id, { expires_in_days: 1 });
    vi.setSystemTime(inv.expires_at + 1);
    const error = await apiError(
      await call("POST", revokePath(org.id, inv.id), { as: backend }),
      400,
    );
    expect(error.code).toBe("organization_invitation_not_pending");
    expect(error.meta).toMatchObject({ status: "expired" });
  });

  it("an invitation is still revocable the moment before it expires", async () => {
    const org = await createOrganization();
    const inv = await invite(org.id, { expires_in_days: 1 });
    vi.setSystemTime(inv.created_at + DAY_MS - 1);
    const revoked = await json<InvitationJson>(
      await call("POST", revokePath(org.id, inv.id), { as: backend }),
    );
    expect(revoked.status).toBe("revoked");
  });

  it("an unknown invitation is 404", async () => {
    const org = await createOrganization();
    const error = await apiError(
      await call("POST", revokePath(org.id, "orginv_doesnotexist000000000"), { as: backend }),
      404,
    );
    expect(error.code).toBe("resource_not_found");
  });

  it("another organization's invitation is 404 and stays pending", async () => {
    const [mine, theirs] = [await createOrganization(), await createOrganization()];
    const inv = await invite(theirs.id);
    const error = await apiError(
      await call("POST", revokePath(mine.id, inv.id), { as: backend }),
      404,
    );
    expect(error.code).toBe("resource_not_found");
    const untouched = await json<InvitationJson>(
      await call("GET", `${invitationsPath(theirs.id)}/${inv.id}`, { as: backend }),
    );
    expect(untouched.status).toBe("pending");
  });

  it("a session admin can revoke, and sees the session's view of the result", async () => {
    const org = await createOrganization({ createdBy: "user_revoker" });
    const inv = await invite(org.id, { private_metadata: { internal: true } });
    const revoked = await json<InvitationJson>(
      await call("POST", revokePath(org.id, inv.id), {
        as: await session("user_revoker", "revoker@example.com"),
      }),
    );
    expect(revoked).toMatchObject({ status: "revoked", private_metadata: {}, url: null });
  });

  it("a revoked address can be invited again", async () => {
    const org = await createOrganization();
    const inv = await invite(org.id, { email_address: "comeback@example.com" });
    await json(await call("POST", revokePath(org.id, inv.id), { as: backend }));
    const again = await invite(org.id, { email_address: "comeback@example.com" });
    expect(again.status).toBe("pending");
    expect((await listInvitations(org.id, "email_address=comeback")).total_count).toBe(2);
  });

  it("concurrent revokes of one invitation: exactly one wins, the other is not_pending", async () => {
    const org = await createOrganization();
    const inv = await invite(org.id);
    const results = await Promise.all(
      [1, 2, 3].map(() => call("POST", revokePath(org.id, inv.id), { as: backend })),
    );
    const statuses = results.map((r) => r.status).sort();
    await Promise.all(results.map((r) => r.body?.cancel()));
    expect(statuses).toEqual([200, 400, 400]);
  });
});
