// The Study panel: `backprop study` run from the page (deep networks of every activation ×
// initialisation), its progress while it runs, then its results as tables in the page's
// language, read from the study's own CSV files, and its figure.
"use strict";

/** The last study's CSV rows: {summary, layers} (redrawn in a new language). */
let studyRows = null;

/** A CSV file of the study (plain cells, no quotes) as a list of objects. */
async function studyCsv(file) {
  const response = await fetch(`/api/study/${file}?t=${Date.now()}`);
  if (!response.ok) throw new Error(response.statusText);
  const [head, ...lines] = (await response.text()).trim().split("\n");
  const names = head.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [names[i], cell])));
}

const studySci = (cell) => (cell === "" ? "—" : decimals(Number(cell).toExponential(2)));
const studySetting = (row) => [row.activation, row.init === "normal" ? `${t("field.init.normal")} σ=${decimals(row.init_std)}` : row.init];

/** One HTML table: `head` cells, then `rows` of cells (text only). */
function studyTable(caption, head, rows) {
  const table = document.createElement("table");
  table.className = "study";
  table.createCaption().textContent = caption;
  const top = table.createTHead().insertRow();
  for (const text of head) top.append(Object.assign(document.createElement("th"), { textContent: text }));
  const body = table.createTBody();
  for (const cells of rows) {
    const row = body.insertRow();
    for (const text of cells) row.insertCell().textContent = text;
  }
  return table;
}

/** The norms of dW per layer at one stage ("init" or "after"), one row per setting. */
function normsTable({ summary, layers }, stage) {
  const depth = Math.max(0, ...layers.map((r) => Number(r.layer)));
  const steps = Math.max(0, ...summary.map((r) => Number(r.after_step)));
  const head = [t("study.col.activation"), t("study.col.init"),
    ...Array.from({ length: depth }, (_, l) => t("n.W", { l: l + 1 })), t("study.col.ratio")];
  const rows = summary.map((setting) => {
    const mine = layers.filter((r) => r.stage === stage && r.activation === setting.activation &&
      r.init === setting.init && r.init_std === setting.init_std);
    const ratio = stage === "init" ? setting.first_last_ratio_init : setting.first_last_ratio_after;
    if (mine.length === 0) return [...studySetting(setting), t("study.diverged_before")];
    return [...studySetting(setting), ...mine.map((r) => studySci(r.grad_norm)), studySci(ratio)];
  });
  const caption = stage === "init" ? t("study.table.init") : t("study.table.after", { steps });
  return studyTable(caption, head, rows);
}

function summaryTable({ summary }) {
  const head = [t("study.col.activation"), t("study.col.init"), t("study.col.ratio_init"), t("study.col.ratio_after"),
    t("study.col.train"), t("study.col.test"), t("study.col.autodiff")];
  const rows = summary.map((r) => [
    ...studySetting(r), studySci(r.first_last_ratio_init), studySci(r.first_last_ratio_after),
    r.diverged_epoch ? t("study.diverged", { epoch: r.diverged_epoch, step: r.diverged_step })
      : r.train_accuracy ? fixed(Number(r.train_accuracy), 2) : "—",
    r.diverged_epoch || !r.test_accuracy ? "—" : fixed(Number(r.test_accuracy), 2),
    studySci(r.autodiff_max_relative),
  ]);
  return studyTable(t("study.table.summary"), head, rows);
}

function showStudy() {
  if (!studyRows) return;
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = t("study.table.note");
  $("study-tables").replaceChildren(normsTable(studyRows, "init"), normsTable(studyRows, "after"),
    summaryTable(studyRows), note);
}

$("study-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const settings = await submittedSettings(event.target, "study", $("study-status"));
  if (!settings) return;
  setStatus($("study-status"), ["study.starting"]);
  $("run-study").disabled = true;
  // Its progress, with the time left at the pace so far, once a second.
  const poll = setInterval(async () => {
    try {
      const p = await api("/api/report/progress");
      if (!p.running || p.total === 0) return;
      setStatus($("study-status"), () => t(p.remaining_seconds === null ? "study.progress" : "study.progress.left", {
        done: p.done, total: p.total, elapsed: Math.round(p.elapsed_seconds),
        left: p.remaining_seconds === null ? "" : Math.ceil(p.remaining_seconds),
      }));
    } catch { /* the next poll tries again */ }
  }, 1000);
  try {
    const report = await api("/api/study", settings);
    studyRows = { summary: await studyCsv("study-summary.csv"), layers: await studyCsv("study-layers.csv") };
    showStudy();
    $("study-figure").src = `${report.figure}?t=${Date.now()}`;
    $("study-figure").hidden = false;
    $("study-downloads").hidden = false;
    setStatus($("study-status"), ["study.done"]);
  } catch (error) {
    setStatus($("study-status"), problem(error, event.target), true);
  } finally {
    clearInterval(poll);
    $("run-study").disabled = false;
  }
});

onLanguage(showStudy);
