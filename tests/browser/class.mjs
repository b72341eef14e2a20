// A class in headless Chromium (`serve --class --workers 1`): a browser without the link is
// told to ask for it; two students join by the student link in two browser contexts, name
// themselves (markup is refused), and both train at once, so one waits in the queue and sees
// its place; the teacher's Class panel then lists both, their runs and the best run of each;
// screenshots of the teacher's view at a laptop's and a phone's size (class.png,
// class-phone.png) and of a student's queued run (queued.png); no serious accessibility
// violation (axe-core).
// Usage: node class.mjs <url> <student link> <teacher link> <folder>
import { audit, launch } from "./chromium.mjs";

const [url, studentLink, teacherLink, folder] = process.argv.slice(2);
const { browser, fail } = await launch();
const errors = [];
const open = async (link, name, viewport = { width: 1280, height: 800 }) => {
  const context = await browser.newContext({ viewport, locale: "en-US" });
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(`${name}: ${error.message}`));
  page.on("dialog", (dialog) => { errors.push(`${name}: a dialog opened (${dialog.message()})`); dialog.dismiss(); });
  await page.goto(link);
  return page;
};
const text = (page, selector) => page.locator(selector).textContent();
try {
  // Without the link: a banner, and nothing of the lab.
  const stranger = await open(url, "stranger");
  await stranger.waitForSelector("#class-banner:not([hidden])");
  const banner = await text(stranger, "#class-banner");
  if (!/link your teacher/.test(banner)) await fail(`no-session banner: ${banner}`);
  if (await stranger.locator("main").isVisible()) await fail("the lab shows without a session");

  // Two students join and name themselves; a name with markup is refused, and nothing runs.
  const students = [];
  for (const [index, name] of ["Ana", "Ben"].entries()) {
    const page = await open(studentLink, name);
    await page.waitForSelector("#you:not([hidden])");
    const you = await text(page, "#you-line");
    if (you !== `You are Student ${index + 1}.`) await fail(`${name}: ${you}`);
    if (index === 0) {
      await page.fill("#you-name", "<img src=x onerror=alert(1)>");
      await page.click("#you button[type=submit]");
      await page.waitForFunction(() => document.getElementById("you-status").classList.contains("error"), null, { polling: 100 });
      console.log(`markup as a name: ${await text(page, "#you-status")}`);
    }
    await page.fill("#you-name", name);
    await page.click("#you button[type=submit]");
    await page.waitForFunction((n) => document.getElementById("you-line").textContent === `You are ${n}.`, name, { polling: 100 });
    students.push(page);
  }

  // Both train: Ana a long run, Ben a short one that waits for the one slot until Ana stops
  // hers after its second epoch.
  const train = async (page, epochs, images, hidden) => {
    await page.fill("#train-form input[name=hidden]", hidden);
    await page.fill("#train-form input[name=epochs]", String(epochs));
    await page.fill("#train-form input[name=train_limit]", String(images));
    await page.click("#start");
  };
  await train(students[0], 20, 60000, "132");
  await students[0].waitForFunction(() => /^Epoch 2\//.test(document.getElementById("train-status").textContent),
    null, { timeout: 60000, polling: 100 });
  await train(students[1], 1, 3000, "32");
  await students[1].waitForFunction(() => /waits for a training slot: place 1/.test(document.getElementById("train-status").textContent),
    null, { timeout: 20000, polling: 100 }).catch(async () => fail(`Ben's run did not say it waits: ${await text(students[1], "#train-status")}`));
  console.log(`Ben: ${await text(students[1], "#train-status")}`);
  await students[1].screenshot({ path: `${folder}/queued.png` });
  await students[0].click("#stop");
  await students[0].waitForFunction(() => /^Stopped after epoch/.test(document.getElementById("train-status").textContent),
    null, { timeout: 60000, polling: 100 });
  console.log(`Ana: ${await text(students[0], "#train-status")}`);
  await students[1].waitForFunction(() => /^Done:/.test(document.getElementById("train-status").textContent),
    null, { timeout: 120000, polling: 100 });
  const done = await text(students[1], "#train-status");
  console.log(`Ben: ${done}`);
  if (/\/tmp|\/class\//.test(done)) await fail("a student sees the server's paths");

  // The teacher's view: both students, their runs, the best run of each, sorted.
  const teacher = await open(teacherLink, "teacher");
  await teacher.waitForSelector("#class:not([hidden])");
  await teacher.waitForFunction(() => document.querySelectorAll("#class-best tr").length === 3, null, { timeout: 20000, polling: 100 });
  const rows = await teacher.locator("#class-students tr").allTextContents();
  console.log(`teacher's students:\n  ${rows.join("\n  ")}`);
  if (!rows.some((r) => r.startsWith("Ana")) || !rows.some((r) => r.startsWith("Ben"))) await fail("a student is missing");
  const link = await teacher.locator("#class-link").inputValue();
  if (!link.endsWith(studentLink.slice(studentLink.indexOf("/join/")))) await fail(`student link shown: ${link}`);
  const best = await teacher.locator("#class-best tr").allTextContents();
  console.log(`best runs:\n  ${best.join("\n  ")}`);
  const accuracies = best.slice(1).map((r) => parseFloat(r.match(/([\d.]+) %$/)[1]));
  if (!(accuracies[0] >= accuracies[1])) await fail(`not sorted by accuracy: ${accuracies}`);
  await teacher.click("#class-best th button");
  const flipped = (await teacher.locator("#class-best tr").allTextContents()).slice(1);
  if (flipped[0] !== best[2].replace(/^2/, "1")) console.log(`ascending: ${flipped.join(" | ")}`);
  await teacher.screenshot({ path: `${folder}/class.png`, fullPage: false });
  await audit(teacher, fail, "the teacher's Class panel");
  await teacher.setViewportSize({ width: 390, height: 844 });
  await teacher.screenshot({ path: `${folder}/class-phone.png` });
  const overflow = await teacher.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 2) await fail(`the teacher's view is ${overflow} px wider than a phone`);
  if (errors.length) await fail(errors.join("\n"));
  console.log("class walk: OK");
  await browser.close();
} catch (error) {
  await fail(error.stack || String(error));
}
