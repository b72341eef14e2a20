// The Backward panel: the lab's forward and backward passes on the Draw panel's example, one
// equation at a time, with the numbers the server's own equations computed (POST
// /api/backward) and Burn's autodiff beside the gradients; "check yourself" questions graded
// here. The units below it are drawn by units.js.
// The page computes nothing of the network: it draws, and compares a typed answer with the
// server's number.
"use strict";

/** An answer is right when |answer − value| ≤ CHECK_RELATIVE·|value| + CHECK_ABSOLUTE. */
const CHECK_RELATIVE = 0.01;
const CHECK_ABSOLUTE = 1e-6;

const backward = {
  request: null,       // the example: {test_index} or a drawing {width, height, pixels}
  drawing: false,
  data: null,          // the last answer of /api/backward
  steps: [],
  at: 0,
  revealed: new Set(), // steps whose question was answered or given up
};

// ---------- The example and its label ----------

/** Called by app.js after each prediction: this example becomes the panel's. */
function backwardExample(request, result) {
  const wasDrawing = backward.drawing;
  backward.request = request;
  backward.drawing = result.label === null;
  const select = $("bw-label");
  if (!backward.drawing) {
    select.value = String(result.label);
  } else if (!wasDrawing) {
    select.value = ""; // a new drawing: its label is the student's to say
  }
  drawHeat($("bw-input"), result.input, heatLayout("square", result.input.length), { grey: true, cellPixels: 3 });
  runBackward();
}

/** Called by app.js when a run has saved a new model. */
function backwardModelChanged() {
  if (backward.request) runBackward();
  else drawSavedUnits();
}

function lrField() {
  const text = $("bw-lr").value.trim();
  if (text === "") return { ok: true, value: undefined };
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) return { ok: false, message: "η: a number above 0, e.g. 0.05" };
  return { ok: true, value };
}

