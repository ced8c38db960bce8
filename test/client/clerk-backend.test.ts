/**
 * Clerk's own Backend SDK (`@clerk/backend`), unmodified, pointed at this service: a developer on
 * Clerk changes `apiUrl` and keeps their code. Whatever it sends that the service refuses is a
 * server bug, fixed in the routes, never worked around here.
 */

import { exports } from "cloudflare:workers";
import type { ClerkClient } from "@clerk/backend";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SECRET_KEY } from "../support/api";
import { email, unique } from "../support/fixtures";

const API_URL = "https://clerk-compat.invitations.test";
const DAY_MS = 24 * 60 * 60 * 1000;

/** What Clerk's SDK sent, to check it was its own request shape we answered. */
const sent: Request[] = [];
let clerk: ClerkClient;

beforeAll(async () => {
  // `@clerk/backend` takes no custom fetch: it calls the global one. Requests for the test apiUrl
  // host are handed to this worker's own `fetch` (our system under test, not a mock of an outside
  // service); anything else goes to the real `fetch`. The spy is installed before the SDK module
  // loads, because outside NODE_ENV=test the SDK binds `fetch` once at import.
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== API_URL) return realFetch(input, init);
    sent.push(request.clone());
    return exports.default.fetch(request);
  });
  const { createClerkClient } = await import("@clerk/backend");
  clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: API_URL });
});

afterAll(() => {
  vi.restoreAllMocks();
});

async function organizationWithAdmin() {
  const adminId = unique("user_admin");
  const org = await clerk.organizations.createOrganization({
    name: unique("Clerk Org"),
    createdBy: adminId,
    maxAllowedMemberships: 0,
    publicMetadata: { plan: "pro" },
  });
  return { org, adminId };
}

