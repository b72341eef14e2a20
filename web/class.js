// Class mode (`serve --class`): who this page is for. Without a session (the page opened
// without the class link) it says to ask the teacher for the link; a student sees their name
// and may change it; the teacher gets the Class panel: every student, their runs, the queue,
// their "check yourself" record, the best run of each (sortable), a Stop for any run and the
// class's runs as CSV, refreshed every few seconds. Names are always set as text.
"use strict";

/** `/api/session`'s answer: `{mode: "single"}` or the class member's role, number and name. */
let classSession = { mode: "single" };

/** How often the Class panel refreshes, in ms. */
const CLASS_REFRESH_MS = 2000;

/** The Class panel's last data, and how its best-runs table is sorted. */
const classView = { data: null, sortDescending: true };

async function startClass() {
  let response;
  try {
    response = await fetch("/api/session");
  } catch {
    return;
  }
  if (response.status === 401) {
    say($("class-banner"), ["class.need_link"]);
    $("class-banner").hidden = false;
    document.querySelector("main").hidden = true;
    document.querySelector("nav").hidden = true;
    return;
  }
  if (!response.ok) return;
  classSession = await response.json();
  if (classSession.mode !== "class") return;
  showYou();
  if (classSession.role === "teacher") {
    $("class").hidden = false;
    $("nav-class").hidden = false;
    $("class-link").value = new URL(classSession.student_link, location.href).href;
    refreshClass();
    setInterval(refreshClass, CLASS_REFRESH_MS);
    if (location.hash === "#class") $("class").scrollIntoView();
  }
}

/** A member's name as the page says it: the one they gave, or "Student N" in the page's
 * language. */
function nameOf(person, role = "student") {
  if (person.named) return person.name;
  return role === "teacher" ? t("class.teacher_name") : t("class.student_name", { number: person.number });
}

/** The student's (or teacher's) line: who the page is for, and the name form. */
function showYou() {
  $("you").hidden = false;
  say($("you-line"), () => t(classSession.role === "teacher" ? "class.you.teacher" : "class.you.student",
    { name: nameOf(classSession, classSession.role) }));
  $("you-name").value = classSession.named ? classSession.name : "";
}

$("you").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const answer = await api("/api/session/name", { name: $("you-name").value });
    classSession.name = answer.name;
    classSession.named = true;
    showYou();
    setStatus($("you-status"), ["class.you.saved"]);
  } catch (error) {
    setStatus($("you-status"), problem(error), true);
  }
});

$("class-link-copy").addEventListener("click", async () => {
  $("class-link").select();
  try { await navigator.clipboard.writeText($("class-link").value); } catch { /* selected: Ctrl-C */ }
});

/** A run's last test accuracy, or null. */
function runAccuracy(run) {
  const last = run.epochs[run.epochs.length - 1];
  return last ? last.test_accuracy : null;
}

/** A date (Unix seconds) as the page's language writes a time of day. */
function timeOf(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString(t("number.locale"), { hour: "2-digit", minute: "2-digit" });
}

/** Where a student's work stands now: training (epoch k/N), queued (place), or idle. */
function nowWords(student) {
  const training = student.runs.find((r) => r.running);
  if (training) return t("class.now.training", { run: training.name, epoch: training.epochs.length, epochs: training.settings.epochs });
  if (student.queued) return t("class.now.queued", { run: student.queued.run, position: student.queued.position });
  return t("class.now.idle");
}

/** A student's latest walk of the Backward panel: right at the first try, of the questions. */
function recordWords(student) {
  const walk = student.record[student.record.length - 1];
  if (!walk) return "—";
  const first = walk.steps.filter((s) => s.first === true).length;
  const tries = walk.steps.reduce((sum, s) => sum + s.tries, 0);
  return t("class.record.walk", { first, questions: walk.questions, tries, walks: student.record.length });
}

/** A table cell with `text` as text (names come from students: never markup). */
function cell(row, text, tag = "td") {
  const element = document.createElement(tag);
  element.textContent = text;
  row.appendChild(element);
  return element;
}

