// The page in French, in headless Chromium: once from the browser's language (locale fr-FR,
// no parameter) and once from the address (`lang=fr` in an English browser). Every panel is
// walked (Draw, the Backward steps with their numbers shown, Train with a short run, Check,
// Study, the runs, the units) and no English text of the catalogue may be left in what is
// visible; a server error names its field by the French label; the language switch changes
// the page in place without losing the drawing or a running run's curves. Saves
// serve-fr.png and backward-fr.png in the given folder.
// Usage: node french.mjs <url> <folder>   (CHROMIUM overrides /usr/bin/chromium)
import { audit, drawStroke, launch } from "./chromium.mjs";

const [url, folder] = process.argv.slice(2);
const { browser, fail } = await launch();

/** Words that are the same in both languages: names, units, formats. */
const NAMES = /^(Burn|MNIST|ReLU|tanh|softmax|sigmoid|Xavier|xavier|autodiff|SGD|OK|CSV|PNG|f32|f64|learner|BCE)$/;

/**
 * The English catalogue's fragments (its texts cut at their places and markup) that a French
 * page must not show: those with at least four letters that no French text contains and that
 * are not names.
 */
function englishFragments(catalogues) {
  const { en, fr } = catalogues;
  const french = Object.values(fr);
  const fragments = new Set();
  for (const [key, text] of Object.entries(en)) {
    if (key === "language.name" || text === fr[key]) continue;
    for (const piece of text.split(/\{\w+\}|<[^>]+>|\n/)) {
      const fragment = piece.trim();
      if ((fragment.match(/[A-Za-z]/g) || []).length < 4) continue;
      if (fragment.split(/\W+/).filter(Boolean).every((word) => NAMES.test(word) || !/[A-Za-z]/.test(word))) continue;
      if (french.some((f) => f.includes(fragment))) continue;
      fragments.add(fragment);
    }
  }
  return [...fragments];
}

/** What a reader sees: the page's visible text and the words drawn on its charts. */
const visibleText = (page) => page.evaluate(() => document.body.innerText + "\n" +
  [...document.querySelectorAll("canvas[data-words]")].map((c) => c.dataset.words).join("\n"));

/** The English fragments found in `text`, at word boundaries. */
function leftovers(text, fragments) {
  return fragments.filter((fragment) => {
    const escaped = fragment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^A-Za-z])${escaped}($|[^A-Za-z])`).test(text);
  });
}

const launchOptions = (locale) => ({ viewport: { width: 1500, height: 1900 }, locale });

/** Waits until the status line `id` says something matching `pattern`; fails with what it says. */
async function waitStatus(page, id, pattern, timeout) {
  try {
    await page.waitForFunction(([id, source]) => new RegExp(source).test(document.getElementById(id).textContent),
      [id, pattern.source], { timeout });
  } catch {
    await fail(`#${id} never matched ${pattern}: it says "${await page.locator(`#${id}`).textContent()}"`);
  }
}

