// The page of `backprop serve` in headless Chromium: draw a "1" with the mouse and read the
// prediction, train for one short epoch and watch the curves get points, run the gradient
// check and see every row OK, and save a screenshot.
// Usage: node page.mjs <url> <screenshot.png>   (CHROMIUM overrides /usr/bin/chromium)
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
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
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1900 } });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForFunction(() => !document.getElementById("model-line").textContent.startsWith("Loading"));

  // Draw: a vertical stroke down the middle of the pad.
  const drawOne = async () => {
    await page.click("#clear");
    const pad = await page.locator("#pad").boundingBox();
    const x = pad.x + pad.width / 2;
    await page.evaluate(() => delete document.getElementById("verdict").dataset.predicted);
    await page.mouse.move(x, pad.y + pad.height * 0.15);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(x + i * 0.3, pad.y + pad.height * (0.15 + 0.035 * i));
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById("verdict").dataset.predicted !== undefined,
      null, { timeout: 30000 });
    return page.locator("#verdict").getAttribute("data-predicted");
  };
  const predicted = await drawOne();
  console.log(`drawn stroke read as ${predicted}`);
  if (predicted !== "1") await fail(`a drawn 1 was read as ${predicted}`);

  // Check: every row of the lab's network OK.
  await page.fill("#check-form input[name=batch_size]", "16");
  await page.click("#run-check");
  await page.waitForFunction(() => document.getElementById("check-status").textContent.startsWith("All")
    || document.getElementById("check-status").classList.contains("error"), null, { timeout: 120000 });
  const status = await page.locator("#check-status").textContent();
  const ok = await page.locator("#check-table td.ok").count();
  const failed = await page.locator("#check-table td.fail").count();
  console.log(`check: ${status} (${ok} OK, ${failed} FAIL)`);
  if (!status.startsWith("All") || ok === 0 || failed > 0) await fail(`gradient check: ${status}`);

  // Train: two short epochs (10,000 images); the curves get their points, the run is saved.
  await page.fill("#train-form input[name=epochs]", "2");
  await page.fill("#train-form input[name=train_limit]", "10000");
  await page.click("#start");
  await page.waitForFunction(() => Number(document.getElementById("loss-chart").dataset.points) >= 2,
    null, { timeout: 120000 });
  await page.waitForFunction(() => document.getElementById("train-status").textContent.startsWith("Done"),
    null, { timeout: 120000 });
  console.log(`train: ${await page.locator("#train-status").textContent()}`);

  // The Draw panel again, with the model just trained, for the picture.
  console.log(`drawn stroke read as ${await drawOne()} by the new model`);
  await page.screenshot({ path: screenshot, fullPage: true });
  if (errors.length) await fail(`errors on the page: ${errors.join("; ")}`);
  console.log(`screenshot: ${screenshot}`);
  await browser.close();
} catch (error) {
  await fail(error.message);
}
