// Debian's Chromium as the browser tests start it (headless, as root, never reaching the
// internet), and the way they fail: one line, the browser closed, exit code 1.
import { chromium } from "playwright-core";

/** Headless Chromium (CHROMIUM overrides /usr/bin/chromium) and a `fail(message)` for it. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const fail = async (message) => {
    console.error(`FAIL: ${message}`);
    await browser.close();
    process.exit(1);
  };
  return { browser, fail };
}
