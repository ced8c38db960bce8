import { describe, expect, it } from "vitest";
import { macMatches, macOf } from "../../src/shared/hmac";

const hexToBase64Url = (hex: string) =>
  btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16))))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

describe("HMAC-SHA256 MACs", () => {
  it("match RFC 4231 test case 2, in unpadded base64url", async () => {
    const expected = hexToBase64Url(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(await macOf("Jefe", "what do ya want for nothing?")).toBe(expected);
  });

  it("encode every byte value the same way btoa does", async () => {
    // 200 messages give MACs whose bytes cover the whole alphabet, '-' and '_' included.
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const mac = await macOf("key", `message ${i}`);
      expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const bytes = Uint8Array.from(atob(mac.replaceAll("-", "+").replaceAll("_", "/")), (ch) =>
        ch.charCodeAt(0),
      );
      expect(
        hexToBase64Url(Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")),
      ).toBe(mac);
      for (const ch of mac) seen.add(ch);
    }
    expect(seen.size).toBe(64);
  });

  it("verify their own MACs and refuse a changed message or MAC", async () => {
    const mac = await macOf("secret", "orginv_1.1");
    expect(await macMatches("secret", "orginv_1.1", mac)).toBe(true);
    expect(await macMatches("secret", "orginv_1.2", mac)).toBe(false);
    expect(await macMatches("other", "orginv_1.1", mac)).toBe(false);
    // The first character carries six bits of the MAC (the last one carries padding bits too).
    const flipped = `${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
    expect(await macMatches("secret", "orginv_1.1", flipped)).toBe(false);
  });
});
