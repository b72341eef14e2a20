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
  record: {},          // this walk's tries per step (see recordOf)
  walkId: 0,
  exampleName: "",
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
  const text = pointed($("bw-lr").value);
  if (text === "") return { ok: true, value: undefined };
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) return { ok: false, message: ["bw.lr.invalid", { example: decimals("0.05") }] };
  return { ok: true, value };
}

async function runBackward() {
  const status = $("bw-status");
  if (!backward.request) {
    setStatus(status, ["bw.status.none"]);
    return;
  }
  const label = $("bw-label").value;
  if (label === "") {
    setStatus(status, ["bw.status.label"]);
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
  setStatus(status, ["bw.status.computing"]);
  try {
    const started = performance.now();
    const data = await api("/api/backward", body);
    const sameShape = backward.data && backward.data.layers.length === data.layers.length;
    backward.data = data;
    backward.steps = buildSteps(data);
    backward.revealed = new Set();
    // A new walk: its own record of tries.
    backward.record = {};
    backward.walkId = Date.now();
    backward.exampleName = data.index === null ? "drawing" : `test ${data.index}`;
    if (!sameShape) backward.at = 0;
    backward.at = Math.min(backward.at, backward.steps.length - 1);
    $("bw-lr").placeholder = decimals(String(data.lr));
    const ms = Math.round(performance.now() - started);
    setStatus(status, () => t("bw.status.done", {
      source: data.index === null ? t("bw.source.drawing") : t("bw.source.test", { index: data.index }),
      label: data.label, predicted: data.predicted, steps: backward.steps.length, ms,
    }));
    showStep();
    drawSavedModelUnits(data.layers[0].W);
  } catch (error) {
    setStatus(status, problem(error), true);
  }
}

$("bw-label").addEventListener("change", runBackward);
onLanguage(() => {
  if (!backward.data) return;
  backward.steps = buildSteps(backward.data);
  showStep();
});
$("bw-lr").addEventListener("change", runBackward);

// ---------- The steps ----------

/** Tensor names in the page's notation (the code's `Z1`, or the TP's `Z^[1]` in French). */
const N = {
  Z: (l) => t("n.Z", { l }),
  A: (l) => (l === 0 ? "X" : t("n.A", { l })),
  W: (l) => t("n.W", { l }),
  b: (l) => t("n.b", { l }),
  dW: (l) => t("n.dW", { l }),
  db: (l) => t("n.db", { l }),
  delta: (l) => t("n.delta", { l }),
  output: (l) => t("n.output", { l }),
  vector: (n) => t("n.vector", { n }),
};

/** Each activation's derivative, and its worked example, as catalogue keys. */
const SLOPES = {
  tanh: { formula: "bw.derivative.tanh", worked: "bw.worked.slope.tanh" },
  sigmoid: { formula: "bw.derivative.sigmoid", worked: "bw.worked.slope.sigmoid" },
  relu: { formula: "bw.derivative.relu", worked: "bw.worked.slope.relu" },
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

/** A value to 6 significant digits, in the page's language. */
const exact = (v) => decimals(String(Number(v.toPrecision(6))));

/** The steps of the pass: forward layer by layer, the loss, then backward to dW1, then SGD. */
function buildSteps(d) {
  const L = d.layers.length;
  const layer = (l) => d.layers[l - 1];
  const A = (l) => (l === 0 ? d.input : layer(l).a);
  const yhat = layer(L).a;
  const Y = N.output(L);
  const y = d.label;
  const square = (n) => Number.isInteger(Math.sqrt(n)) && n > 16;
  const vectorKind = (n) => (n <= 20 ? "table" : square(n) ? "square" : "vector");
  const names = (l) => ({ l, Z: N.Z(l), A: N.A(l), W: N.W(l), b: N.b(l), prev: N.A(l - 1), shape: N.vector(layer(l).units) });
  const steps = [];

  steps.push({
    title: t("bw.step.input"),
    tex: stepTex("input", { l: 1, L, activation: d.activation, head: d.head }),
    equation: t("bw.eq.input", { shape: N.vector(d.input.length), label: y }),
    views: [{ name: "X", values: d.input, kind: "square", grey: true }],
  });
  for (let l = 1; l < L; l++) {
    steps.push({
      title: t("bw.step.hidden", { l }),
      tex: stepTex("hidden", { l, L, activation: d.activation, head: d.head }),
      equation: t("bw.eq.hidden", { ...names(l), f: d.activation }),
      views: [
        { name: N.Z(l), values: layer(l).z, kind: vectorKind(layer(l).units) },
        { name: N.A(l), values: layer(l).a, kind: vectorKind(layer(l).units) },
      ],
    });
  }
  const head = t(d.head === "softmax-ce" ? "bw.eq.softmax" : "bw.eq.sigmoid", { Y, Z: N.Z(L) });
  steps.push({
    title: t("bw.step.output"),
    tex: stepTex("output", { l: L, L, activation: d.activation, head: d.head }),
    equation: t("bw.eq.output", { ...names(L), head }),
    views: [
      { name: N.Z(L), values: layer(L).z, kind: "table" },
      { name: Y, values: yhat, kind: "table", highlight: y },
    ],
  });

  const p = exact(yhat[y]);
  const lossQuiz = d.head === "softmax-ce"
    ? {
      prompt: t("bw.quiz.loss.ce", { Y, y, p }),
      hint: t("bw.hint.loss.ce", { Y, y }),
      worked: t("bw.worked.loss.ce", { Y, y, p, J: exact(d.loss) }),
    }
    : {
      prompt: t("bw.quiz.loss.bce", { Y, y, all: list(yhat.map(exact)) }),
      hint: t("bw.hint.loss.bce", { Y, y }),
      worked: t("bw.worked.loss.bce", {
        Y, y, p, J: exact(d.loss),
        terms: yhat.map((q, k) => (k === y ? null : `log(1 − ${exact(q)})`)).filter(Boolean).join(" + "),
      }),
    };
  steps.push({
    title: t("bw.step.loss"),
    tex: stepTex("loss", { l: L, L, activation: d.activation, head: d.head }),
    equation: t(d.head === "softmax-ce" ? "bw.eq.loss.ce" : "bw.eq.loss.bce", { Y }),
    result: `J = ${exact(d.loss)}`,
    views: [
      { name: "Y", values: d.target, kind: "table", highlight: y },
      { name: Y, values: yhat, kind: "table", highlight: y },
    ],
    quiz: { ...lossQuiz, value: d.loss, what: "J" },
  });

  const deltaL = layer(L).delta;
  const dL = N.delta(L);
  steps.push({
    title: t("bw.step.delta_out", { d: dL }),
    tex: stepTex("delta_out", { l: L, L, activation: d.activation, head: d.head }),
    equation: t("bw.eq.delta_out", { d: dL, Z: N.Z(L), Y, shape: N.vector(layer(L).units),
      why: t(d.head === "softmax-ce" ? "bw.why.softmax" : "bw.why.sigmoid", { Y }) }),
    note: t("bw.note.delta_out", { y, Z: N.Z(L) }),
    views: [{ name: dL, values: deltaL, kind: "table", highlight: y, signs: true }],
    quiz: {
      what: `${dL}[${y}]`, value: deltaL[y],
      prompt: t("bw.quiz.delta_out", { d: dL, Y, y, p }),
      hint: t("bw.hint.delta_out", { d: dL, Y, y }),
      worked: t("bw.worked.delta_out", { d: dL, Y, y, p, value: exact(deltaL[y]) }),
    },
  });

  for (let l = L; l >= 1; l--) {
    const g = layer(l);
    const n = names(l);
    if (l < L) {
      const j = middling(g.a);
      const values = { ...n, j, a: exact(g.a[j]), z: exact(g.z[j]), value: exact(g.derivative[j]), f: d.activation };
      const given = d.activation === "relu" ? `${n.Z}[${j}] = ${values.z}` : `${n.A}[${j}] = ${values.a}`;
      steps.push({
        title: t("bw.step.slope", n),
        tex: stepTex("slope", { l, L, activation: d.activation, head: d.head }),
        equation: t("bw.eq.slope", { ...values, formula: t(SLOPES[d.activation].formula, n) }),
        views: [{ name: `f′(${n.Z})`, values: g.derivative, kind: vectorKind(g.units) }],
        quiz: {
          what: `f′(${n.Z}[${j}])`, value: g.derivative[j],
          prompt: t("bw.quiz.slope", { ...values, given }),
          hint: t("bw.hint.slope", { formula: t(SLOPES[d.activation].formula, n), j }),
          worked: t(SLOPES[d.activation].worked, values),
        },
      });
      steps.push({
        title: t("bw.step.delta_hidden", { l, d: N.delta(l) }),
        tex: stepTex("delta_hidden", { l, L, activation: d.activation, head: d.head }),
        equation: t("bw.eq.delta_hidden", { ...n, d: N.delta(l), dnext: N.delta(l + 1), Wnext: N.W(l + 1) }),
        views: [{ name: N.delta(l), values: g.delta, kind: vectorKind(g.units) }],
      });
    }
    const j = l === L ? y : largest(g.delta);
    const i = middling(A(l - 1));
    const tiles = l === 1 && square(g.inputs);
    const dw = g.dW[j][i];
    const words = { ...n, dW: N.dW(l), db: N.db(l), d: N.delta(l), units: g.units, inputs: g.inputs };
    const entry = { ...words, j, i, delta: exact(g.delta[j]), a: exact(A(l - 1)[i]), value: exact(dw) };
    steps.push({
      title: t("bw.step.gradients", { l }),
      tex: stepTex("gradients", { l, L, activation: d.activation, head: d.head }),
      equation: t("bw.eq.gradients", words) + (tiles ? `\n${t("bw.eq.tiles", words)}` : ""),
      views: [
        { name: words.dW, matrix: g.dW, kind: tiles ? "tiles" : "matrix", pair: "manual" },
        { name: `${words.dW} (autodiff)`, matrix: g.autodiff.dW, kind: tiles ? "tiles" : "matrix", pair: "autodiff" },
        { name: words.db, values: g.db, kind: vectorKind(g.units) },
      ],
      autodiff: g,
      layer: l,
      quiz: {
        what: `${words.dW}[${j}, ${i}]`, value: dw,
        prompt: t("bw.quiz.gradient", entry),
        hint: t("bw.hint.gradient", entry),
        worked: t("bw.worked.gradient", entry),
      },
    });
  }

  const change = d.loss_after_step - d.loss;
  steps.push({
    title: t("bw.step.sgd"),
    tex: stepTex("sgd", { l: 1, L, activation: d.activation, head: d.head }),
    equation: t("bw.eq.sgd", { lr: decimals(d.lr) }),
    result: t(change < 0 ? "bw.sgd.down" : "bw.sgd.up",
      { before: exact(d.loss), after: exact(d.loss_after_step), change: exact(Math.abs(change)) }),
    note: t(change < 0 ? "bw.sgd.lowered" : "bw.sgd.raised"),
    views: square(layer(1).inputs)
      ? [{ name: t("bw.sgd.view", { W: N.W(1) }), matrix: layer(1).W, kind: "tiles" }] : [],
  });
  return steps;
}

// ---------- Drawing a step ----------

function showStep() {
  const step = backward.steps[backward.at];
  if (!step) return;
  const count = backward.steps.length;
  $("bw-count").textContent = t("bw.count", { step: backward.at + 1, steps: count });
  const focused = document.activeElement;
  $("bw-prev").disabled = backward.at === 0;
  $("bw-next").disabled = backward.at === count - 1;
  // Focus never stays on a button that has just been disabled (it would fall to the page):
  // it moves to the stepper, where the arrow keys go on walking.
  if ((focused === $("bw-prev") || focused === $("bw-next")) && focused.disabled) {
    $("stepper").focus({ preventScroll: true });
  }
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
  typeset($("bw-tex"), step.tex);
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
  $("bw-readout").textContent = concealed ? "" : t("bw.readout");
}

function go(k) {
  backward.at = Math.max(0, Math.min(backward.steps.length - 1, k));
  showStep();
  showSummary();
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
    words.textContent = t("bw.one_scale");
    legend.append(words);
    cards.push(legend);
  }
  if (step.autodiff) {
    const g = step.autodiff;
    const line = document.createElement("p");
    line.className = `autodiff ${g.within_tolerance ? "ok" : "fail"}`;
    line.dataset.maxAbsDiff = String(g.autodiff_max_abs_diff);
    line.textContent = t(g.within_tolerance ? "bw.autodiff.ok" : "bw.autodiff.fail", {
      diff: decimals(g.autodiff_max_abs_diff.toExponential(2)),
      dW: N.dW(step.layer), db: N.db(step.layer), tolerance: serverWords(backward.data.tolerance),
    });
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
  title.textContent = `${view.name}   ${view.matrix ? `[${rows}, ${columns}]` : N.vector(columns)}`;
  card.append(title);
  if (view.kind === "table") {
    card.append(valueTable(view, values, scale));
    return card;
  }
  const layout = heatLayout(view.kind, values.length, rows, columns);
  const canvas = document.createElement("canvas");
  canvas.className = "heat";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", t("bw.heat.label", { name: view.name, values: values.length }));
  const big = view.kind === "tiles" || view.kind === "matrix";
  const cellPixels = { tiles: 2, matrix: 4, square: 6 }[view.kind] || 10;
  drawHeat(canvas, values, layout, { scale, grey: view.grey, cellPixels, maxWidth: big ? 640 : 360 });
  const partner = view.pair && step.views.find((v) => v.pair && v !== view);
  canvas.addEventListener("pointermove", (event) => {
    const i = heatIndexAt(canvas, layout, event);
    if (i < 0 || i >= values.length) return;
    let text = `${view.name}${layout.name(i)} = ${decimals(String(values[i]))}`;
    if (partner) {
      const other = partner.matrix.flat()[i];
      text += t("bw.readout.partner", { name: partner.name, value: decimals(String(other)),
        difference: decimals(Math.abs(values[i] - other).toExponential(2)) });
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
    // White text where it contrasts more than the ink does (WCAG's relative luminance).
    const linear = (c) => { const x = c / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    const luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    if (1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.066) cell.style.color = "white";
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
  $("bw-answer").setAttribute("aria-label", t("bw.quiz.answer", { what: step.quiz.what }));
  $("bw-grade").textContent = concealed ? "" : `${step.quiz.what} = ${exact(step.quiz.value)}`;
  $("bw-grade").className = "grade";
  $("bw-reveal").hidden = !concealed;
}

/** Wrong tries before the worked answer is shown without asking. */
const MAX_TRIES = 3;

/** What is off in a wrong answer: the sign, or the order of magnitude. */
function diagnosis(answer, value) {
  if (value !== 0 && answer !== 0 && Math.sign(answer) !== Math.sign(value)) return t("bw.hint.sign");
  if (value !== 0 && answer !== 0) {
    const power = Math.round(Math.log10(Math.abs(answer / value)));
    if (power !== 0) return t("bw.hint.magnitude", { factor: decimals(`1e${power}`) });
  }
  return t("bw.hint.close");
}

function grade() {
  const step = backward.steps[backward.at];
  if (!step || !step.quiz) return;
  const text = $("bw-answer").value.trim().replace(",", ".");
  const answer = Number(text);
  const verdict = $("bw-grade");
  if (text === "" || !Number.isFinite(answer)) {
    verdict.textContent = t("bw.quiz.invalid", { a: decimals("-0.0123"), b: decimals("1.5e-4") });
    verdict.className = "grade invalid";
    return;
  }
  const { value, worked } = step.quiz;
  const right = Math.abs(answer - value) <= CHECK_RELATIVE * Math.abs(value) + CHECK_ABSOLUTE;
  const record = recordOf(backward.at);
  const shown = backward.revealed.has(backward.at);
  if (!shown) {
    record.tries += 1;
    if (record.tries === 1) record.first = right;
    record.right = right;
    saveRecord();
  }
  verdict.className = `grade ${right ? "right" : "wrong"}`;
  if (!right && !shown && record.tries < MAX_TRIES) {
    // Another try: a hint, not the answer.
    verdict.textContent = t("bw.quiz.try_again", {
      answer: decimals(String(answer)), tries: record.tries, max: MAX_TRIES,
      diagnosis: diagnosis(answer, value), hint: step.quiz.hint,
    });
    return;
  }
  reveal();
  verdict.className = `grade ${right ? "right" : "wrong"}`;
  verdict.textContent = right
    ? t("bw.quiz.right", { what: step.quiz.what, value: exact(value), answer: decimals(String(answer)), worked })
    : t("bw.quiz.wrong", { answer: decimals(String(answer)), worked });
  showSummary();
}

// ---------- The walk's record ----------

/** This walk's record of step `k`: tries, right at the first try, shown without an answer. */
function recordOf(k) {
  if (!backward.record[k]) backward.record[k] = { step: backward.steps[k].title, tries: 0, first: null, right: false, shown: false };
  return backward.record[k];
}

/** The record, kept in this browser (the last 50 walks), for the student and a teacher's view. */
function saveRecord() {
  try {
    const walks = JSON.parse(localStorage.getItem("backprop.checkRecord") || "[]");
    const walk = { example: backward.exampleName, questions: backward.steps.filter((s) => s.quiz).length,
      steps: Object.values(backward.record) };
    if (walks.length && walks[walks.length - 1].id === backward.walkId) walks.pop();
    walks.push({ id: backward.walkId, ...walk });
    localStorage.setItem("backprop.checkRecord", JSON.stringify(walks.slice(-50)));
  } catch {
    // Storage off (a private window): the summary still shows this walk.
  }
  if (typeof sendRecord === "function") {
    sendRecord({ id: String(backward.walkId), example: backward.exampleName ?? null,
      questions: backward.steps.filter((s) => s.quiz).length, steps: Object.values(backward.record) });
  }
}

/** "3 of 6 right at the first try": shown at the end of the walk, and after each answer. */
function showSummary() {
  const questions = backward.steps.filter((s) => s.quiz).length;
  const records = Object.values(backward.record);
  const answered = records.filter((r) => r.tries > 0 || r.shown).length;
  const first = records.filter((r) => r.first === true).length;
  const atEnd = backward.at === backward.steps.length - 1;
  $("bw-summary").textContent = answered === 0 && !atEnd ? ""
    : t("bw.summary", { first, questions, answered });
  $("bw-summary").dataset.first = String(first);
  $("bw-summary").dataset.questions = String(questions);
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
  const record = recordOf(backward.at);
  if (!backward.revealed.has(backward.at)) {
    record.shown = true;
    if (record.tries === 0) record.first = false;
    saveRecord();
  }
  reveal();
  showSummary();
  const step = backward.steps[backward.at];
  $("bw-grade").textContent = step.quiz.worked;
  // The button is gone: the arrow keys go on walking from the stepper.
  $("stepper").focus({ preventScroll: true });
});

// ---------- Walking ----------

$("bw-prev").addEventListener("click", () => go(backward.at - 1));
$("bw-next").addEventListener("click", () => go(backward.at + 1));
/** Whether the Backward panel is what the student is looking at: focus inside it, or nothing
 * focused (focus lost to the page) while the panel is on screen. */
let backwardOnScreen = false;
new IntersectionObserver((entries) => {
  for (const entry of entries) backwardOnScreen = entry.isIntersecting;
}, { threshold: 0.25 }).observe($("backward"));

function backwardShown() {
  const focused = document.activeElement;
  if (focused && $("backward").contains(focused)) return true;
  return (!focused || focused === document.body) && backwardOnScreen;
}

// The arrow keys walk the steps whenever the panel is shown and focus is not in a text field
// (nor on the drawing pad, whose arrows move the pen).
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.matches?.("input, select, textarea, [contenteditable], #pad")) return;
  if (!backwardShown() || backward.steps.length === 0) return;
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (event.key in moves) {
    event.preventDefault();
    go(backward.at + moves[event.key]);
  } else if (event.key === "Home" || event.key === "End") {
    event.preventDefault();
    go(event.key === "Home" ? 0 : backward.steps.length - 1);
  }
});