describe("@clerk/backend against the service", () => {
  it("creates an organization with its creator as admin, and adds a member", async () => {
    const { org, adminId } = await organizationWithAdmin();
    expect(org.id).toMatch(/^org_/);
    expect(org.publicMetadata).toEqual({ plan: "pro" });
    expect(org.createdBy).toBe(adminId);

    const membership = await clerk.organizations.createOrganizationMembership({
      organizationId: org.id,
      userId: unique("user_member"),
      role: "basic_member",
    });
    expect(membership.id).toMatch(/^orgmem_/);
    expect(membership.role).toBe("basic_member");
    expect(membership.organization.id).toBe(org.id);

    const request = sent.at(-1);
    expect(request?.headers.get("clerk-api-version"), "Clerk's SDK sent its version").toBeTruthy();
    expect(request?.headers.get("user-agent")).toMatch(/@clerk\/backend/);
  });

  it("creates an invitation with metadata, expiresInDays, inviterUserId and redirectUrl", async () => {
    const { org, adminId } = await organizationWithAdmin();
    const address = email("clerk");
    const before = Date.now();
    const invitation = await clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address,
      role: "admin",
      inviterUserId: adminId,
      publicMetadata: { team: "research" },
      privateMetadata: { source: "crm" },
      redirectUrl: "https://app.example.com/welcome",
      expiresInDays: 7,
    });

    expect(invitation).toMatchObject({
      emailAddress: address,
      role: "admin",
      roleName: "Admin",
      organizationId: org.id,
      status: "pending",
      publicMetadata: { team: "research" },
      privateMetadata: { source: "crm" },
    });
    expect(invitation.id).toMatch(/^orginv_/);
    expect(invitation.url).toMatch(/\/accept\?ticket=/);
    expect(invitation.expiresAt - invitation.createdAt).toBe(7 * DAY_MS);
    expect(invitation.createdAt).toBeGreaterThanOrEqual(before - 1000);
    // Clerk's resource keeps the raw JSON: ours carries the inviter and the redirect too.
    expect(invitation.raw).toMatchObject({
      inviter_id: adminId,
      redirect_url: "https://app.example.com/welcome",
    });
  });

  it("creates invitations in bulk, each item with its own role", async () => {
    const { org } = await organizationWithAdmin();
    const addresses = [email("bulk-a"), email("bulk-b"), email("bulk-c")];
    const result = await clerk.organizations.createOrganizationInvitationBulk(org.id, [
      { emailAddress: addresses[0] ?? "", role: "admin", publicMetadata: { n: 1 } },
      { emailAddress: addresses[1] ?? "", role: "basic_member", expiresInDays: 3 },
      { emailAddress: addresses[2] ?? "", role: "guest_member" },
    ]);

    expect(result.totalCount).toBe(3);
    const byAddress = new Map(result.data.map((inv) => [inv.emailAddress, inv]));
    expect(byAddress.get(addresses[0] ?? "")).toMatchObject({
      role: "admin",
      publicMetadata: { n: 1 },
    });
    expect(byAddress.get(addresses[1] ?? "")?.role).toBe("basic_member");
    expect(byAddress.get(addresses[2] ?? "")?.role).toBe("guest_member");
  });

  it("lists invitations by status array with limit/offset and totalCount", async () => {
    const { org } = await organizationWithAdmin();
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await clerk.organizations.createOrganizationInvitation({
          organizationId: org.id,
          emailAddress: email(`list-${i}`),
          role: "basic_member",
        }),
      );
    }
    const [first, second] = created;
    await clerk.organizations.revokeOrganizationInvitation({
      organizationId: org.id,
      invitationId: first?.id ?? "",
    });
    await clerk.organizations.revokeOrganizationInvitation({
      organizationId: org.id,
      invitationId: second?.id ?? "",
    });

    const revoked = await clerk.organizations.getOrganizationInvitationList({
      organizationId: org.id,
      status: ["revoked"],
    });
    expect(revoked.totalCount).toBe(2);
    expect(revoked.data.map((i) => i.id).sort()).toEqual([first?.id, second?.id].sort());

    const both = await clerk.organizations.getOrganizationInvitationList({
      organizationId: org.id,
      status: ["pending", "revoked"],
      limit: 2,
      offset: 2,
    });
    expect(both.totalCount, "total counts every match, not the page").toBe(5);
    expect(both.data).toHaveLength(2);
    // Newest first: offset 2 skips the two newest, invitations 4 and 3.
    expect(both.data.map((i) => i.id)).toEqual([created[2]?.id, created[1]?.id]);
    const query = new URL(sent.at(-1)?.url ?? "").searchParams;
    expect(query.getAll("status"), "Clerk repeats the parameter").toEqual(["pending", "revoked"]);

    const pending = await clerk.organizations.getOrganizationInvitationList({
      organizationId: org.id,
      status: ["pending"],
      limit: 10,
    });
    expect(pending.totalCount).toBe(3);
    expect(pending.data.every((i) => i.status === "pending")).toBe(true);
  });

  it("gets one invitation and revokes it, with and without requestingUserId", async () => {
    const { org, adminId } = await organizationWithAdmin();
    const [a, b] = await Promise.all(
      ["get-a", "get-b"].map((label) =>
        clerk.organizations.createOrganizationInvitation({
          organizationId: org.id,
          emailAddress: email(label),
          role: "guest_member",
        }),
      ),
    );
    const fetched = await clerk.organizations.getOrganizationInvitation({
      organizationId: org.id,
      invitationId: a?.id ?? "",
    });
    expect(fetched).toMatchObject({ id: a?.id, status: "pending", role: "guest_member" });

    // Without requestingUserId Clerk's SDK POSTs no body at all (but still says JSON).
    const revokedA = await clerk.organizations.revokeOrganizationInvitation({
      organizationId: org.id,
      invitationId: a?.id ?? "",
    });
    expect(revokedA.status).toBe("revoked");
    expect(revokedA.url, "a revoked invitation has no live link").toBeNull();

    const revokedB = await clerk.organizations.revokeOrganizationInvitation({
      organizationId: org.id,
      invitationId: b?.id ?? "",
      requestingUserId: adminId,
    });
    expect(revokedB.status).toBe("revoked");
  });

  it("throws Clerk's error type carrying our error codes, status and trace id", async () => {
    const { isClerkAPIResponseError } = await import("@clerk/backend/errors");
    const { org } = await organizationWithAdmin();
    const address = email("dup");
    await clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address,
      role: "basic_member",
    });

    const duplicate = await clerk.organizations
      .createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: address.toUpperCase(),
        role: "basic_member",
      })
      .catch((err: unknown) => err);
    expect(isClerkAPIResponseError(duplicate)).toBe(true);
    if (!isClerkAPIResponseError(duplicate)) return;
    expect(duplicate.status).toBe(400);
    expect(duplicate.clerkTraceId).toBeTruthy();
    expect(duplicate.errors[0]?.code).toBe("duplicate_record");
    expect(duplicate.errors[0]?.meta?.emailAddresses).toEqual([address]);

    const invalid = await clerk.organizations
      .createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: "not-an-address",
        role: "basic_member",
      })
      .catch((err: unknown) => err);
    expect(isClerkAPIResponseError(invalid) && invalid.status).toBe(422);
    expect(isClerkAPIResponseError(invalid) && invalid.errors[0]?.code).toBe(
      "form_param_format_invalid",
    );
    expect(isClerkAPIResponseError(invalid) && invalid.errors[0]?.meta?.paramName).toBe(
      "email_address",
    );

    const missing = await clerk.organizations
      .getOrganizationInvitation({ organizationId: org.id, invitationId: "orginv_missing" })
      .catch((err: unknown) => err);
    expect(isClerkAPIResponseError(missing) && missing.status).toBe(404);
    expect(isClerkAPIResponseError(missing) && missing.errors[0]?.code).toBe("resource_not_found");

    const { createClerkClient } = await import("@clerk/backend");
    const wrongKey = createClerkClient({ secretKey: "sk_test_wrong", apiUrl: API_URL });
    const unauthorized = await wrongKey.organizations
      .getOrganizationInvitationList({ organizationId: org.id })
      .catch((err: unknown) => err);
    expect(isClerkAPIResponseError(unauthorized) && unauthorized.errors[0]?.code).toBe(
      "authentication_invalid",
    );
  });
});
