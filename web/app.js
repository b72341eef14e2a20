// The backprop lab page: plain JavaScript, no library, talking only to the JSON API of
// `backprop serve` (README, "The lab in the browser").
"use strict";

const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

/** Writes `what` (see `say` in i18n.js) into a status line, red when it is an error. */
function setStatus(element, what, isError = false) {
  say(element, what);
  element.classList.toggle("error", isError);
}

/** A failed request's message, said in the page's language (its fields by `form`'s labels). */
function problem(error, form) {
  return { server: error.message, form };
}

// ---------- The model line ----------

async function showModel() {
  try {
    const model = await api("/api/model");
    if (!model.trained) {
      say($("model-line"), ["model.none"]);
      return;
    }
    showConfusion();
    const last = model.epochs[model.epochs.length - 1];
    say($("model-line"), () => t(last ? "model.in_use.accuracy" : "model.in_use", {
      model: model.run === "artifacts" ? t("model.cli") : model.run,
      network: `${model.widths.join("-")} (${model.activation}, ${model.head})`,
      accuracy: last ? fixed(last.test_accuracy, 2) : "",
    }));
  } catch (error) {
    say($("model-line"), problem(error));
  }
}

// ---------- Draw ----------

const pad = $("pad");
const padContext = pad.getContext("2d");
let drawing = false;

function clearPad() {
  padContext.fillStyle = "black";
  padContext.fillRect(0, 0, pad.width, pad.height);
}

/** Clear: the pad, and everything that showed the old digit (the prediction, the 28×28
 * input, the map of −∂J/∂X and its scale, the ten bars, the hidden layers' maps). */
function clearDrawing() {
  clearPad();
  pen.down = false;
  for (const id of ["input", "saliency"]) {
    const canvas = $(id);
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  }
  $("saliency-scale").replaceChildren();
  $("bars").replaceChildren();
  $("hidden").replaceChildren();
  lastPrediction = null;
  currentDigit = null;
  say($("verdict"), ["draw.verdict.none"]);
  delete $("verdict").dataset.predicted;
  if (typeof rememberSettings === "function") rememberSettings();
}

function padPoint(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width,
          (event.clientY - box.top) * pad.height / box.height];
}

pad.addEventListener("pointerdown", (event) => {
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  const [x, y] = padPoint(event);
  padContext.beginPath();
  padContext.moveTo(x, y);
  padContext.lineTo(x + 0.1, y + 0.1);
  strokePad();
});
pad.addEventListener("pointermove", (event) => {
  if (!drawing) return;
  const [x, y] = padPoint(event);
  padContext.lineTo(x, y);
  strokePad();
});
pad.addEventListener("pointerup", () => {
  if (!drawing) return;
  drawing = false;
  predictDrawing();
});

// The keyboard's pen: arrow keys move it (drawing while it is down), Space lifts or lowers it,
// Enter reads the digit.
const pen = { x: 140, y: 140, down: false };
pad.addEventListener("keydown", (event) => {
  const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (event.key in moves) {
    event.preventDefault();
    const [dx, dy] = moves[event.key];
    const from = [pen.x, pen.y];
    pen.x = Math.max(10, Math.min(270, pen.x + 14 * dx));
    pen.y = Math.max(10, Math.min(270, pen.y + 14 * dy));
    if (pen.down) {
      padContext.beginPath();
      padContext.moveTo(...from);
      padContext.lineTo(pen.x, pen.y);
      strokePad();
    }
  } else if (event.key === " ") {
    event.preventDefault();
    pen.down = !pen.down;
    if (pen.down) {
      padContext.beginPath();
      padContext.moveTo(pen.x, pen.y);
      padContext.lineTo(pen.x + 0.1, pen.y + 0.1);
      strokePad();
    }
  } else if (event.key === "Enter") {
    event.preventDefault();
    pen.down = false;
    predictDrawing();
  }
});

function strokePad() {
  padContext.strokeStyle = "white";
  padContext.lineWidth = 20;
  padContext.lineCap = "round";
  padContext.lineJoin = "round";
  padContext.stroke();
}

