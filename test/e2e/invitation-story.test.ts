/**
 * The whole story in a real browser (Debian's Chromium through playwright-core) against the
 * service as `wrangler dev` runs it: an admin signs in through the dev login, invites people from
 * the console, the emails land in the dev mailbox, an invitee opens the link, signs in and
 * accepts, and the admin sees the result; revoke and resend from the console. The screenshots
 * the README shows are taken here, into `docs/screenshots/`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser";
import { type Service, startService } from "./support/service";

const SCREENSHOTS = path.join(import.meta.dirname, "../../docs/screenshots");
const ACTION_TIMEOUT_MS = 15_000;
const MAILBOX_TIMEOUT_MS = 30_000;

let service: Service;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  service = await startService();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

/** A fresh browser profile (its own cookies), as another person at another computer. */
async function person(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return context.newPage();
}

const url = (p: string) => `${service.origin}${p}`;

async function signInAsDemoAdmin(page: Page): Promise<void> {
  await page.goto(url("/dev/login"));
  await page.getByRole("button", { name: "Sign in as admin@demo.test" }).click();
  await page.waitForURL(url("/console/orgs/org_demo"));
  await expect
    .poll(() => page.getByRole("heading", { level: 1 }).textContent())
    .toBe("Demo Organization");
}

/** Types the addresses and sends the invite form with the keyboard only. */
async function inviteFromConsole(page: Page, addresses: string): Promise<void> {
  await page.getByLabel("Email addresses").fill(addresses);
  await page.getByLabel("Role").selectOption({ label: "Member" });
  await page.getByRole("button", { name: "Send invitations" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForLoadState("domcontentloaded");
}

interface MailboxEmail {
  to: string;
  subject: string;
  accept_url: string;
  sent_at: number;
}

/** The mailbox's emails to `to`, newest first, once there are at least `count` of them. */
async function emailsTo(page: Page, to: string, count: number): Promise<MailboxEmail[]> {
  let found: MailboxEmail[] = [];
  await expect
    .poll(
      async () => {
        const res = await page.request.get(url("/dev/mailbox.json?limit=500"));
        const body = (await res.json()) as { data: MailboxEmail[] };
        found = body.data.filter((e) => e.to === to);
        return found.length;
      },
      { timeout: MAILBOX_TIMEOUT_MS, interval: 250 },
    )
    .toBeGreaterThanOrEqual(count);
  return found;
}

const row = (page: Page, address: string) =>
  page.locator("tr[data-invitation-id]", { hasText: address });

describe("inviting, reading the email, accepting", () => {
  it("an admin invites three addresses (one invalid), the invitee accepts, the admin sees the member", async () => {
    const admin = await person();
    await signInAsDemoAdmin(admin);

    // Three addresses, one of them not an address: its error shows, the other two are invited.
    await inviteFromConsole(admin, "ada@example.com\nnot-an-email\ngrace@example.com");
    const errors = admin.locator("#addresses-errors");
    await expect.poll(() => errors.textContent()).toContain("not-an-email is not a valid email");
    await expect.poll(() => admin.getByLabel("Email addresses").inputValue()).toBe("not-an-email");
    await expect
      .poll(() => admin.getByRole("status").first().textContent())
      .toBe("Invited ada@example.com, grace@example.com.");
    await expect.poll(() => row(admin, "ada@example.com").count()).toBe(1);
    await expect.poll(() => row(admin, "grace@example.com").count()).toBe(1);
    await expect.poll(() => admin.getByTestId("pending-count").textContent()).toBe("2");
    await admin.screenshot({ path: path.join(SCREENSHOTS, "console-invite-errors.png") });

    // The mailbox shows the two emails, each rendered with its accept link.
    await emailsTo(admin, "ada@example.com", 1);
    await emailsTo(admin, "grace@example.com", 1);
    const invitee = await person();
    await invitee.goto(url("/dev/mailbox"));
    const mails = invitee.locator("article", { hasText: /ada@example\.com|grace@example\.com/ });
    await expect.poll(() => mails.count()).toBe(2);
    await expect.poll(() => mails.first().textContent()).toContain("Demo Organization");
    await expect
      .poll(() => mails.getByRole("link", { name: "Open the accept link" }).count())
      .toBe(2);
    await invitee.screenshot({ path: path.join(SCREENSHOTS, "mailbox.png") });

    // The invitee opens the link from ada's email, signs in through the dev login, and accepts.
    await mails
      .filter({ hasText: "ada@example.com" })
      .getByRole("link", { name: "Open the accept link" })
      .click();
    await invitee.waitForURL(/\/accept\?ticket=/);
    await expect
      .poll(() => invitee.getByRole("heading", { level: 1 }).textContent())
      .toBe("You are invited to join Demo Organization");
    await invitee.getByRole("link", { name: "Sign in to continue" }).click();
    await invitee.waitForURL(/\/dev\/login\?redirect_url=/);
    await invitee.getByLabel("Email", { exact: true }).fill("ada@example.com");
    await invitee.getByRole("button", { name: "Sign in", exact: true }).click();
    await invitee.waitForURL(/\/accept\?ticket=/);
    await expect
      .poll(() => invitee.locator("main").textContent())
      .toContain("Signed in as ada@example.com");
    await invitee.screenshot({ path: path.join(SCREENSHOTS, "accept.png") });
    await invitee.getByRole("button", { name: "Accept invitation" }).click();
    await expect
      .poll(() => invitee.getByRole("heading", { level: 1 }).textContent())
      .toBe("You joined Demo Organization");

    // The admin sees the invitation accepted and the new member.
    await admin.goto(url("/console/orgs/org_demo"));
    await expect
      .poll(() => row(admin, "ada@example.com").locator(".badge").first().textContent())
      .toBe("Accepted");
    await expect
      .poll(() => row(admin, "grace@example.com").locator(".badge").nth(1).textContent())
      .toBe("Sent");
    await expect.poll(() => admin.getByTestId("pending-count").textContent()).toBe("1");
    const members = admin.locator("section", { hasText: "Members" }).locator("tbody tr");
    await expect
      .poll(() => members.allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining("ada@example.com")]));
    await expect.poll(() => admin.getByTestId("members-count").textContent()).toBe("3");
    await admin.getByRole("link", { name: "Accepted" }).click();
    await admin.waitForURL(/status=accepted/);
    await expect.poll(() => admin.locator("tr[data-invitation-id]").count()).toBe(1);
    await admin.goto(url("/console/orgs/org_demo"));
    await admin.screenshot({ path: path.join(SCREENSHOTS, "console.png"), fullPage: true });
  });
});

