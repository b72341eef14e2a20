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
    $("runs-status").textContent = error.message;
    return;
  }
  const rows = runsState.list.map((run) => {
    const row = document.createElement("tr");
    row.dataset.run = run.name;
    const s = run.settings;
    const last = run.epochs[run.epochs.length - 1];
    const cells = [
      compareBox(run),
      run.name === "artifacts" ? "artifacts (command line)" : run.name,
      `${s.widths.join("-")} ${s.activation}, ${s.head}, ${s.init}${s.init === "normal" ? ` σ=${s.init_std}` : ""}`,
      s.engine,
      `η ${s.lr}, batch ${s.batch_size}${s.clip_grad_norm ? `, clip ${s.clip_grad_norm}` : ""}`,
      `${run.epochs.length}/${s.epochs}`,
      last ? `${last.test_accuracy.toFixed(2)} %` : "—",
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
  for (const title of ["compare", "run", "network", "engine", "SGD", "epochs", "test accuracy", "model", "downloads"]) {
    const th = document.createElement("th");
    th.textContent = title;
    head.append(th);
  }
  $("runs-table").replaceChildren(head, ...rows);
  $("runs-status").textContent = runsState.list.length ? "" : "No model yet: start a run above.";
  redrawCurves();
}

function compareBox(run) {
  const box = document.createElement("input");
  box.type = "checkbox";
  box.checked = runsState.compared.has(run.name);
  box.disabled = run.epochs.length === 0;
  box.setAttribute("aria-label", `compare the curves of ${run.name}`);
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
    span.textContent = "in use";
    span.className = "in-use";
  } else if (run.running) {
    span.textContent = "training…";
  } else if (run.saved) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Use";
    button.setAttribute("aria-label", `use ${run.name} in Draw and Backward`);
    button.addEventListener("click", () => useRun(run.name));
    span.append(button);
  } else if (run.resumable) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Resume";
    button.setAttribute("aria-label", `resume ${run.name}`);
    button.addEventListener("click", () => resumeRun(run.name));
    span.append(button);
  } else {
    span.textContent = "no model (stopped or diverged before an epoch ended)";
  }
  return span;
}

function downloads(run) {
  const span = document.createElement("span");
  if (!run.saved) return span;
  for (const [file, words] of [["metrics.csv", "metrics.csv"], ["curves.png", "curves.png"], ["model.safetensors", "weights"]]) {
    const link = document.createElement("a");
    link.href = `/api/runs/${run.name}/${file}`;
    link.download = `${run.name}-${file}`;
    link.textContent = words;
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
    $("runs-status").textContent = error.message;
  }
}

async function resumeRun(name) {
  try {
    await api("/api/train/resume", { run: name });
    setStatus($("train-status"), `Resuming ${name}…`);
    $("resume").hidden = true;
  } catch (error) {
    setStatus($("train-status"), error.message, true);
  }
}

/** The compared runs' test curves, as dashed series for the loss and accuracy charts. */
function comparedSeries(key) {
  return runsState.list
    .filter((run) => runsState.compared.has(run.name))
    .map((run, i) => ({
      name: `${run.name} test`,
      colour: COLOURS[(i + 2) % COLOURS.length],
      dashed: true,
      points: run.epochs.map((e) => [e.epoch, e[key]]),
    }));
}

$("resume").addEventListener("click", () => resumeRun($("resume").dataset.run));
showRuns();
