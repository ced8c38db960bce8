/**
 * The retry policy: exponential backoff with jitter, never sooner than Retry-After; and the
 * `EMAIL_FROM` parser.
 */
import { describe, expect, it } from "vitest";
import {
  parseRetryAfter,
  QUEUE_MAX_DELAY_SECONDS,
  RETRY_MAX_SECONDS,
  retryDelaySeconds,
} from "../../src/email/retry";
import { parseSender } from "../../src/email/sender";

const noJitter = () => 0;
const fullJitter = () => 1;

describe("retry delay", () => {
  it.each([
    [1, 30],
    [2, 60],
    [3, 120],
    [4, 240],
    [8, 3600],
    [30, 3600],
  ])("doubles from 30 s, capped at an hour: attempt %i waits %i s", (attempt, seconds) => {
    expect(retryDelaySeconds(attempt, undefined, noJitter)).toBe(seconds);
  });

  it("adds up to 20% jitter, still within the cap", () => {
    expect(retryDelaySeconds(1, undefined, fullJitter)).toBe(36);
    expect(retryDelaySeconds(30, undefined, fullJitter)).toBe(RETRY_MAX_SECONDS);
  });

  it("waits at least as long as Retry-After asks, up to the queue's maximum delay", () => {
    expect(retryDelaySeconds(1, 120, noJitter)).toBe(120);
    expect(retryDelaySeconds(3, 5, noJitter)).toBe(120);
    expect(retryDelaySeconds(1, 10 ** 7, noJitter)).toBe(QUEUE_MAX_DELAY_SECONDS);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.UTC(2027, 0, 1, 0, 0, 0);
    expect(parseRetryAfter("7", now)).toBe(7);
    expect(parseRetryAfter("Fri, 01 Jan 2027 00:02:00 GMT", now)).toBe(120);
    expect(parseRetryAfter("Thu, 31 Dec 2026 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("EMAIL_FROM", () => {
  it.each([
    ["invitations@example.com", { name: null, email: "invitations@example.com" }],
    [
      "Invitations <invitations@example.com>",
      { name: "Invitations", email: "invitations@example.com" },
    ],
    ['"Acme, Inc." <team@acme.test>', { name: "Acme, Inc.", email: "team@acme.test" }],
  ])("reads %s", (value, sender) => {
    expect(parseSender(value)).toEqual(sender);
  });

  it.each(["", "not an address", "Name <>", "a@b", "x@y.z\r\nBcc: v@example.com"])(
    "refuses %j",
    (value) => {
      expect(parseSender(value)).toBeNull();
    },
  );
});