/** The pad at 140×140, grey levels in [0, 1] (3 decimals keep the request small). */
function padPixels() {
  const side = 140;
  const small = document.createElement("canvas");
  small.width = small.height = side;
  const context = small.getContext("2d");
  context.drawImage(pad, 0, 0, side, side);
  const rgba = context.getImageData(0, 0, side, side).data;
  const pixels = new Array(side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(rgba[4 * i] / 0.255) / 1000;
  return { width: side, height: side, pixels };
}

/** The test image shown in Draw (null for a drawing), for links (links.js). */
let currentDigit = null;
/** The last answer of /api/predict (its pictures' captions are redrawn in a new language). */
let lastPrediction = null;

async function predictDrawing() {
  await showPrediction(padPixels());
}

async function showPrediction(request) {
  try {
    const result = await api("/api/predict", request);
    // A test digit replaces the drawing on the pad (strokes then add to it).
    if (request.test_index !== undefined) drawGrey(pad, result.input, 28);
    currentDigit = request.test_index ?? null;
    if (typeof rememberSettings === "function") rememberSettings();
    drawGrey($("input"), result.input, 28);
    $("saliency-scale").replaceChildren(colourBar(drawDiverging($("saliency"), result.input_gradient, 28, 28)));
    drawBars(result.probabilities, result.predicted);
    lastPrediction = result;
    drawHidden(result.hidden);
    say($("verdict"), () => (result.label === null ? String(result.predicted) : t("draw.verdict.test", {
      predicted: result.predicted, label: result.label, index: result.index,
      mark: result.label === result.predicted ? "✓" : "✗",
    })));
    $("verdict").dataset.predicted = result.predicted;
    // The Backward panel walks the same example (backward.js).
    backwardExample(request, result);
  } catch (error) {
    say($("verdict"), problem(error));
    delete $("verdict").dataset.predicted;
  }
}

function drawGrey(canvas, values, side) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(side, side);
  values.forEach((v, i) => {
    const level = Math.round(Math.max(0, Math.min(1, v)) * 255);
    image.data.set([level, level, level, 255], 4 * i);
  });
  paintScaled(canvas, image, side, side);
}

/** Values around 0: warm positive, cool negative, scaled by the largest magnitude (heat.js);
 * returns that scale. */
function drawDiverging(canvas, values, columns, rows) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(columns, rows);
  const scale = sharedScale(values);
  for (let i = 0; i < columns * rows; i++) {
    const colour = i < values.length ? divergingColour(values[i] / scale) : [240, 240, 240];
    image.data.set([...colour, 255], 4 * i);
  }
  paintScaled(canvas, image, columns, rows);
  return scale;
}

function drawBars(probabilities, predicted) {
  $("bars").replaceChildren(...probabilities.map((p, digit) => {
    const bar = document.createElement("div");
    bar.className = "bar" + (digit === predicted ? " best" : "");
    bar.innerHTML = `<span class="digit">${digit}</span><span class="track">` +
      `<span class="fill" style="display:block;width:${(100 * p).toFixed(1)}%"></span></span>` +
      `<span class="value">${fixed(p, 3)}</span>`;
    return bar;
  }));
}

function drawHidden(layers) {
  $("hidden").replaceChildren(...layers.map((units, l) => {
    const figure = document.createElement("div");
    const columns = Math.ceil(Math.sqrt(units.length * 2));
    const rows = Math.ceil(units.length / columns);
    const canvas = document.createElement("canvas");
    canvas.width = columns * 12;
    canvas.height = rows * 12;
    const scale = drawDiverging(canvas, units, columns, rows);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", t("draw.hidden.label", { l: l + 1, units: units.length }));
    const caption = document.createElement("h3");
    caption.textContent = t("draw.hidden.caption", { l: l + 1, units: units.length });
    figure.append(caption, canvas, colourBar(scale));
    return figure;
  }));
}

let mistakes = null;
let mistakeIndex = 0;
$("clear").addEventListener("click", clearDrawing);
$("random").addEventListener("click", () =>
  showPrediction({ test_index: Math.floor(Math.random() * 10000) }));