try {
  const errors = [];
  let refusalExpected = false; // the browser logs the refused request the test makes on purpose
  const watch = (page) => {
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() !== "error" || (refusalExpected && /status of 400/.test(message.text()))) return;
      errors.push(`console: ${message.text()}`);
    });
  };

  // ---- The browser's language: fr-FR, no parameter ----
  const context = await browser.newContext(launchOptions("fr-FR"));
  const page = await context.newPage();
  watch(page);
  await page.goto(url);
  await page.waitForFunction(() => !document.getElementById("model-line").textContent.startsWith("Chargement"));
  const catalogues = await page.evaluate(() => CATALOGUES);
  const fragments = englishFragments(catalogues);
  console.log(`${Object.keys(catalogues.en).length} keys; ${fragments.length} English fragments checked`);
  if (await page.evaluate(() => document.documentElement.lang) !== "fr") await fail("fr-FR did not give French");
  const seen = [];
  const look = async (where) => {
    const text = await visibleText(page);
    seen.push(text);
    const left = leftovers(text, fragments);
    if (left.length) await fail(`English left in French (${where}): ${left.map((f) => `"${f}"`).join(", ")}`);
  };
  await look("on load");

  // Draw: a vertical stroke; the verdict, the probabilities, the hidden layer.
  const text = async (selector) => (await page.locator(selector).textContent()).replace(/\s/g, " ");
  await drawStroke(page);
  await look("after drawing");

  // Backward: every step, its question answered by "Montrez-moi" so that its numbers show.
  await page.selectOption("#bw-label", "1");
  await page.waitForFunction(() => /étapes/.test(document.getElementById("bw-status").textContent),
    null, { timeout: 30000 });
  await page.focus("#stepper");
  await page.keyboard.press("Home");
  const titles = [];
  const stepEquations = [];
  for (;;) {
    titles.push(await text("#bw-title"));
    stepEquations.push(await text("#bw-equation"));
    if (await page.locator("#bw-reveal").isVisible()) await page.click("#bw-reveal");
    const views = page.locator("#bw-views canvas.heat").first();
    if (await views.count()) {
      const box = await views.boundingBox();
      await page.mouse.move(box.x + 3, box.y + 3);
    }
    await look(`Backward, ${titles[titles.length - 1]}`);
    if (await page.locator("#bw-next").isDisabled()) break;
    await page.click("#bw-next");
  }
  console.log(`Rétropropagation: ${titles.length} steps: ${titles.join(" | ")}`);
  for (const equation of ["Z^[1] = W^[1]·X + b^[1]", "dZ^[2] = ∂J/∂Z^[2] = A^[2] − Y", "dW^[1] = dZ^[1]·Xᵀ",
    "dZ^[1] = (W^[2]ᵀ·dZ^[2]) ⊙ f′(Z^[1])", "f′(Z^[1]) = 1 − (A^[1])²"]) {
    if (!stepEquations.some((e) => e.includes(equation))) await fail(`no step with the TP's ${equation}`);
  }
  // Typeset as the handout writes it.
  const tex = await page.evaluate(() => stepTex("delta_hidden", { l: 1, L: 2 }));
  if (tex !== "dZ^{[1]} = \\left(W^{[2]\\top}\\, dZ^{[2]}\\right) \\odot f'\\left(Z^{[1]}\\right)") await fail(`the handout's dZ^[1] in TeX: ${tex}`);
  if (await page.locator("#bw-tex .katex").count() !== 1) await fail("the French equation is not typeset");
  const equations = await page.evaluate(() => CATALOGUES.fr["check.equations"]);
  if (!equations.includes("dZ^[L] = A^[L] − Y")) await fail("the Check panel's equations are not the TP's");
  // A typed answer with a decimal comma is read.
  await page.focus("#stepper");
  await page.keyboard.press("Home");
  while (!/l'erreur de sortie/.test(await text("#bw-title"))) await page.keyboard.press("ArrowRight");
  const worked = (await text("#bw-grade")).match(/= (−?-?[0-9,e-]+)\s*$/);
  if (!worked) await fail(`no worked value at dZ^[2]: ${await text("#bw-grade")}`);
  await page.fill("#bw-answer", worked[1].replace("−", "-"));
  await page.click("#bw-check");
  const right = await text("#bw-grade");
  if (!/^Juste/.test(right)) await fail(`a decimal comma answer: ${right}`);
  console.log(`à vous de calculer: ${right}`);
  await page.locator("#backward").screenshot({ path: `${folder}/backward-fr.png` });

  // Forms: the messages at the fields, in French with the French labels.
  // Decimal fields as the French write them: shown with a comma, typed with a comma or a point.
  const lrShown = await page.locator("#train-form input[name=lr]").inputValue();
  if (lrShown !== "0,05") await fail(`η shown in French as ${lrShown}`);
  for (const typed of ["0,1", "0.1"]) {
    await page.fill("#train-form input[name=lr]", typed);
    if (await page.locator("#error-train-form-lr").isVisible()) await fail(`η ${typed} refused`);
    const sent = await page.evaluate(() => checkedSettings(document.getElementById("train-form"), "train").lr);
    if (sent !== 0.1) await fail(`η ${typed} sent as ${sent}`);
  }
  await page.fill("#train-form input[name=lr]", "0,05");
  console.log(`decimal fields: η shown as ${lrShown}, 0,1 and 0.1 both sent as 0.1`);
  await page.fill("#train-form input[name=epochs]", "2,5");
  const epochsError = await text("#error-train-form-epochs");
  if (!/^époques : un nombre entier/.test(epochsError)) await fail(`epochs "2,5": ${epochsError}`);
  await page.fill("#train-form input[name=epochs]", "1");
  // A server error: the API's own message for a batch of 0, as the page shows a refused start.
  refusalExpected = true;
  const serverError = await page.evaluate(async () => {
    try {
      await api("/api/train", { batch_size: 0 });
      return "accepted";
    } catch (error) {
      setStatus($("train-status"), problem(error, $("train-form")), true);
      return [error.message, $("train-status").textContent];
    }
  });
  await page.waitForTimeout(200);
  refusalExpected = false;
  console.log(`server error: "${serverError[0]}" shown as "${serverError[1]}"`);
  if (!/^lot : doit être entre 1 et 65 536, reçu 0$/.test(serverError[1].replace(/\s/g, " "))) {
    await fail(`a server error in French: ${serverError}`);
  }
  await look("after a refused start");

  // Train: one short epoch; its statuses, curves, runs and units in French.
  await page.fill("#train-form input[name=train_limit]", "3000");
  await page.click("#start");
  await waitStatus(page, "train-status", /^Terminé/, 120000);
  await page.waitForFunction(() => document.getElementById("train-units").dataset.epoch === "1",
    null, { timeout: 30000 });
  console.log(`entraînement: ${await text("#train-status")}`);
  await look("after a run");

  // Check: a gradient check of 8 images, every row OK.
  await page.fill("#check-form input[name=batch_size]", "8");
  await page.click("#run-check");
  await page.waitForFunction(() => /^Les \d+ lignes sont OK/.test(document.getElementById("check-status").textContent)
    || document.getElementById("check-status").classList.contains("error"), null, { timeout: 120000 });
  console.log(`vérification: ${await text("#check-status")}`);
  if (!/^Les \d+ lignes sont OK/.test(await text("#check-status"))) await fail("the check in French");
  await look("after the check");

  // Study: a small one (depth 3, width 16, 512 images); its tables in French.
  await page.fill("#study-form input[name=depth]", "3");
  await page.fill("#study-form input[name=width]", "16");
  await page.fill("#study-form input[name=train_limit]", "512");
  await page.click("#run-study");
  await page.waitForFunction(() => /^Terminé/.test(document.getElementById("study-status").textContent)
    || document.getElementById("study-status").classList.contains("error"), null, { timeout: 240000 });
  if (!/^Terminé/.test(await text("#study-status"))) await fail(`the study: ${await text("#study-status")}`);
  const studyTables = await page.locator("#study-tables table").count();
  if (studyTables !== 3) await fail(`the study shows ${studyTables} tables`);
  await look("after the study");
  await page.screenshot({ path: `${folder}/serve-fr.png`, fullPage: true });
  // Accessibility in French too: no serious or critical axe-core violation.
  await audit(page, fail, "fr");
  await context.close();

  // ---- The address: lang=fr in an English browser; then the switch ----
  const english = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const other = await english.newPage();
  watch(other);
  await other.goto(`${url}?lang=fr`);
  await other.waitForFunction(() => !document.getElementById("model-line").textContent.startsWith("Chargement"));
  if (await other.evaluate(() => document.documentElement.lang) !== "fr") await fail("lang=fr did not give French");
  const otherText = await visibleText(other);
  const left = leftovers(otherText, fragments);
  if (left.length) await fail(`English left with lang=fr: ${left.join(", ")}`);
  // Draw, start a run, and switch while it runs: the drawing and the curves stay.
  await drawStroke(other);
  const ink = () => other.locator("#pad").evaluate((c) => c.toDataURL());
  const drawn = await ink();
  // A run long enough to switch while it goes: 30 epochs of the whole training set.
  await other.fill("#train-form input[name=epochs]", "30");
  await other.fill("#train-form input[name=train_limit]", "");
  await other.click("#start");
  // This run's first epoch (the page first replays the last run's events, then this run resets them).
  await other.waitForFunction(() => !document.getElementById("stop").disabled
    && Number(document.getElementById("loss-chart").dataset.points) >= 1, null, { timeout: 120000 });
  await other.selectOption("#lang", "en");
  const points = Number(await other.locator("#loss-chart").getAttribute("data-points"));
  if (await other.locator("#stop").isDisabled()) await fail("the run ended before the switch");
  const nav = await other.locator("nav").textContent();
  if (!/Draw/.test(nav) || /Dessiner/.test(nav)) await fail(`after the switch: ${nav}`);
  if (points < 1) await fail("the curves were lost by the switch");
  if (await ink() !== drawn) await fail("the drawing was lost by the switch");
  if (!/lang=en/.test(await other.evaluate(() => location.search))) await fail("the address lost the language");
  const bar = await other.locator("#saliency-scale .colour-bar-labels").textContent();
  if (/\d,\d/.test(bar)) await fail(`a colour bar kept its French decimal comma: ${bar}`);
  const words = await other.locator("#loss-chart").getAttribute("data-words");
  if (!/epoch/.test(words)) await fail(`the chart's words after the switch: ${words}`);
  // The run goes on in the new language: a later epoch is drawn and said in English.
  await other.waitForFunction((before) => Number(document.getElementById("loss-chart").dataset.points) > before,
    points, { timeout: 120000 });
  await waitStatus(other, "train-status", /^Epoch \d+\/30/, 30000);
  await other.click("#stop");
  await waitStatus(other, "train-status", /^Stopped after epoch \d+ \(Stop pressed\): run-\d+ keeps its checkpoint/, 60000);
  console.log(`switch: French → English during a run, the drawing and ${points} curve point(s) kept; ` +
    `${await other.locator("#train-status").textContent()}`);
  // Resumed, the run's live curves show its whole history, from epoch 1.
  const stoppedAt = Number((await other.locator("#train-status").textContent()).match(/epoch (\d+)/)[1]);
  await other.click("#resume");
  await other.waitForFunction((at) => Number(document.getElementById("loss-chart").dataset.points) > at
    && epochs[0].epoch === 1, stoppedAt, { timeout: 120000 });
  const history = await other.evaluate(() => epochs.map((e) => e.epoch).join(","));
  await other.click("#stop");
  await waitStatus(other, "train-status", /^Stopped after epoch/, 60000);
  console.log(`resumed after epoch ${stoppedAt}: the curves show epochs ${history}`);
  await other.selectOption("#lang", "fr");
  if (!/Dessiner/.test(await other.locator("nav").textContent())) await fail("back to French");
  await english.close();

  if (errors.length) await fail(`errors on the page: ${errors.join("; ")}`);
  console.log(`French screenshots: ${folder}/serve-fr.png, backward-fr.png`);
  await browser.close();
} catch (error) {
  await fail(error.message);
}