async function runBackward() {
  const status = $("bw-status");
  if (!backward.request) {
    setStatus(status, "Draw a digit or pick a test digit in the Draw panel first.");
    return;
  }
  const label = $("bw-label").value;
  if (label === "") {
    setStatus(status, "Which digit did you draw? Pick its label to walk the backward pass.");
    $("bw-label").focus({ preventScroll: true });
    return;
  }
  const lr = lrField();
  $("bw-lr").setAttribute("aria-invalid", String(!lr.ok));
  if (!lr.ok) {
    setStatus(status, lr.message, true);
    return;
  }
  const body = { ...backward.request, label: Number(label) };
  if (lr.value !== undefined) body.lr = lr.value;
  setStatus(status, "Computing the passes…");
  try {
    const started = performance.now();
    const data = await api("/api/backward", body);
    const sameShape = backward.data && backward.data.layers.length === data.layers.length;
    backward.data = data;
    backward.steps = buildSteps(data);
    backward.revealed = new Set();
    if (!sameShape) backward.at = 0;
    backward.at = Math.min(backward.at, backward.steps.length - 1);
    $("bw-lr").placeholder = String(data.lr);
    const source = data.index === null ? "your drawing" : `test image ${data.index}`;
    setStatus(status, `${source}, label ${data.label}, predicted ${data.predicted}: ` +
      `${backward.steps.length} steps (${Math.round(performance.now() - started)} ms).`);
    showStep();
    drawUnits($("bw-units"), $("bw-units-caption"), data.layers[0].W,
      `W1 of the saved model: ${data.layers[0].units} units`);
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

$("bw-label").addEventListener("change", runBackward);
$("bw-lr").addEventListener("change", runBackward);

// ---------- The steps ----------

const DERIVATIVES = {
  tanh: (l) => `1 − A${l}²`,
  sigmoid: (l) => `A${l} ⊙ (1 − A${l})`,
  relu: (l) => `1[Z${l} > 0]`,
};

/** Index of the largest magnitude. */
function largest(values) {
  let best = 0;
  values.forEach((v, i) => { if (Math.abs(v) > Math.abs(values[best])) best = i; });
  return best;
}

/** Index of the entry nearest half the largest magnitude: a factor worth multiplying by hand. */
function middling(values) {
  const half = Math.abs(values[largest(values)]) / 2;
  let best = 0;
  values.forEach((v, i) => { if (Math.abs(Math.abs(v) - half) < Math.abs(Math.abs(values[best]) - half)) best = i; });
  return best;
}

const exact = (v) => String(Number(v.toPrecision(6)));

/** The steps of the pass: forward layer by layer, the loss, then backward to dW1, then SGD. */
function buildSteps(d) {
  const L = d.layers.length;
  const layer = (l) => d.layers[l - 1];
  const A = (l) => (l === 0 ? d.input : layer(l).a);
  const aName = (l) => (l === 0 ? "X" : `A${l}`);
  const shape = (n) => `[1, ${n}]`;
  const yhat = layer(L).a;
  const y = d.label;
  const square = (n) => Number.isInteger(Math.sqrt(n)) && n > 16;
  const vectorKind = (n) => (n <= 20 ? "table" : square(n) ? "square" : "vector");
  const steps = [];

  steps.push({
    title: "The input X",
    equation: `X = pixels / 255   ${shape(d.input.length)}   (m = 1: this one example, label ${y})`,
    views: [{ name: "X", values: d.input, kind: "square", grey: true }],
  });
  for (let l = 1; l < L; l++) {
    steps.push({
      title: `Forward: hidden layer ${l}`,
      equation: `Z${l} = ${aName(l - 1)}·W${l}ᵀ + b${l}ᵀ   ${shape(layer(l).units)}\nA${l} = ${d.activation}(Z${l})`,
      views: [
        { name: `Z${l}`, values: layer(l).z, kind: vectorKind(layer(l).units) },
        { name: `A${l}`, values: layer(l).a, kind: vectorKind(layer(l).units) },
      ],
    });
  }
  const head = d.head === "softmax-ce"
    ? `Ŷ = softmax(Z${L}):  Ŷ_k = exp(Z${L}_k) / Σ_j exp(Z${L}_j)`
    : `Ŷ = σ(Z${L}) = 1 / (1 + exp(−Z${L})), one sigmoid per class`;
  steps.push({
    title: "Forward: output layer",
    equation: `Z${L} = ${aName(L - 1)}·W${L}ᵀ + b${L}ᵀ   ${shape(layer(L).units)}\n${head}`,
    views: [
      { name: `Z${L}`, values: layer(L).z, kind: "table" },
      { name: "Ŷ", values: yhat, kind: "table", highlight: y },
    ],
  });

  const lossQuiz = d.head === "softmax-ce"
    ? {
      prompt: `Work out J. Y is one-hot (Y[${y}] = 1), so only class ${y} counts; Ŷ[${y}] = ${exact(yhat[y])}, ε = 1e-8.`,
      worked: `J = −log(Ŷ[${y}] + ε) = −log(${exact(yhat[y])} + 1e-8) = ${exact(d.loss)}`,
    }
    : {
      prompt: `Work out J from Ŷ = [${yhat.map(exact).join(", ")}], Y[${y}] = 1, the others 0, ε = 1e-8.`,
      worked: `J = −log(Ŷ[${y}] + ε) − Σ_{k≠${y}} log(1 − Ŷ[k] + ε) = −log(${exact(yhat[y])}) − (` +
        yhat.map((p, k) => (k === y ? null : `log(1 − ${exact(p)})`)).filter(Boolean).join(" + ") + `) = ${exact(d.loss)}`,
    };
  steps.push({
    title: "The loss J",
    equation: d.head === "softmax-ce"
      ? "J = −Σ_k Y_k·log(Ŷ_k + ε)   (the lab's cross-entropy, m = 1, ε = 1e-8)"
      : "J = −Σ_k [Y_k·log(Ŷ_k + ε) + (1 − Y_k)·log(1 − Ŷ_k + ε)]   (binary cross-entropy, m = 1)",
    result: `J = ${exact(d.loss)}`,
    views: [
      { name: "Y", values: d.target, kind: "table", highlight: y },
      { name: "Ŷ", values: yhat, kind: "table", highlight: y },
    ],
    quiz: { ...lossQuiz, value: d.loss, what: "J" },
  });

  const deltaL = layer(L).delta;
  steps.push({
    title: `Backward: the output error δ${L}`,
    equation: `δ${L} = ∂J/∂Z${L} = Ŷ − Y   ${shape(layer(L).units)}\n` + (d.head === "softmax-ce"
      ? "softmax + cross-entropy: the softmax's Jacobian and the log's 1/Ŷ cancel to Ŷ − Y"
      : "sigmoid + binary cross-entropy: σ′ = Ŷ(1 − Ŷ) cancels the loss's 1/(Ŷ(1 − Ŷ)), leaving Ŷ − Y"),
    note: `The true class (${y}) is negative: raising Z${L}[${y}] lowers J. Every other class is positive.`,
    views: [{ name: `δ${L}`, values: deltaL, kind: "table", highlight: y, signs: true }],
    quiz: {
      what: `δ${L}[${y}]`, value: deltaL[y],
      prompt: `Work out δ${L}[${y}], the true class's error, from Ŷ[${y}] = ${exact(yhat[y])} and Y[${y}] = 1.`,
      worked: `δ${L}[${y}] = Ŷ[${y}] − Y[${y}] = ${exact(yhat[y])} − 1 = ${exact(deltaL[y])}`,
    },
  });

  for (let l = L; l >= 1; l--) {
    const g = layer(l);
    if (l < L) {
      const j = middling(g.a);
      const a = g.a[j];
      const z = g.z[j];
      const derivative = g.derivative[j];
      const worked = {
        tanh: `f′(Z${l}[${j}]) = 1 − A${l}[${j}]² = 1 − (${exact(a)})² = ${exact(derivative)}`,
        sigmoid: `f′(Z${l}[${j}]) = A${l}[${j}]·(1 − A${l}[${j}]) = ${exact(a)} · (1 − ${exact(a)}) = ${exact(derivative)}`,
        relu: `f′(Z${l}[${j}]) = 1[Z${l}[${j}] > 0] with Z${l}[${j}] = ${exact(z)}, so ${exact(derivative)}`,
      }[d.activation];
      const given = d.activation === "relu" ? `Z${l}[${j}] = ${exact(z)}` : `A${l}[${j}] = ${exact(a)}`;
      steps.push({
        title: `Backward: the slope f′(Z${l}) of hidden layer ${l}`,
        equation: `f′(Z${l}) = ${DERIVATIVES[d.activation](l)}   ${shape(g.units)}   (${d.activation})`,
        views: [{ name: `f′(Z${l})`, values: g.derivative, kind: vectorKind(g.units) }],
        quiz: {
          what: `f′(Z${l}[${j}])`, value: derivative,
          prompt: `Work out f′(Z${l}[${j}]) for unit ${j} (${d.activation}) from ${given}.`,
          worked,
        },
      });
      steps.push({
        title: `Backward: the error δ${l} of hidden layer ${l}`,
        equation: `δ${l} = (δ${l + 1}·W${l + 1}) ⊙ f′(Z${l})   ${shape(g.units)}\n` +
          `each unit's error: the errors of the layer above, weighted by its outgoing weights, times its slope`,
        views: [{ name: `δ${l}`, values: g.delta, kind: vectorKind(g.units) }],
      });
    }
    const j = l === L ? y : largest(g.delta);
    const i = middling(A(l - 1));
    const tiles = l === 1 && square(g.inputs);
    const dw = g.dW[j][i];
    steps.push({
      title: `Backward: the gradients of layer ${l}`,
      equation: `dW${l} = δ${l}ᵀ·${aName(l - 1)}   [${g.units}, ${g.inputs}]      db${l} = δ${l}   [${g.units}]   (m = 1)` +
        (tiles ? `\nrow j of dW1 is δ1[j]·X: each unit's gradient is the digit itself, scaled by its error` : ""),
      views: [
        { name: `dW${l}`, matrix: g.dW, kind: tiles ? "tiles" : "matrix", pair: "manual" },
        { name: `dW${l} (autodiff)`, matrix: g.autodiff.dW, kind: tiles ? "tiles" : "matrix", pair: "autodiff" },
        { name: `db${l}`, values: g.db, kind: vectorKind(g.units) },
      ],
      autodiff: g,
      quiz: {
        what: `dW${l}[${j}, ${i}]`, value: dw,
        prompt: `Work out dW${l}[${j}, ${i}] from δ${l}[${j}] = ${exact(g.delta[j])} and ${aName(l - 1)}[${i}] = ${exact(A(l - 1)[i])}.`,
        worked: `dW${l}[${j}, ${i}] = δ${l}[${j}] · ${aName(l - 1)}[${i}] = (${exact(g.delta[j])}) · (${exact(A(l - 1)[i])}) = ${exact(dw)}`,
      },
    });
  }

  const change = d.loss_after_step - d.loss;
  steps.push({
    title: "The SGD step",
    equation: `W_l ← W_l − η·dW_l,   b_l ← b_l − η·db_l   for every layer   (η = ${d.lr})`,
    result: `J on this example: ${exact(d.loss)} before the step, ${exact(d.loss_after_step)} after it ` +
      `(${change < 0 ? "down" : "up"} by ${exact(Math.abs(change))}).`,
    note: change < 0 ? "One step against the gradient lowered this example's loss."
      : "The loss went up: η is too large for this example (try a smaller η above).",
    views: square(layer(1).inputs)
      ? [{ name: "W1 before the step (one tile per unit)", matrix: layer(1).W, kind: "tiles" }] : [],
  });
  return steps;
}

// ---------- Drawing a step ----------

function showStep() {
  const step = backward.steps[backward.at];
  if (!step) return;
  const count = backward.steps.length;
  $("bw-count").textContent = `step ${backward.at + 1} of ${count}`;
  $("bw-prev").disabled = backward.at === 0;
  $("bw-next").disabled = backward.at === count - 1;
  $("bw-list").replaceChildren(...backward.steps.map((s, k) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = s.title;
    if (k === backward.at) button.setAttribute("aria-current", "step");
    button.addEventListener("click", () => go(k));
    item.append(button);
    return item;
  }));
  $("bw-title").textContent = step.title;
  $("bw-equation").textContent = step.equation;
  $("stepper").dataset.step = String(backward.at);
  $("stepper").dataset.title = step.title;
  const concealed = step.quiz && !backward.revealed.has(backward.at);
  showQuiz(step, concealed);
  const result = $("bw-result");
  result.textContent = concealed ? "" : [step.result, step.note].filter(Boolean).join(" ");
  const views = $("bw-views");
  views.classList.toggle("concealed", Boolean(concealed));
  views.replaceChildren(...(concealed ? [] : renderViews(step)));
  $("bw-readout").textContent = concealed ? "" : "Point at a value to read it exactly.";
}

function go(k) {
  backward.at = Math.max(0, Math.min(backward.steps.length - 1, k));
  showStep();
}

/** The step's pictures, all on one colour scale (grey pictures apart). */
function renderViews(step) {
  const flat = (view) => view.values || view.matrix.flat();
  const coloured = step.views.filter((v) => !v.grey).map(flat);
  const scale = sharedScale(...coloured);
  const cards = step.views.map((view) => renderView(view, flat(view), scale, step));
  if (coloured.length) {
    const legend = document.createElement("div");
    legend.className = "card legend";
    legend.append(colourBar(scale));
    const words = document.createElement("p");
    words.className = "hint";
    words.textContent = "One colour scale for every picture of this step.";
    legend.append(words);
    cards.push(legend);
  }
  if (step.autodiff) {
    const g = step.autodiff;
    const line = document.createElement("p");
    line.className = `autodiff ${g.within_tolerance ? "ok" : "fail"}`;
    line.dataset.maxAbsDiff = String(g.autodiff_max_abs_diff);
    line.textContent = `Burn's autodiff on the same example: max |manual − autodiff| = ` +
      `${g.autodiff_max_abs_diff.toExponential(2)} over dW and db — ` +
      (g.within_tolerance ? "equal within the f32 tolerance ✓" : "NOT within the f32 tolerance ✗") +
      ` (${backward.data.tolerance}).`;
    cards.push(line);
  }
  return cards;
}

function renderView(view, values, scale, step) {
  const card = document.createElement("div");
  card.className = "card view";
  const title = document.createElement("h3");
  const rows = view.matrix ? view.matrix.length : 1;
  const columns = view.matrix ? view.matrix[0].length : values.length;
  title.textContent = `${view.name}   [${rows}, ${columns}]`;
  card.append(title);
  if (view.kind === "table") {
    card.append(valueTable(view, values, scale));
    return card;
  }
  const layout = heatLayout(view.kind, values.length, rows, columns);
  const canvas = document.createElement("canvas");
  canvas.className = "heat";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${view.name}: ${values.length} values as a heat map`);
  const big = view.kind === "tiles" || view.kind === "matrix";
  const cellPixels = { tiles: 2, matrix: 4, square: 6 }[view.kind] || 10;
  drawHeat(canvas, values, layout, { scale, grey: view.grey, cellPixels, maxWidth: big ? 640 : 360 });
  const partner = view.pair && step.views.find((v) => v.pair && v !== view);
  canvas.addEventListener("pointermove", (event) => {
    const i = heatIndexAt(canvas, layout, event);
    if (i < 0 || i >= values.length) return;
    let text = `${view.name}${layout.name(i)} = ${values[i]}`;
    if (partner) {
      const other = partner.matrix.flat()[i];
      text += `   ·   ${partner.name}: ${other}   ·   |difference| = ${Math.abs(values[i] - other).toExponential(2)}`;
    }
    $("bw-readout").textContent = text;
  });
  card.append(canvas);
  return card;
}

/** Up to 20 values as a table: index, value, a swatch of its colour. */
function valueTable(view, values, scale) {
  const table = document.createElement("table");
  table.className = "values";
  table.dataset.name = view.name;
  values.forEach((v, k) => {
    const row = table.insertRow();
    row.dataset.index = String(k);
    row.dataset.value = String(v);
    if (view.signs) row.dataset.sign = v < 0 ? "negative" : v > 0 ? "positive" : "zero";
    if (view.highlight === k) row.classList.add("truth");
    row.insertCell().textContent = String(k);
    const cell = row.insertCell();
    cell.textContent = formatNumber(v);
    cell.title = String(v);
    const [r, g, b] = view.grey ? [255, 255, 255] : divergingColour(v / scale);
    cell.style.background = `rgb(${r},${g},${b})`;
  });
  return table;
}

// ---------- Check yourself ----------

function showQuiz(step, concealed) {
  const box = $("bw-quiz");
  box.hidden = !step.quiz;
  if (!step.quiz) return;
  $("bw-quiz-prompt").textContent = step.quiz.prompt;
  $("bw-answer").value = "";
  $("bw-answer").setAttribute("aria-label", `your value of ${step.quiz.what}`);
  $("bw-grade").textContent = concealed ? "" : `${step.quiz.what} = ${exact(step.quiz.value)}`;
  $("bw-grade").className = "grade";
  $("bw-reveal").hidden = !concealed;
}

function grade() {
  const step = backward.steps[backward.at];
  if (!step || !step.quiz) return;
  const text = $("bw-answer").value.trim().replace(",", ".");
  const answer = Number(text);
  const verdict = $("bw-grade");
  if (text === "" || !Number.isFinite(answer)) {
    verdict.textContent = "Type a number, e.g. -0.0123 or 1.5e-4.";
    verdict.className = "grade invalid";
    return;
  }
  const { value, worked } = step.quiz;
  const right = Math.abs(answer - value) <= CHECK_RELATIVE * Math.abs(value) + CHECK_ABSOLUTE;
  reveal();
  verdict.className = `grade ${right ? "right" : "wrong"}`;
  verdict.textContent = right
    ? `Right: ${step.quiz.what} = ${exact(value)} (yours: ${answer}; within 1 % or ±1e-6). ${worked}`
    : `Not quite: you gave ${answer}. ${worked}`;
}

/** Shows the step's numbers (after an answer, or when the student gives up). */
function reveal() {
  if (backward.revealed.has(backward.at)) return;
  backward.revealed.add(backward.at);
  const answer = $("bw-answer").value;
  showStep();
  $("bw-answer").value = answer;
}

$("bw-check").addEventListener("click", grade);
$("bw-answer").addEventListener("keydown", (event) => {
  if (event.key === "Enter") { event.preventDefault(); grade(); }
});
$("bw-reveal").addEventListener("click", () => {
  reveal();
  const step = backward.steps[backward.at];
  $("bw-grade").textContent = step.quiz.worked;
  // The button is gone: the arrow keys go on walking from the stepper.
  $("stepper").focus({ preventScroll: true });
});

// ---------- Walking ----------

$("bw-prev").addEventListener("click", () => go(backward.at - 1));
$("bw-next").addEventListener("click", () => go(backward.at + 1));
$("stepper").addEventListener("keydown", (event) => {
  if (event.target.matches("input, select, textarea")) return;
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (event.key in moves) {
    event.preventDefault();
    go(backward.at + moves[event.key]);
  } else if (event.key === "Home" || event.key === "End") {
    event.preventDefault();
    go(event.key === "Home" ? 0 : backward.steps.length - 1);
  }
});
