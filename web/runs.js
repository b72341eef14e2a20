// The Train panel's runs: every run from this page keeps its own model (runs/run-N of the
// artifact directory), listed here with its settings and accuracy; "Use" makes it the model
// of Draw and Backward, "Resume" continues a stopped one, ticked runs overlay their test
// curves on the charts, and each finished run offers its metrics.csv, curves.png and weights.
"use strict";

const runsState = { list: [], compared: new Set() };

/** The runs as the server lists them; redraws the table and the charts. */
async function showRuns() {
  try {
    runsState.list = (await api("/api/runs")).runs;
  } catch (error) {
    say($("runs-status"), problem(error));
    return;
  }
  drawRuns();
}

/** The runs table, in the page's language. */
function drawRuns() {
  const rows = runsState.list.map((run) => {
    const row = document.createElement("tr");
    row.dataset.run = run.name;
    const s = run.settings;
    const last = run.epochs[run.epochs.length - 1];
    const cells = [
      compareBox(run),
      run.name === "artifacts" ? t("runs.cli") : run.name,
      `${s.widths.join("-")} ${s.activation}, ${s.head}, ` +
        (s.init === "normal" ? `${t("field.init.normal")} σ=${decimals(s.init_std)}` : s.init),
      t(s.engine === "learner" ? "engine.learner" : "engine.manual"),
      t(s.clip_grad_norm ? "runs.sgd.clip" : "runs.sgd",
        { lr: decimals(s.lr), batch: s.batch_size, clip: decimals(s.clip_grad_norm) }),
      `${run.epochs.length}/${s.epochs}`,
      last ? `${fixed(last.test_accuracy, 2)} %` : "—",
      run.running ? t("runs.training") : endWords(run.end, run.name),
      useButton(run),
      downloads(run),
    ];
    for (const content of cells) {
      const cell = row.insertCell();
      if (typeof content === "string") cell.textContent = content;
      else cell.append(content);
    }
    return row;
  });
  const head = document.createElement("tr");
  for (const key of ["runs.col.compare", "runs.col.run", "runs.col.network", "runs.col.engine", "runs.col.sgd",
    "runs.col.epochs", "runs.col.accuracy", "runs.col.end", "runs.col.model", "runs.col.downloads"]) {
    const th = document.createElement("th");
    th.textContent = t(key);
    head.append(th);
  }
  $("runs-table").replaceChildren(head, ...rows);
  say($("runs-status"), runsState.list.length ? "" : ["runs.none"]);
  redrawCurves();
}

function compareBox(run) {
  const box = document.createElement("input");
  box.type = "checkbox";
  box.checked = runsState.compared.has(run.name);
  box.disabled = run.epochs.length === 0;
  box.setAttribute("aria-label", t("runs.compare.label", { run: run.name }));
  box.addEventListener("change", () => {
    if (box.checked) runsState.compared.add(run.name);
    else runsState.compared.delete(run.name);
    redrawCurves();
  });
  return box;
}

function useButton(run) {
  const span = document.createElement("span");
  if (run.selected) {
    span.textContent = t("runs.in_use");
    span.className = "in-use";
  } else if (run.running) {
    span.textContent = t("runs.training");
  } else if (run.saved) {
    span.append(runButton(t("runs.use"), t("runs.use.label", { run: run.name }), () => useRun(run.name)));
  } else if (run.resumable) {
    span.append(runButton(t("train.resume"), t("runs.resume.label", { run: run.name }), () => resumeRun(run.name)));
  } else {
    span.textContent = t("runs.no_model");
  }
  return span;
}

/** A button of the runs table: its words, its label for a screen reader, what it does. */
function runButton(words, label, action) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = words;
  button.setAttribute("aria-label", label);
  button.addEventListener("click", action);
  return button;
}

function downloads(run) {
  const span = document.createElement("span");
  if (!run.saved) return span;
  for (const [file, key] of [["metrics.csv", "runs.download.metrics"], ["curves.png", "runs.download.curves"],
    ["model.safetensors", "runs.download.weights"]]) {
    const link = document.createElement("a");
    link.href = `/api/runs/${run.name}/${file}`;
    link.download = `${run.name}-${file}`;
    link.textContent = t(key);
    span.append(link, " ");
  }
  return span;
}

async function useRun(name) {
  try {
    await api("/api/runs/select", { run: name });
    mistakes = null;
    await showModel();
    backwardModelChanged();
    showRuns();
  } catch (error) {
    say($("runs-status"), problem(error));
  }
}

async function resumeRun(name) {
  try {
    const answer = await api("/api/train/resume", { run: name });
    if (answer.queued) onRunEvent({ type: "queued", ...answer });
    else setStatus($("train-status"), ["train.resuming", { run: name }]);
    $("resume").hidden = true;
  } catch (error) {
    setStatus($("train-status"), problem(error), true);
  }
}

/** How a run ended (`end` of /api/runs or of the last event), in the page's language; "" for
 * none (the command line's model, a run in progress). */
function endWords(end, name) {
  if (!end) return "";
  const kept = end.epoch > 0 ? t("end.kept", { run: name, epoch: end.epoch }) : t("end.none", { run: name });
  switch (end.cause) {
    case "finished": return t("end.finished", { epoch: end.epoch });
    case "stopped": return t(end.by === "teacher" ? "end.stopped.teacher" : "end.stopped", { kept });
    case "idle": return t("end.idle", { seconds: end.seconds, kept });
    case "diverged": return t("end.diverged", { epoch: end.diverged_at.epoch, step: end.diverged_at.step, kept });
    default: return t("end.failed", { error: end.error ?? end.message, kept });
  }
}

/** The epochs of run `name` before `first` (a resumed run's history, for its live curves). */
async function earlierEpochs(name, first) {
  try {
    const run = (await api("/api/runs")).runs.find((r) => r.name === name);
    return run ? run.epochs.filter((e) => e.epoch < first) : [];
  } catch {
    return [];
  }
}

/** The compared runs' test curves, as dashed series for the loss and accuracy charts. */
function comparedSeries(key) {
  return runsState.list
    .filter((run) => runsState.compared.has(run.name))
    .map((run, i) => ({
      name: t("chart.compared", { run: run.name }),
      colour: COLOURS[(i + 2) % COLOURS.length],
      dashed: true,
      points: run.epochs.map((e) => [e.epoch, e[key]]),
    }));
}

$("resume").addEventListener("click", () => resumeRun($("resume").dataset.run));
// "Use each new run": off by default, remembered by this browser.
$("auto-use").checked = localStorage.getItem("backprop.autoUse") === "1";
$("auto-use").addEventListener("change", () =>
  localStorage.setItem("backprop.autoUse", $("auto-use").checked ? "1" : "0"));
onLanguage(drawRuns);
showRuns();
