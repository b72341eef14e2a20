// The first layer's units as pictures: row j of W1 is a 28×28 tile of what unit j responds to,
// drawn for the saved model (Backward panel) and live during a run after each epoch (Train
// panel), either as W1 itself or as what training has added since the run started.
"use strict";

/** The run's units, from /api/train/units. */
let liveUnits = null;

/**
 * Row j of `weights` (a list of rows of side² values) as tile j, on one colour scale; the
 * caption says `words()` (composed in the page's language) and the scale.
 */
function drawUnits(canvas, caption, weights, words) {
  const columns = weights.length ? weights[0].length : 0;
  if (!weights.length || !Number.isInteger(Math.sqrt(columns))) {
    say(caption, ["units.not_square"]);
    return;
  }
  const values = weights.flat();
  const scale = sharedScale(values);
  drawHeat(canvas, values, heatLayout("tiles", values.length, weights.length, columns), { scale, cellPixels: 2, maxWidth: 760 });
  canvas.dataset.tiles = String(weights.length);
  const bar = () => canvas.nextElementSibling.replaceChildren(colourBar(scale));
  bar();
  scaleBars.set(canvas, bar);
  say(caption, () => t("units.caption", { words: words(), scale: formatNumber(scale) }));
}

/** Each grid's colour bar, drawn again in a new language (its numbers' decimal sign). */
const scaleBars = new Map();
onLanguage(() => scaleBars.forEach((bar) => bar()));

/** The saved model's units, each a tile (the Backward panel). */
function drawSavedModelUnits(W) {
  drawUnits($("bw-units"), $("bw-units-caption"), W, () => t("units.saved", { units: W.length }));
}

/** The saved model's units, before any example is chosen. */
async function drawSavedUnits() {
  try {
    drawSavedModelUnits((await api("/api/units")).W);
  } catch (error) {
    say($("bw-units-caption"), problem(error));
  }
}

/** The run's units after its latest epoch (app.js calls this on the start and each epoch). */
async function showLiveUnits() {
  try {
    const live = await api("/api/train/units");
    liveUnits = live;
    drawLiveUnits();
  } catch (error) {
    say($("train-units-caption"), problem(error));
  }
}

/** W1 itself, or what training has added since the run started (W1 − W1 at the start). */
function drawLiveUnits() {
  const live = liveUnits;
  if (!live) return;
  const change = $("units-view").value === "change" && live.epoch > 0;
  drawUnits($("train-units"), $("train-units-caption"), change ? live.change : live.W, () => {
    const shown = live.shown < live.units ? t("units.first", { shown: live.shown, units: live.units })
      : t("units.all", { units: live.units });
    const when = live.epoch === 0 ? t("units.at_start") : t("units.after_epoch", { epoch: live.epoch });
    return t(change ? "units.live.change" : "units.live.weights", { when, shown });
  });
  $("train-units").dataset.epoch = String(live.epoch);
  $("train-units").dataset.view = change ? "change" : "weights";
}

$("units-view").addEventListener("change", drawLiveUnits);

function clearLiveUnits() {
  liveUnits = null;
  const canvas = $("train-units");
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  delete canvas.dataset.epoch;
  delete canvas.dataset.tiles;
  canvas.nextElementSibling.replaceChildren();
  scaleBars.delete(canvas);
  say($("train-units-caption"), ["units.live.waiting"]);
}

clearLiveUnits();
drawSavedUnits();
