/**
 * Debian's Chromium (`/usr/bin/chromium`, installed by `scripts/e2e-setup.sh`), driven by
 * playwright-core, which brings no browser of its own.
 */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags for a quiet, offline, container-friendly headless run (CI runs as root: no sandbox). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
