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

function setStatus(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle("error", isError);
}

// ---------- The model line ----------

async function showModel() {
  try {
    const model = await api("/api/model");
    if (!model.trained) {
      $("model-line").textContent = "No trained model yet: train one below, then draw.";
      return;
    }
    showConfusion();
    const last = model.epochs[model.epochs.length - 1];
    const accuracy = last ? `, ${last.test_accuracy.toFixed(2)} % on the test set` : "";
    const which = model.run === "artifacts" ? "the command line's model" : model.run;
    $("model-line").textContent =
      `Model in use: ${which}, ${model.widths.join("-")} (${model.activation}, ${model.head})${accuracy}.`;
  } catch (error) {
    $("model-line").textContent = error.message;
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
    drawHidden(result.hidden);
    const truth = result.label === null ? "" : ` — true: ${result.label}` +
      (result.label === result.predicted ? " ✓" : " ✗") + ` (test image ${result.index})`;
    $("verdict").textContent = `${result.predicted}${truth}`;
    $("verdict").dataset.predicted = result.predicted;
    // The Backward panel walks the same example (backward.js).
    backwardExample(request, result);
  } catch (error) {
    $("verdict").textContent = error.message;
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
      `<span class="value">${p.toFixed(3)}</span>`;
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
    canvas.setAttribute("aria-label", `activations of hidden layer ${l + 1}, ${units.length} units`);
    const caption = document.createElement("h3");
    caption.textContent = `layer ${l + 1}: ${units.length} units (A${l + 1})`;
    figure.append(caption, canvas, colourBar(scale));
    return figure;
  }));
}

let mistakes = null;
let mistakeIndex = 0;
$("clear").addEventListener("click", clearPad);
$("random").addEventListener("click", () =>
  showPrediction({ test_index: Math.floor(Math.random() * 10000) }));
$("mistake").addEventListener("click", async () => {
  try {
    if (mistakes === null) mistakes = (await api("/api/mistakes")).indices;
    if (mistakes.length === 0) { $("verdict").textContent = "no test digit is misread"; return; }
    await showPrediction({ test_index: mistakes[mistakeIndex++ % mistakes.length] });
  } catch (error) {
    $("verdict").textContent = error.message;
  }
});

// ---------- Train ----------

let epochs = [];
let totalEpochs = "?";
let diverged = false;

function redrawCurves() {
  const pick = (key) => epochs.map((e) => [e.epoch, e[key]]);
  // Runs ticked in the runs table (runs.js) add their test curves, dashed.
  const compared = (key) => (typeof comparedSeries === "function" ? comparedSeries(key) : []);
  lineChart($("loss-chart"), [
    { name: "train", colour: "#2457c5", points: pick("train_loss") },
    { name: "test", colour: "#d0452f", points: pick("test_loss") },
    ...compared("test_loss"),
  ], { yTitle: "loss J" });
  lineChart($("accuracy-chart"), [
    { name: "train", colour: "#2457c5", points: pick("train_accuracy") },
    { name: "test", colour: "#d0452f", points: pick("test_accuracy") },
    ...compared("test_accuracy"),
  ], { yTitle: "accuracy (%)" });
  const withNorms = epochs.filter((e) => e.gradient_norms);
  const layers = withNorms.length ? withNorms[0].gradient_norms.length : 0;
  lineChart($("norm-chart"), Array.from({ length: layers }, (_, l) => ({
    name: `‖dW${l + 1}‖`,
    points: withNorms.map((e) => [e.epoch, e.gradient_norms[l]]),
  })), { logY: true, yTitle: "‖dW_l‖ (log)" });
}

window.addEventListener("resize", () => redrawCurves());

$("train-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await limitsReady;
    const settings = checkedSettings(event.target, "train");
    if (!settings) {
      setStatus($("train-status"), "Nothing sent: fix the field marked above.", true);
      return;
    }
    await api("/api/train", settings);
    setStatus($("train-status"), "Starting…");
  } catch (error) {
    setStatus($("train-status"), pageWords(error.message, event.target), true);
  }
});

$("stop").addEventListener("click", async () => {
  try { await api("/api/train/stop", {}); } catch (error) { setStatus($("train-status"), error.message, true); }
});

function running(on) {
  $("start").disabled = on;
  $("stop").disabled = !on;
}

