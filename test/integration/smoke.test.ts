import { describe, expect, it } from "vitest";
import { backend, call, json } from "../support/api";
import { createOrganization } from "../support/fixtures";

describe("smoke", () => {
  it("creates an organization and an invitation", async () => {
    const org = await createOrganization({ createdBy: "user_admin" });
    const res = await call("POST", `/v1/organizations/${org.id}/invitations`, {
      as: backend,
      body: { email_address: "Ada@Example.com", role: "admin" },
    });
    const inv = await json(res);
    expect(inv).toMatchObject({ email_address: "ada@example.com", status: "pending" });
  });
});