describe("revoking and resending from the console", () => {
  it("resend mails a fresh link that replaces the old one; revoke withdraws it", async () => {
    const admin = await person();
    await signInAsDemoAdmin(admin);
    await inviteFromConsole(admin, "linus@example.com");
    await expect
      .poll(() => admin.getByRole("status").first().textContent())
      .toBe("Invited linus@example.com.");
    const [first] = await emailsTo(admin, "linus@example.com", 1);

    await admin.getByRole("button", { name: "Resend invitation to linus@example.com" }).click();
    await expect
      .poll(() => admin.getByRole("status").first().textContent())
      .toContain("Sent the invitation to linus@example.com again");
    const [newest] = await emailsTo(admin, "linus@example.com", 2);
    expect(newest?.accept_url).not.toBe(first?.accept_url);

    const invitee = await person();
    await invitee.goto(first?.accept_url ?? "");
    await expect
      .poll(() => invitee.getByRole("heading", { level: 1 }).textContent())
      .toBe("This invitation link was replaced");

    await admin.getByRole("button", { name: "Revoke invitation to linus@example.com" }).click();
    await expect
      .poll(() => admin.getByRole("status").first().textContent())
      .toBe("Revoked the invitation to linus@example.com.");
    await expect
      .poll(() => row(admin, "linus@example.com").locator(".badge").first().textContent())
      .toBe("Revoked");
    await expect.poll(() => row(admin, "linus@example.com").getByRole("button").count()).toBe(0);

    await invitee.goto(newest?.accept_url ?? "");
    await expect
      .poll(() => invitee.getByRole("heading", { level: 1 }).textContent())
      .toBe("This invitation was withdrawn");
  });
});
