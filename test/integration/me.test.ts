/**
 * `GET /v1/me/organization_invitations`: the signed-in invitee's own invitations.
 */
import { describe, expect, it } from "vitest";
import type { InvitationJson } from "../../src/contract/objects";
import { backend, call, json, session } from "../support/api";
import { createOrganization, email, invite, unique } from "../support/fixtures";
import { errorOf } from "../support/invitee";

type Page = { data: InvitationJson[]; total_count: number };

const myInvitations = async (address: string | undefined, query = "", userId = "user_me") =>
  call("GET", `/v1/me/organization_invitations${query}`, { as: await session(userId, address) });

/** One address invited to `count` organizations, oldest first. */
async function invitedEverywhere(count: number, body: Record<string, unknown> = {}) {
  const address = email("me");
  const invitations: InvitationJson[] = [];
  const orgs = [];
  for (let i = 0; i < count; i++) {
    const org = await createOrganization({ name: unique(`Org ${i}`) });
    orgs.push(org);
    invitations.push(await invite(org.id, { email_address: address, ...body }));
  }
  return { address, invitations, orgs };
}

describe("GET /v1/me/organization_invitations", () => {
  it("lists only the invitations addressed to the session's email, newest first, with their organization", async () => {
    const { address, invitations, orgs } = await invitedEverywhere(3, {
      private_metadata: { internal: true },
      public_metadata: { hello: "world" },
    });
    await invite(orgs[0]?.id ?? "", { email_address: email("someone-else") });

    const page = await json<Page>(await myInvitations(address.toUpperCase()));

    expect(page.total_count).toBe(3);
    expect(page.data.map((i) => i.id)).toEqual(invitations.map((i) => i.id).reverse());
    const [newest] = page.data;
    expect(newest).toMatchObject({
      email_address: address,
      status: "pending",
      public_metadata: { hello: "world" },
      private_metadata: {},
      url: null,
      public_organization_data: {
        id: orgs[2]?.id,
        name: orgs[2]?.name,
        slug: orgs[2]?.slug,
        has_image: false,
        image_url: null,
      },
    });
  });

  it("pages with initialPage/pageSize and with limit/offset, and refuses a mix", async () => {
    const { address, invitations } = await invitedEverywhere(5);
    const newestFirst = invitations.map((i) => i.id).reverse();

    const seedPage = await json<Page>(await myInvitations(address, "?initialPage=2&pageSize=2"));
    expect(seedPage.data.map((i) => i.id)).toEqual(newestFirst.slice(2, 4));
    expect(seedPage.total_count).toBe(5);

    const clerkPage = await json<Page>(await myInvitations(address, "?limit=3&offset=3"));
    expect(clerkPage.data.map((i) => i.id)).toEqual(newestFirst.slice(3));

    const mixed = await errorOf(await myInvitations(address, "?pageSize=2&offset=1"), 422);
    expect(mixed).toMatchObject({ code: "form_param_value_invalid" });
    const tooBig = await errorOf(await myInvitations(address, "?limit=501"), 422);
    expect(tooBig).toMatchObject({ meta: { param_name: "limit" } });
  });

  it("filters by status, repeated or comma-joined", async () => {
    const { address, invitations } = await invitedEverywhere(3);
    const [first, second] = invitations;
    await json(
      await call("POST", `/v1/me/organization_invitations/${first?.id}/accept`, {
        as: await session(unique("user_me"), address),
      }),
    );
    await json(
      await call("POST", `/v1/me/organization_invitations/${second?.id}/decline`, {
        as: await session(unique("user_me"), address),
      }),
    );

    const pending = await json<Page>(await myInvitations(address, "?status=pending"));
    expect(pending.data.map((i) => i.status)).toEqual(["pending"]);
    const decided = await json<Page>(await myInvitations(address, "?status=accepted,declined"));
    expect(decided.total_count).toBe(2);
    const repeated = await json<Page>(
      await myInvitations(address, "?status=accepted&status=declined"),
    );
    expect(repeated.data.map((i) => i.status).sort()).toEqual(["accepted", "declined"]);
    const unknown = await errorOf(await myInvitations(address, "?status=maybe"), 422);
    expect(unknown).toMatchObject({ code: "form_param_value_invalid" });
  });

  it("is empty for a session without an email claim", async () => {
    const page = await json<Page>(await myInvitations(undefined));
    expect(page).toEqual({ data: [], total_count: 0 });
  });

  it("is for sessions: the backend key gets 403, no credentials 401", async () => {
    const asBackend = await call("GET", "/v1/me/organization_invitations", { as: backend });
    expect((await errorOf(asBackend, 403)).code).toBe("missing_organization_permission");
    const anonymous = await call("GET", "/v1/me/organization_invitations");
    expect((await errorOf(anonymous, 401)).code).toBe("authentication_invalid");
  });
});

describe("POST /v1/me/organization_invitations/{id}/accept and /decline", () => {
  it("answers 404 for an unknown id and for another person's invitation", async () => {
    const { invitations } = await invitedEverywhere(1);
    const theirs = invitations[0]?.id ?? "";
    const me = await session("user_me", email("not-invited"));
    for (const path of [
      "/v1/me/organization_invitations/orginv_doesnotexist/accept",
      `/v1/me/organization_invitations/${theirs}/accept`,
      `/v1/me/organization_invitations/${theirs}/decline`,
    ]) {
      expect((await errorOf(await call("POST", path, { as: me }), 404)).code, path).toBe(
        "resource_not_found",
      );
    }
  });
});
