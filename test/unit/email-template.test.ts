/**
 * The invitation email template: every interpolated value is escaped, and hostile names cannot
 * break out of the subject line, the HTML or the link.
 */
import { describe, expect, it } from "vitest";
import { escapeHtml, plainText, renderInvitationEmail } from "../../src/email/template";

const base = {
  to: "ada@example.com",
  organizationName: "Acme",
  inviter: "boss@acme.test",
  roleName: "Member",
  acceptUrl: "https://invitations.test/accept?ticket=orginv_abc.1.sig",
  expiresAt: Date.UTC(2027, 0, 5, 14, 0),
};

describe("invitation email template", () => {
  it("names the organization, the inviter, the role, the link and the expiry", () => {
    const email = renderInvitationEmail(base);

    expect(email.subject).toBe("boss@acme.test invited you to join Acme");
    for (const part of [email.text, email.html]) {
      expect(part).toContain("Acme");
      expect(part).toContain("boss@acme.test");
      expect(part).toContain("Member");
      expect(part).toContain("https://invitations.test/accept?ticket=orginv_abc.1.sig");
      expect(part).toContain("January 5, 2027");
      expect(part).toContain("ada@example.com");
    }
    expect(email.html).toContain(
      '<a href="https://invitations.test/accept?ticket=orginv_abc.1.sig"',
    );
    expect(email.html).toContain('role="presentation"');
  });

  it("leaves the inviter out when it is not known", () => {
    const email = renderInvitationEmail({ ...base, inviter: null });

    expect(email.subject).toBe("You are invited to join Acme");
    expect(email.text).toContain("You have been invited to join Acme as Member.");
  });

  it.each([
    ["a script tag", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    [
      "an attribute breakout",
      '"><img src=x onerror=alert(1)>',
      "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    ],
    ["an ampersand entity", "Tom &amp; Jerry's", "Tom &amp;amp; Jerry&#39;s"],
  ])("escapes %s in the organization name", (_label, name, escaped) => {
    const email = renderInvitationEmail({ ...base, organizationName: name });

    expect(email.html).toContain(escaped);
    expect(email.html).not.toContain(name);
    // The plain-text part and the subject carry the name as text, not markup.
    expect(email.text).toContain(name);
    expect(email.subject).toContain(name);
  });

  it("escapes a hostile recipient address and inviter", () => {
    const email = renderInvitationEmail({
      ...base,
      to: '"<b>x</b>"@evil.test',
      inviter: "<a href='https://evil.test'>IT support</a>",
    });

    expect(email.html).not.toContain("<b>x</b>");
    expect(email.html).not.toContain("href='https://evil.test'");
    expect(email.html).toContain("&lt;a href=&#39;https://evil.test&#39;&gt;");
  });

  it("keeps the subject on one line whatever the names hold", () => {
    const email = renderInvitationEmail({
      ...base,
      organizationName: "Acme\r\nBcc: victim@example.com",
      inviter: "boss\u0000\u0007@acme.test",
    });

    const controls = [...email.subject].filter((ch) => (ch.codePointAt(0) ?? 0) < 0x20);
    expect(controls).toEqual([]);
    expect(email.subject).toBe("boss @acme.test invited you to join Acme Bcc: victim@example.com");
    expect(email.text.split("\n")[0]).toContain("Acme Bcc: victim@example.com");
  });

  it("drops bidirectional overrides that could make a name read backwards", () => {
    expect(plainText("Acme\u202Emoc.live\u202C")).toBe("Acme moc.live");
  });

  it("cuts a very long name so the link stays in view", () => {
    const email = renderInvitationEmail({ ...base, organizationName: "A".repeat(5000) });

    expect(email.subject.length).toBeLessThan(200);
    expect(email.html).toContain(`${"A".repeat(119)}…`);
  });

  it("escapes the link in its attribute and refuses a link that is not http(s)", () => {
    const email = renderInvitationEmail({
      ...base,
      acceptUrl: "https://invitations.test/accept?ticket=a&next=%22",
    });
    expect(email.html).toContain('href="https://invitations.test/accept?ticket=a&amp;next=%22"');

    expect(() => renderInvitationEmail({ ...base, acceptUrl: "javascript:alert(1)" })).toThrow(
      /http/,
    );
  });

  it("escapes all five HTML-significant characters", () => {
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });
});