$("mistake").addEventListener("click", async () => {
  try {
    if (mistakes === null) mistakes = (await api("/api/mistakes")).indices;
    if (mistakes.length === 0) { say($("verdict"), ["draw.no_mistakes"]); return; }
    await showPrediction({ test_index: mistakes[mistakeIndex++ % mistakes.length] });
  } catch (error) {
    say($("verdict"), problem(error));
  }
});
onLanguage(() => {
  if (!lastPrediction) return;
  const result = lastPrediction;
  $("saliency-scale").replaceChildren(colourBar(drawDiverging($("saliency"), result.input_gradient, 28, 28)));
  drawBars(result.probabilities, result.predicted);
  drawHidden(result.hidden);
});

// ---------- Train ----------

let epochs = [];
/** The run the latest event was about (an answer that comes after its run's events must not
 * overwrite what they said). */
let latestEventRun = null;
let totalEpochs = "?";
let diverged = false;

function redrawCurves() {
  const pick = (key) => epochs.map((e) => [e.epoch, e[key]]);
  // Runs ticked in the runs table (runs.js) add their test curves, dashed.
  const compared = (key) => (typeof comparedSeries === "function" ? comparedSeries(key) : []);
  lineChart($("loss-chart"), [
    { name: t("chart.train"), colour: "#2457c5", points: pick("train_loss") },
    { name: t("chart.test"), colour: "#d0452f", points: pick("test_loss") },
    ...compared("test_loss"),
  ], { yTitle: t("chart.loss.axis") });
  lineChart($("accuracy-chart"), [
    { name: t("chart.train"), colour: "#2457c5", points: pick("train_accuracy") },
    { name: t("chart.test"), colour: "#d0452f", points: pick("test_accuracy") },
    ...compared("test_accuracy"),
  ], { yTitle: t("chart.accuracy.axis") });
  const withNorms = epochs.filter((e) => e.gradient_norms);
  const layers = withNorms.length ? withNorms[0].gradient_norms.length : 0;
  lineChart($("norm-chart"), Array.from({ length: layers }, (_, l) => ({
    name: t("chart.norms.series", { l: l + 1 }),
    points: withNorms.map((e) => [e.epoch, e.gradient_norms[l]]),
  })), { logY: true, yTitle: t("chart.norms.axis") });
}

window.addEventListener("resize", () => redrawCurves());
onLanguage(redrawCurves);

$("train-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await limitsReady;
    const settings = checkedSettings(event.target, "train");
    if (!settings) {
      setStatus($("train-status"), ["form.nothing_sent"], true);
      return;
    }
    const answer = await api("/api/train", settings);
    // Queued (class mode): the answer says its place (its event may have come first).
    if (answer.queued) onRunEvent({ type: "queued", ...answer });
    else if (latestEventRun !== answer.run) setStatus($("train-status"), ["train.starting"]);
  } catch (error) {
    setStatus($("train-status"), problem(error, event.target), true);
  }
});

$("stop").addEventListener("click", async () => {
  try { await api("/api/train/stop", {}); } catch (error) { setStatus($("train-status"), problem(error), true); }
});

function running(on) {
  $("start").disabled = on;
  $("stop").disabled = !on;
}

