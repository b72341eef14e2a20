// The page of `backprop serve` in headless Chromium: draw a "1" with the mouse and read the
// prediction; walk the Backward panel's steps with the arrow keys on that drawing, answer a
// "check yourself" wrongly then rightly, point at a gradient; run the gradient check and see
// every row OK; check the forms refuse what is wrong; train two short epochs and watch the
// curves and the first layer's units change; the first screen at a laptop's and a phone's
// size; no serious accessibility violation (axe-core); and save screenshots (serve.png,
// backward.png, units.png, phone.png) in the given folder.
// Usage: node page.mjs <url> <folder>   (CHROMIUM overrides /usr/bin/chromium)
import { audit, launch } from "./chromium.mjs";

const [url, folder] = process.argv.slice(2);
const { browser, fail } = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1900 }, locale: "en-US" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => { if (message.type() === "error") errors.push(`console: ${message.text()}`); });
  page.on("response", (response) => { if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`); });
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
  // Every heat map has its colour scale; the charts are drawn at the device's pixel ratio.
  for (const key of ["#saliency-scale .colour-bar", "#hidden .colour-bar", "#bw-units + .scale-slot .colour-bar"]) {
    if (await page.locator(key).count() === 0) await fail(`no colour scale: ${key}`);
  }
  const sharp = await page.locator("#loss-chart").evaluate((c) =>
    Math.abs(c.width - c.getBoundingClientRect().width * window.devicePixelRatio) <= 1);
  if (!sharp) await fail("the loss chart is not drawn at its box's size");

  // Backward: the drawing with its label, every step walked with the arrow keys.
  const text = (selector) => page.locator(selector).textContent();
  await page.selectOption("#bw-label", "1");
  await page.waitForFunction(() => /steps/.test(document.getElementById("bw-status").textContent),
    null, { timeout: 30000 });
  console.log(`backward: ${await text("#bw-status")}`);
  await page.focus("#stepper");
  await page.keyboard.press("Home");
  const titles = [await text("#bw-title")];
  // Each step's equation is typeset (KaTeX, embedded), beside its plain text.
  const typeset = async () => {
    const tex = await page.locator("#bw-tex").getAttribute("data-tex");
    if (!tex || await page.locator("#bw-tex .katex .katex-mathml").count() !== 1) await fail(`step "${await text("#bw-title")}" not typeset: ${tex}`);
    return tex;
  };
  const texts = [await typeset()];
  while (!(await page.locator("#bw-next").isDisabled())) {
    await page.keyboard.press("ArrowRight");
    titles.push(await text("#bw-title"));
    texts.push(await typeset());
  }
  if (!texts.some((tex) => tex.startsWith("\\delta_{2} = \\dfrac{\\partial J}{\\partial Z_{2}} = \\hat{Y} - Y"))) {
    await fail(`no typeset δ2 = ∂J/∂Z2 = Ŷ − Y among ${texts.join(" | ")}`);
  }
  if (await page.locator("#check-tex .katex").count() !== 1) await fail("the Check panel's equations are not typeset");
  const fontLoaded = await page.evaluate(() => document.fonts.check("20px KaTeX_Main"));
  if (!fontLoaded) await fail("KaTeX's fonts did not load");
  console.log(`walked ${titles.length} steps: ${titles.join(" | ")}`);
  const expected = Number((await text("#bw-count")).split(" of ")[1]);
  if (titles.length !== expected || new Set(titles).size !== titles.length || titles.length < 9) {
    await fail(`the arrow keys walked ${titles.length} of ${expected} steps`);
  }
  for (const [name, pattern] of [["the loss", /loss J/], ["δ2", /output error δ2/], ["dW1", /gradients of layer 1/],
    ["f′(Z1)", /f′\(Z1\)/], ["the SGD step", /SGD step/]]) {
    if (!titles.some((t) => pattern.test(t))) await fail(`no step for ${name}`);
  }
  const goTo = async (pattern) => {
    await page.focus("#stepper");
    await page.keyboard.press("Home");
    while (!pattern.test(await text("#bw-title"))) await page.keyboard.press("ArrowRight");
  };

  // Check yourself at δ2: the numbers stay hidden until an answer; a wrong one, then the right one.
  await goTo(/output error δ2/);
  if (await page.locator("#bw-views table").count() !== 0) await fail("δ2 shown before an answer");
  await page.fill("#bw-answer", "123");
  await page.click("#bw-check");
  const hint = await text("#bw-grade");
  if (!(await page.locator("#bw-grade.wrong").count())) await fail(`a wrong answer graded: ${hint}`);
  // Practice: a wrong try gets a hint (what is off, which quantities enter) and another try,
  // with the numbers still hidden; the worked answer comes on "Show me".
  if (!/try 1 of 3/.test(hint) || !/Ŷ\[1\] − Y\[1\]/.test(hint)) await fail(`no hint after a wrong try: ${hint}`);
  if (await page.locator("#bw-views table").count() !== 0) await fail("δ2 shown after one wrong try");
  if (!(await page.locator("#bw-reveal").isVisible())) await fail("no Show me after one wrong try");
  await page.fill("#bw-answer", "-123");
  await page.click("#bw-check");
  if (!/try 2 of 3/.test(await text("#bw-grade"))) await fail(`a second try: ${await text("#bw-grade")}`);
  await page.click("#bw-reveal");
  const wrong = await text("#bw-grade");
  const worked = wrong.match(/= (-?[0-9.e-]+)\s*$/);
  if (!worked) await fail(`no worked computation in "${wrong}"`);
  await page.fill("#bw-answer", worked[1]);
  await page.click("#bw-check");
  const right = await text("#bw-grade");
  if (!(await page.locator("#bw-grade.right").count())) await fail(`the right answer graded: ${right}`);
  console.log(`check yourself: "${hint}", then Show me: "${wrong}", then "${right}"`);
  const signs = await page.$$eval("#bw-views table[data-name='δ2'] tr",
    (rows) => rows.map((r) => [r.classList.contains("truth"), r.dataset.sign]));
  const truthNegative = signs.filter(([truth, sign]) => truth && sign === "negative").length === 1;
  const othersPositive = signs.filter(([truth, sign]) => !truth && sign === "positive").length === 9;
  if (signs.length !== 10 || !truthNegative || !othersPositive) await fail(`δ2's signs: ${JSON.stringify(signs)}`);

  // dW1: one tile per unit, manual beside autodiff; pointing at an entry reads both.
  await goTo(/gradients of layer 1/);
  await page.click("#bw-reveal");
  // After "Show me", the arrow keys still walk the steps.
  await page.keyboard.press("ArrowRight");
  if (!/SGD step/.test(await text("#bw-title"))) await fail(`after Show me: ${await text("#bw-title")}`);
  await page.keyboard.press("ArrowLeft");
  // At the last step Next is disabled: focus moves to the stepper, never stays on it, and
  // ArrowLeft goes on walking; with focus lost to the page, the arrows still walk the panel.
  await page.click("#bw-next");
  if (!(await page.locator("#bw-next").isDisabled())) await fail("not at the last step");
  const focused = await page.evaluate(() => document.activeElement.id);
  if (focused === "bw-next" || focused === "bw-prev") await fail(`focus stayed on a disabled ${focused}`);
  await page.keyboard.press("ArrowLeft");
  if (!/gradients of layer 1/.test(await text("#bw-title"))) await fail(`ArrowLeft at the last step: ${await text("#bw-title")}`);
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press("ArrowRight");
  if (!/SGD step/.test(await text("#bw-title"))) await fail(`the arrows with focus lost: ${await text("#bw-title")}`);
  const summary = await text("#bw-summary");
  if (!/right at the first try/.test(summary)) await fail(`no summary at the end of the walk: ${summary}`);
  const record = await page.evaluate(() => JSON.parse(localStorage.getItem("backprop.checkRecord") || "[]"));
  const last = record[record.length - 1];
  if (!last || !last.steps.some((r) => r.tries === 2 && r.first === false)) await fail(`the walk's record: ${JSON.stringify(last)}`);
  console.log(`keyboard and record: ${summary}`);
  await page.keyboard.press("ArrowLeft");
  const agreement = await text("#bw-views .autodiff");
  if (!agreement.includes("✓")) await fail(`dW1 against autodiff: ${agreement}`);
  const tiles = page.locator("#bw-views canvas.heat").first();
  const box = await tiles.boundingBox();
  await page.mouse.move(box.x + 14, box.y + 14);
  const readout = await text("#bw-readout");
  if (!/dW1\[unit 0, pixel \d+\] = .*autodiff/.test(readout)) await fail(`readout: ${readout}`);
  console.log(`dW1: ${agreement} | ${readout}`);
  await page.locator("#backward").screenshot({ path: `${folder}/backward.png` });
  const unitTiles = await page.locator("#bw-units").getAttribute("data-tiles");
  if (unitTiles !== "132") await fail(`the units grid has ${unitTiles} tiles`);
  const unitsBefore = await page.locator("#bw-units").evaluate((c) => c.toDataURL());

  // Every form control has an accessible name of its own.
  const names = await page.evaluate(() => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
    .filter((e) => e.offsetParent !== null)
    .map((e) => (e.getAttribute("aria-label") || (e.labels && e.labels[0] ? e.labels[0].textContent : "") || e.title || "").trim()));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (names.some((n) => n === "") || repeated.length) await fail(`controls without a unique name: ${JSON.stringify(repeated)} of ${JSON.stringify(names)}`);

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

  // Forms check what is typed: text in a number field sends nothing and says so at the field.
  await page.fill("#train-form input[name=init_std]", "abc");
  const sigmaError = await text("#error-train-form-init_std");
  if (!/^σ: a number/.test(sigmaError)) await fail(`σ "abc": ${sigmaError}`);
  await page.click("#start");
  const refusedStatus = await text("#train-status");
  if (!/Nothing sent/.test(refusedStatus)) await fail(`a bad σ was sent: ${refusedStatus}`);
  await page.fill("#train-form input[name=epochs]", "2.5");
  const epochsError = await text("#error-train-form-epochs");
  if (!/^epochs: a whole number/.test(epochsError)) await fail(`epochs "2.5": ${epochsError}`);
  await page.fill("#train-form input[name=init_std]", "0.3");
  if (await page.locator("#error-train-form-init_std").isVisible()) await fail("σ's message stayed");
  await page.selectOption("#train-form select[name=init]", "xavier");
  if (!(await page.locator("#train-form input[name=init_std]").isDisabled())) await fail("σ without normal");
  await page.selectOption("#train-form select[name=init]", "normal");
  const labelled = await page.evaluate(() => serverWords("batch_size: must be between 1 and 65,536, got 0",
    formLabels(document.getElementById("train-form"))));
  if (labelled !== "batch: must be between 1 and 65,536, got 0") await fail(`server words: ${labelled}`);
  console.log(`forms: "${sigmaError}", "${epochsError}", "${refusedStatus}"`);

  // Train the "vanishing" preset (8 sigmoid layers of 64, 3 epochs of 10,000 images: a model
  // that reads digits at random); the curves get their points, the run is saved.
  await page.selectOption("#preset", "vanishing");
  await page.click("#start");
  await page.waitForFunction(() => /^Epoch \d\/3/.test(document.getElementById("train-status").textContent),
    null, { timeout: 120000 });
  await page.waitForFunction(() => Number(document.getElementById("loss-chart").dataset.points) >= 2,
    null, { timeout: 120000 });
  await page.waitForFunction(() => document.getElementById("train-status").textContent.startsWith("Done"),
    null, { timeout: 120000 });
  console.log(`train: ${await page.locator("#train-status").textContent()}`);
  // The charts' ticks fall on round values: equal steps of 1, 2 or 5 × 10^k.
  for (const chart of ["loss-chart", "accuracy-chart"]) {
    const ticks = (await page.locator(`#${chart}`).getAttribute("data-yticks")).split(" ").map(Number);
    const steps = ticks.slice(1).map((t, i) => t - ticks[i]);
    const round = (x) => { const m = x / 10 ** Math.floor(Math.log10(x) + 1e-9); return [1, 2, 5].some((r) => Math.abs(m - r) < 1e-6); };
    if (ticks.length < 2 || !steps.every((d) => Math.abs(d - steps[0]) < 1e-9 * Math.max(1, Math.abs(ticks[0])) + 1e-12 && round(d))
      || !ticks.every((t) => Math.abs(t / steps[0] - Math.round(t / steps[0])) < 1e-6)) {
      await fail(`${chart}'s ticks are not round: ${ticks.join(" ")}`);
    }
    console.log(`${chart} ticks: ${ticks.join(" ")}`);
  }
  await page.waitForFunction(() => document.getElementById("train-units").dataset.epoch === "3",
    null, { timeout: 30000 });
  if (await page.locator("#train-units").getAttribute("data-tiles") !== "64") await fail("the live grid's tiles");

  // The run kept its own model, listed with how it ended; Draw and Backward keep the model
  // they use until the student chooses the new one ("Use").
  await page.waitForFunction(() => /finished after epoch 3/.test(
    document.querySelector("#runs-table tr[data-run='run-1']")?.textContent || ""), null, { timeout: 30000 });
  if (!/command line's model/.test(await text("#model-line"))) await fail(`the run became the model: ${await text("#model-line")}`);
  if (!/choose run-1 with “Use”/.test(await text("#train-status"))) await fail(`the run's end: ${await text("#train-status")}`);
  const stillRead = await drawOne();
  if (stillRead !== "1") await fail(`after the preset's run, Draw read a 1 as ${stillRead}: the new model took over`);
  console.log("after the preset's run, Draw still uses the command line's model (a drawn 1 reads as 1)");
  await page.click("#runs-table tr[data-run='run-1'] button");
  await page.waitForFunction(() => /run-1/.test(document.getElementById("model-line").textContent), null, { timeout: 30000 });
  await page.waitForFunction((before) => document.getElementById("bw-units").toDataURL() !== before,
    unitsBefore, { timeout: 30000 });
  console.log(`units: ${await text("#train-units-caption")}; the Backward panel's grid changed with the chosen model`);
  await page.click("#runs-table tr[data-run='artifacts'] button");
  await page.waitForFunction(() => /command line's model/.test(document.getElementById("model-line").textContent),
    null, { timeout: 30000 });
  const weights = await page.locator("#runs-table tr[data-run='run-1'] a", { hasText: "weights" }).getAttribute("href");
  if (weights !== "/api/runs/run-1/model.safetensors") await fail(`weights link: ${weights}`);
  // The command line's model stays in use for the rest of the walk (the preset's reads at random).
  console.log(`runs: ${await page.locator("#runs-table tr").count() - 1} listed; ${await text("#model-line")}`);
  await page.locator("#train .units").screenshot({ path: `${folder}/units.png` });

  // The first screen: at a laptop's size the verdict is in view after drawing; on a phone it
  // sits right under the pad; a random test digit is shown on the pad.
  const laptop = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  laptop.on("pageerror", (error) => errors.push(error.message));
  await laptop.goto(url);
  await laptop.waitForFunction(() => !document.getElementById("model-line").textContent.startsWith("Loading"));
  const padBox = await laptop.locator("#pad").boundingBox();
  await laptop.mouse.move(padBox.x + 140, padBox.y + 50);
  await laptop.mouse.down();
  await laptop.mouse.move(padBox.x + 142, padBox.y + 230, { steps: 10 });
  await laptop.mouse.up();
  await laptop.waitForFunction(() => document.getElementById("verdict").dataset.predicted !== undefined);
  const verdictBox = await laptop.locator("#verdict").boundingBox();
  console.log(`1280×800: the verdict's bottom at y = ${Math.round(verdictBox.y + verdictBox.height)}`);
  if (verdictBox.y + verdictBox.height > 800) await fail("the verdict is below the fold at 1280×800");
  const bars = await laptop.locator("#bars").boundingBox();
  if (bars.height === 0 || bars.y + bars.height > 800) await fail(`the ten probabilities are below the fold at 1280×800 (${JSON.stringify(bars)})`);
  // Clear clears the pad and everything that showed the old digit.
  await laptop.click("#clear");
  const cleared = await laptop.evaluate(() => ({
    verdict: document.getElementById("verdict").textContent,
    bars: document.getElementById("bars").children.length,
    hidden: document.getElementById("hidden").children.length,
    scale: document.getElementById("saliency-scale").children.length,
    input: [...document.getElementById("input").getContext("2d").getImageData(0, 0, 168, 168).data].some((v) => v !== 0),
    saliency: [...document.getElementById("saliency").getContext("2d").getImageData(0, 0, 168, 168).data].some((v) => v !== 0),
  }));
  if (cleared.verdict !== "draw a digit" || cleared.bars || cleared.hidden || cleared.scale || cleared.input || cleared.saliency) {
    await fail(`Clear left the old digit: ${JSON.stringify(cleared)}`);
  }
  await laptop.mouse.move(padBox.x + 140, padBox.y + 50);
  await laptop.mouse.down();
  await laptop.mouse.move(padBox.x + 142, padBox.y + 230, { steps: 10 });
  await laptop.mouse.up();
  await laptop.waitForFunction(() => document.getElementById("verdict").dataset.predicted !== undefined);
  const ink = () => laptop.locator("#pad").evaluate((c) =>
    c.getContext("2d").getImageData(0, 0, c.width, c.height).data.reduce((sum, v, i) => (i % 4 === 0 ? sum + v : sum), 0));
  const drawnInk = await ink();
  await laptop.click("#random");
  await laptop.waitForFunction(() => /test image/.test(document.getElementById("verdict").textContent));
  const digitInk = await ink();
  if (digitInk === 0 || digitInk === drawnInk) await fail(`the pad does not show the test digit (${drawnInk} → ${digitInk})`);
  // The pad from the keyboard: a vertical stroke drawn with the arrow keys reads as a digit.
  await laptop.click("#clear");
  await laptop.focus("#pad");
  await laptop.evaluate(() => delete document.getElementById("verdict").dataset.predicted);
  for (let i = 0; i < 6; i++) await laptop.keyboard.press("ArrowUp");
  await laptop.keyboard.press(" ");
  for (let i = 0; i < 12; i++) await laptop.keyboard.press("ArrowDown");
  await laptop.keyboard.press("Enter");
  await laptop.waitForFunction(() => document.getElementById("verdict").dataset.predicted !== undefined);
  console.log(`a stroke drawn with the keyboard reads as ${await laptop.locator("#verdict").getAttribute("data-predicted")}`);
  await laptop.close();

  // A link hands out a scenario: a preset, a setting, the panel and a test digit; the address
  // follows later changes, so a reload keeps them.
  const linked = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  linked.on("pageerror", (error) => errors.push(error.message));
  await linked.goto(`${url}?preset=exploding&epochs=3&panel=train&digit=5`);
  await linked.waitForFunction(() => /test image 5/.test(document.getElementById("verdict").textContent),
    null, { timeout: 30000 });
  const field = (name) => linked.locator(`#train-form [name=${name}]`).inputValue();
  const got = [await field("hidden"), await field("activation"), await field("lr"), await field("epochs"), await field("clip_grad_norm")];
  if (got.join("|") !== "132,132,132|relu|1|3|") await fail(`the link's settings: ${got.join("|")}`);
  await linked.fill("#train-form input[name=clip_grad_norm]", "1");
  await linked.locator("#train-form input[name=clip_grad_norm]").dispatchEvent("change");
  await linked.click("#copy-link");
  const link = await linked.locator("#link").inputValue();
  if (!/clip_grad_norm=1/.test(link) || !/digit=5/.test(link)) await fail(`copied link: ${link}`);
  await linked.reload();
  await linked.waitForFunction(() => document.querySelector("#train-form [name=clip_grad_norm]").value === "1",
    null, { timeout: 30000 });
  console.log(`link: ${link}`);
  await linked.close();

  // The confusion matrix: 10 × 10 cells that add up to the test set; a cell opens its digits.
  const cells = await page.$$eval("#confusion tbody button", (buttons) => buttons.map((b) => Number(b.textContent)));
  const total = cells.reduce((a, b) => a + b, 0);
  if (cells.length !== 100 || total !== 10000) await fail(`confusion matrix: ${cells.length} cells, ${total} images`);
  await page.click("#confusion tbody tr:nth-child(4) td:nth-child(4) button");
  await page.waitForFunction(() => /true: 3/.test(document.getElementById("verdict").textContent), null, { timeout: 30000 });

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, locale: "en-US" });
  phone.on("pageerror", (error) => errors.push(error.message));
  await phone.goto(url);
  await phone.waitForFunction(() => !document.getElementById("model-line").textContent.startsWith("Loading"));
  const phonePad = await phone.locator("#pad").boundingBox();
  await phone.touchscreen.tap(phonePad.x + phonePad.width / 2, phonePad.y + phonePad.height / 2);
  await phone.waitForFunction(() => document.getElementById("verdict").dataset.predicted !== undefined
    || /blank|draw/.test(document.getElementById("verdict").textContent), null, { timeout: 30000 });
  const phoneVerdict = await phone.locator("#verdict").boundingBox();
  const gap = phoneVerdict.y - (phonePad.y + phonePad.height);
  console.log(`390×844: the verdict ${Math.round(gap)} px under the pad: ${await phone.locator("#verdict").textContent()}`);
  if (gap < 0 || gap > 120) await fail(`the verdict is ${gap} px under the pad on a phone`);
  await phone.screenshot({ path: `${folder}/phone.png` });
  // No panel wider than the phone's screen, with a digit and every step of Backward shown.
  await phone.click("#random");
  await phone.waitForFunction(() => /steps/.test(document.getElementById("bw-status").textContent), null, { timeout: 30000 });
  for (;;) {
    if (await phone.locator("#bw-reveal").isVisible()) await phone.click("#bw-reveal");
    const wide = await phone.evaluate(() => [document.documentElement.scrollWidth,
      ...[...document.querySelectorAll("header, main > section")].filter((e) => e.getBoundingClientRect().right > 390.5).map((e) => e.id)]);
    if (wide[0] > 390 || wide.length > 1) await fail(`at 390 px the page is ${wide[0]} px wide (${wide.slice(1).join(", ")}) at ${await phone.locator("#bw-title").textContent()}`);
    if (await phone.locator("#bw-next").isDisabled()) break;
    await phone.click("#bw-next");
  }
  console.log("390×844: every panel within the screen at every Backward step");
  await phone.close();

  // The Draw panel again, with the model just trained, for the picture.
  console.log(`drawn stroke read as ${await drawOne()} by the model in use`);
  await page.screenshot({ path: `${folder}/serve.png`, fullPage: true });
  // Accessibility: axe-core finds no serious or critical violation on the page as it stands.
  await audit(page, fail, "en");
  if (errors.length) await fail(`errors on the page: ${errors.join("; ")}`);
  console.log(`screenshots: ${folder}/serve.png, backward.png, units.png, phone.png`);
  await browser.close();
} catch (error) {
  await fail(error.message);
}
