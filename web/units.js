// The first layer's units as pictures: row j of W1 is a 28×28 tile of what unit j responds to,
// drawn for the saved model (Backward panel) and live during a run after each epoch (Train
// panel), either as W1 itself or as what training has added since the run started.
"use strict";

/** The run's units, from /api/train/units. */
let liveUnits = null;

/** Row j of `weights` (a list of rows of side² values) as tile j, on one colour scale. */
function drawUnits(canvas, caption, weights, words) {
  const columns = weights.length ? weights[0].length : 0;
  if (!weights.length || !Number.isInteger(Math.sqrt(columns))) {
    caption.textContent = "The first layer's inputs are not a square picture.";
    return;
  }
  const values = weights.flat();
  const scale = sharedScale(values);
  drawHeat(canvas, values, heatLayout("tiles", values.length, weights.length, columns), { scale, cellPixels: 2, maxWidth: 760 });
  canvas.dataset.tiles = String(weights.length);
  canvas.nextElementSibling.replaceChildren(colourBar(scale));
  caption.textContent = `${words}; colour scale ±${formatNumber(scale)} (warm: ink there raises the unit's Z).`;
}

/** The saved model's units, before any example is chosen. */
async function drawSavedUnits() {
  try {
    const saved = await api("/api/units");
    drawUnits($("bw-units"), $("bw-units-caption"), saved.W, `W1 of the saved model: ${saved.units} units`);
  } catch (error) {
    $("bw-units-caption").textContent = error.message;
  }
}

/** The run's units after its latest epoch (app.js calls this on the start and each epoch). */
async function showLiveUnits() {
  try {
    const live = await api("/api/train/units");
    liveUnits = live;
    drawLiveUnits();
  } catch (error) {
    $("train-units-caption").textContent = error.message;
  }
}

/** W1 itself, or what training has added since the run started (W1 − W1 at the start). */
function drawLiveUnits() {
  const live = liveUnits;
  if (!live) return;
  const shown = live.shown < live.units ? `the first ${live.shown} of ${live.units} units` : `${live.units} units`;
  const when = live.epoch === 0 ? "at the start of the run" : `after epoch ${live.epoch}`;
  const change = $("units-view").value === "change" && live.epoch > 0;
  drawUnits($("train-units"), $("train-units-caption"), change ? live.change : live.W,
    change ? `W1 − W1 at the start, ${when}: ${shown}` : `W1 ${when}: ${shown}`);
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
  $("train-units-caption").textContent = "Drawn at the start and after each epoch.";
}

drawSavedUnits();
