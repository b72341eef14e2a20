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

/** Draws a vertical stroke down the middle of the pad and waits for the page's prediction. */
export async function drawStroke(page) {
  const pad = await page.locator("#pad").boundingBox();
  await page.evaluate(() => delete document.getElementById("verdict").dataset.predicted);
  await page.mouse.move(pad.x + 140, pad.y + 45);
  await page.mouse.down();
  await page.mouse.move(pad.x + 146, pad.y + 235, { steps: 15 });
  await page.mouse.up();
  await page.waitForFunction(() => document.getElementById("verdict").dataset.predicted !== undefined,
    null, { timeout: 30000 });
}

/** axe-core on `page` as it stands: fails on any serious or critical violation. */
export async function audit(page, fail, name) {
  const { default: AxeBuilder } = await import("@axe-core/playwright");
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  console.log(`axe-core (${name}): ${result.passes.length} rules pass, ${result.violations.length} violations ` +
    `(${serious.length} serious or critical)`);
  if (serious.length) {
    await fail(`axe-core (${name}): ${serious.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`).join("; ")}`);
  }
}