function onRunEvent(event) {
  switch (event.type) {
    case "started":
      epochs = [];
      totalEpochs = event.epochs;
      $("resume").hidden = true;
      showRuns();
      redrawCurves();
      running(true);
      clearLiveUnits();
      if (event.units) showLiveUnits();
      setStatus($("train-status"), `${event.run}: training ${event.widths.join("-")} (${event.activation}, ${event.head}) ` +
        `with the ${event.engine} engine on ${event.train_images} images` +
        (event.first_epoch > 1 ? `, from epoch ${event.first_epoch}…` : "…"));
      break;
    case "progress": {
      const share = event.total ? event.images / event.total : 0;
      $("progress-bar").style.width = `${(100 * share).toFixed(1)}%`;
      setStatus($("train-status"), `Epoch ${event.epoch}/${totalEpochs}: ${event.pass === "train" ? "training" : "testing"} ` +
        `${event.images.toLocaleString("en")}/${event.total.toLocaleString("en")} images`);
      break;
    }
    case "epoch":
      epochs.push(event);
      redrawCurves();
      if (event.units) showLiveUnits();
      setStatus($("train-status"), `Epoch ${event.epoch}/${totalEpochs}: loss ${event.train_loss.toFixed(4)}, ` +
        `test accuracy ${event.test_accuracy.toFixed(2)} % (${event.seconds.toFixed(2)} s` +
        (event.warm_up_seconds == null ? ")"
          : `, of which ${event.warm_up_seconds.toFixed(1)} s warm-up: kernels compiled on first use)`));
      break;
    case "saved":
      running(false);
      $("progress-bar").style.width = "100%";
      setStatus($("train-status"), `Done: ${event.test_accuracy.toFixed(2)} % on the test set; ` +
        `${event.run} saved to ${event.artifact_dir}. Draw and Backward use it now (the runs below keep the others).`);
      mistakes = null;
      showModel();
      backwardModelChanged();
      showRuns();
      break;
    case "stopped":
      running(false);
      setStatus($("train-status"), event.message);
      $("resume").hidden = !(event.epoch > 0);
      $("resume").dataset.run = event.run;
      showRuns();
      break;
    case "failed":
      running(false);
      if (!diverged) setStatus($("train-status"), event.message, true);
      diverged = false;
      showRuns();
      break;
    case "idle":
      setStatus($("train-status"), event.message);
      break;
    case "diverged":
      diverged = true;
      setStatus($("train-status"), `The run diverged at epoch ${event.epoch}, step ${event.step}: the loss or a ` +
        "gradient became infinite or NaN, so nothing was saved and the model in use is unchanged. " +
        "Try a smaller η, the xavier or he initialisation (or a smaller σ), or gradient clipping.", true);
      break;
  }
}


// ---------- Check ----------

$("check-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  await limitsReady.catch(() => {});
  const settings = checkedSettings(event.target, "check");
  if (!settings) {
    setStatus($("check-status"), "Nothing sent: fix the field marked above.", true);
    return;
  }
  setStatus($("check-status"), "Checking…");
  $("run-check").disabled = true;
  try {
    const report = await api("/api/gradcheck", settings);
    const rows = [`<tr><th>param</th><th>shape</th><th>max |manual − autodiff|</th><th>max rel</th>` +
      `<th>finite differences</th><th>status</th></tr>`];
    for (const table of report.tables) {
      rows.push(`<tr><td class="model" colspan="6">${table.model}</td></tr>`);
      for (const row of table.rows) {
        const fd = row.fd_error === null ? "—" : `${row.fd_error.toExponential(2)} (${row.fd_entries})`;
        rows.push(`<tr><td>${row.name}</td><td>[${row.shape.join(", ")}]</td>` +
          `<td>${row.max_abs.toExponential(3)}</td><td>${row.max_rel.toExponential(3)}</td><td>${fd}</td>` +
          `<td class="${row.ok ? "ok" : "fail"}">${row.ok ? "OK" : "FAIL"}</td></tr>`);
      }
    }
    $("check-table").innerHTML = rows.join("");
    const csv = ["model,param,shape,max_abs_manual_minus_autodiff,max_rel,fd_error,fd_entries,ok"];
    for (const table of report.tables) {
      for (const row of table.rows) {
        csv.push([`"${table.model}"`, row.name, `"${row.shape.join("x")}"`, row.max_abs, row.max_rel,
          row.fd_error ?? "", row.fd_entries ?? "", row.ok].join(","));
      }
    }
    const link = $("check-csv");
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([csv.join("\n") + "\n"], { type: "text/csv" }));
    link.hidden = false;
    setStatus($("check-status"), report.failures === 0
      ? `All ${report.rows} rows OK (${report.precision}, first ${report.images} training images). ${report.tolerances}`
      : `${report.failures} of ${report.rows} rows FAIL. ${report.tolerances}`, report.failures > 0);
  } catch (error) {
    setStatus($("check-status"), pageWords(error.message, event.target), true);
  } finally {
    $("run-check").disabled = false;
  }
});

// ---------- Study ----------

$("study-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  await limitsReady.catch(() => {});
  const settings = checkedSettings(event.target, "study");
  if (!settings) {
    setStatus($("study-status"), "Nothing sent: fix the field marked above.", true);
    return;
  }
  setStatus($("study-status"), "Running the study: starting…");
  $("run-study").disabled = true;
  // Its progress, with the time left at the pace so far, once a second.
  const poll = setInterval(async () => {
    try {
      const p = await api("/api/report/progress");
      if (!p.running || p.total === 0) return;
      const left = p.remaining_seconds === null ? "" : `, about ${Math.ceil(p.remaining_seconds)} s left`;
      setStatus($("study-status"), `Running the study: ${p.done}/${p.total} networks done ` +
        `(${Math.round(p.elapsed_seconds)} s${left})…`);
    } catch { /* the next poll tries again */ }
  }, 1000);
  try {
    const report = await api("/api/study", settings);
    $("study-tables").textContent = report.tables;
    $("study-figure").src = `${report.figure}?t=${Date.now()}`;
    $("study-figure").hidden = false;
    $("study-downloads").hidden = false;
    setStatus($("study-status"), "Done.");
  } catch (error) {
    setStatus($("study-status"), pageWords(error.message, event.target), true);
  } finally {
    clearInterval(poll);
    $("run-study").disabled = false;
  }
});

// Started once every script of the page has run (the run's events call into runs.js and
// backward.js, which load after this one).
window.addEventListener("DOMContentLoaded", () => {
  clearPad();
  showModel();
  redrawCurves();
  const stream = new EventSource("/api/train/events");
  stream.onmessage = (message) => onRunEvent(JSON.parse(message.data));
});