function headerRow(table, keys) {
  const row = table.insertRow();
  for (const key of keys) cell(row, t(key), "th");
  return row;
}

async function refreshClass() {
  try {
    classView.data = await api("/api/class");
  } catch (error) {
    setStatus($("class-summary"), problem(error), true);
    return;
  }
  drawClass();
}

function drawClass() {
  const data = classView.data;
  if (!data) return;
  setStatus($("class-summary"), () => t("class.summary", {
    students: data.students.length, training: data.training, workers: data.workers,
    queued: data.queued, memory: count(data.memory_mb), budget: count(data.memory_budget_mb),
  }));
  const table = $("class-students");
  table.replaceChildren();
  headerRow(table, ["class.col.student", "class.col.joined", "class.col.seen", "class.col.runs",
    "class.col.now", "class.col.best", "class.col.record", "class.col.action"]);
  for (const student of data.students) {
    const row = table.insertRow();
    cell(row, nameOf(student));
    cell(row, timeOf(student.joined));
    cell(row, timeOf(student.last_seen));
    cell(row, String(student.runs.length));
    cell(row, nowWords(student));
    const best = Math.max(...student.runs.map(runAccuracy).filter((a) => a !== null));
    cell(row, Number.isFinite(best) ? `${fixed(best, 2)} %` : "—");
    cell(row, recordWords(student));
    const action = cell(row, "");
    const active = student.runs.find((r) => r.running)?.name ?? student.queued?.run;
    if (active) {
      const stop = document.createElement("button");
      stop.type = "button";
      stop.textContent = t("class.stop", { run: active });
      stop.addEventListener("click", () => stopStudentRun(student, active, stop));
      action.appendChild(stop);
    }
  }
  drawBest(data);
}

/** The best run of each student, sorted by accuracy (the header's button flips the order). */
function drawBest(data) {
  const rows = data.students.map((student) => {
    const scored = student.runs.filter((r) => runAccuracy(r) !== null);
    scored.sort((a, b) => runAccuracy(b) - runAccuracy(a));
    return { student, run: scored[0] };
  }).filter((entry) => entry.run);
  rows.sort((a, b) => (classView.sortDescending ? -1 : 1) * (runAccuracy(a.run) - runAccuracy(b.run)));
  const table = $("class-best");
  table.replaceChildren();
  const head = headerRow(table, ["class.col.rank", "class.col.student", "class.col.run", "class.col.network", "class.col.accuracy"]);
  const sort = document.createElement("button");
  sort.type = "button";
  sort.textContent = `${t("class.col.accuracy")} ${classView.sortDescending ? "↓" : "↑"}`;
  sort.addEventListener("click", () => { classView.sortDescending = !classView.sortDescending; drawBest(data); });
  head.lastChild.replaceChildren(sort);
  head.lastChild.setAttribute("aria-sort", classView.sortDescending ? "descending" : "ascending");
  rows.forEach(({ student, run }, index) => {
    const row = table.insertRow();
    const s = run.settings;
    cell(row, String(index + 1));
    cell(row, nameOf(student));
    cell(row, run.name);
    cell(row, `${s.widths.join("-")} ${s.activation}, η ${decimals(String(s.lr))}, ${t("class.epochs")} ${s.epochs}`);
    cell(row, `${fixed(runAccuracy(run), 2)} %`);
  });
}

async function stopStudentRun(student, run, button) {
  button.disabled = true;
  try {
    await api("/api/class/stop", { student: student.number, run });
  } catch (error) {
    setStatus($("class-summary"), problem(error), true);
  }
  refreshClass();
}

/** Keeps a walk's record on the server too (the teacher's view shows it); class mode only. */
function sendRecord(walk) {
  if (classSession.mode !== "class") return;
  api("/api/record", walk).catch(() => { /* the browser keeps it; the next answer sends it again */ });
}

onLanguage(() => { if (classSession.mode === "class") showYou(); drawClass(); });
startClass();