function onRunEvent(event) {
  if (event.run) latestEventRun = event.run;
  switch (event.type) {
    case "started":
      epochs = [];
      totalEpochs = event.epochs;
      // A resumed run shows its whole history: the epochs before it stopped come from the
      // runs list (runs.js), merged with the live ones by epoch.
      if (event.first_epoch > 1 && typeof earlierEpochs === "function") {
        earlierEpochs(event.run, event.first_epoch).then((earlier) => {
          epochs = [...earlier, ...epochs.filter((e) => e.epoch >= event.first_epoch)];
          redrawCurves();
        });
      }
      $("resume").hidden = true;
      showRuns();
      redrawCurves();
      running(true);
      clearLiveUnits();
      if (event.units) showLiveUnits();
      setStatus($("train-status"), () => t(event.first_epoch > 1 ? "train.started.from" : "train.started", {
        run: event.run, network: `${event.widths.join("-")} (${event.activation}, ${event.head})`,
        engine: t(event.engine === "learner" ? "engine.learner" : "engine.manual"),
        images: count(event.train_images), first: event.first_epoch,
      }));
      break;
    case "progress": {
      const share = event.total ? event.images / event.total : 0;
      $("progress-bar").style.width = `${(100 * share).toFixed(1)}%`;
      const total = totalEpochs;
      setStatus($("train-status"), () => t(event.pass === "train" ? "train.progress.train" : "train.progress.test", {
        epoch: event.epoch, epochs: total, images: count(event.images), all: count(event.total),
      }));
      break;
    }
    case "epoch": {
      epochs.push(event);
      redrawCurves();
      if (event.units) showLiveUnits();
      const total = totalEpochs;
      setStatus($("train-status"), () => t(event.warm_up_seconds == null ? "train.epoch" : "train.epoch.warm", {
        epoch: event.epoch, epochs: total, loss: fixed(event.train_loss, 4),
        accuracy: fixed(event.test_accuracy, 2), seconds: fixed(event.seconds, 2),
        warm: event.warm_up_seconds == null ? "" : fixed(event.warm_up_seconds, 1),
      }));
      break;
    }
    case "saved": {
      running(false);
      $("progress-bar").style.width = "100%";
      // The model in use changes only when its user says so: "Use" in the runs table, or the
      // "use each new run" box.
      const use = $("auto-use").checked && !event.in_use;
      const key = event.in_use ? "train.saved.first" : use ? "train.saved.used" : "train.saved";
      setStatus($("train-status"), () => t(key, {
        accuracy: fixed(event.test_accuracy, 2), run: event.run, dir: event.artifact_dir,
      }));
      if (use) {
        useRun(event.run);
      } else if (event.in_use) {
        // The page had no model: the server took this one.
        mistakes = null;
        showModel();
        backwardModelChanged();
        showRuns();
      } else {
        showRuns();
      }
      break;
    }
    case "stopped":
      running(false);
      setStatus($("train-status"), () => (event.end && event.end.cause === "idle"
        ? `${event.run}: ${endWords(event.end, event.run)}`
        : t(event.epoch > 0 ? "train.stopped" : "train.stopped.none", { run: event.run, epoch: event.epoch })));
      $("resume").hidden = !(event.epoch > 0);
      $("resume").dataset.run = event.run;
      showRuns();
      break;
    case "failed":
      running(false);
      if (event.end) setStatus($("train-status"), () => `${event.run}: ${endWords(event.end, event.run)}`, true);
      else if (!diverged) setStatus($("train-status"), { server: event.message }, true);
      diverged = false;
      showRuns();
      break;
    case "idle":
      setStatus($("train-status"), { server: event.message });
      break;
    case "queued":
      // Waiting for a training slot (class mode): Stop takes it out of the queue.
      running(true);
      setStatus($("train-status"), () => (event.wait_seconds == null
        ? t("train.queued", { run: event.run, position: event.position })
        : t("train.queued.wait", { run: event.run, position: event.position, seconds: Math.round(event.wait_seconds) })));
      break;
    case "cancelled":
      running(false);
      setStatus($("train-status"), ["train.cancelled", { run: event.run }]);
      showRuns();
      break;
    case "diverged":
      diverged = true;
      setStatus($("train-status"), ["train.diverged", { epoch: event.epoch, step: event.step }], true);
      break;
  }
}


// Started once every script of the page has run (the run's events call into runs.js and
// backward.js, which load after this one).
window.addEventListener("DOMContentLoaded", () => {
  say($("model-line"), ["model.loading"]);
  say($("verdict"), ["draw.verdict.none"]);
  setStatus($("train-status"), ["train.none"]);
  clearPad();
  showModel();
  redrawCurves();
  const stream = new EventSource("/api/train/events");
  stream.onmessage = (message) => onRunEvent(JSON.parse(message.data));
});
