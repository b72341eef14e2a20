// The Check panel: the gradient check of `backprop gradcheck` (every entry of the manual
// gradients against Burn's autodiff, sampled entries against finite differences, in f64) as a
// table in the page's language, and as a CSV download.
"use strict";

/** The last report of /api/gradcheck (redrawn in a new language). */
let checkReport = null;

/** A parameter's name in the page's notation: `W1` → `W1`, or `W^[1]` in the TP's. */
function parameterName(name) {
  const match = /^([Wb])(\d+)$/.exec(name);
  return match ? t(match[1] === "W" ? "n.W" : "n.b", { l: match[2] }) : name;
}

function showCheck(report) {
  const rows = [`<tr><th>${t("check.col.param")}</th><th>${t("check.col.shape")}</th>` +
    `<th>${t("check.col.max_abs")}</th><th>${t("check.col.max_rel")}</th>` +
    `<th>${t("check.col.fd")}</th><th>${t("check.col.status")}</th></tr>`];
  const sci = (v, digits) => decimals(v.toExponential(digits));
  for (const table of report.tables) {
    rows.push(`<tr><td class="model" colspan="6">${table.model}</td></tr>`);
    for (const row of table.rows) {
      const fd = row.fd_error === null ? "—" : `${sci(row.fd_error, 2)} (${row.fd_entries})`;
      rows.push(`<tr><td>${parameterName(row.name)}</td><td>[${row.shape.join(", ")}]</td>` +
        `<td>${sci(row.max_abs, 3)}</td><td>${sci(row.max_rel, 3)}</td><td>${fd}</td>` +
        `<td class="${row.ok ? "ok" : "fail"}">${t(row.ok ? "check.ok" : "check.fail")}</td></tr>`);
    }
  }
  $("check-table").innerHTML = rows.join("");
}

/** The tolerances of a report, in the page's language. */
function toleranceWords(tolerance) {
  const sci = (v) => decimals(v.toExponential());
  const autodiff = tolerance.precision === "f64"
    ? t("check.tolerance.f64", { max: sci(tolerance.max_rel) })
    : t("check.tolerance.f32", { atol: sci(tolerance.atol), rtol: sci(tolerance.rtol) });
  const fd = tolerance.fd_entries
    ? t("check.tolerance.fd", { h: sci(tolerance.fd_step), entries: tolerance.fd_entries, max: sci(tolerance.fd_max_rel) })
    : t("check.tolerance.no_fd");
  return `${autodiff} ${fd}`;
}

function checkCsv(report) {
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
}

$("check-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const settings = await submittedSettings(event.target, "check", $("check-status"));
  if (!settings) return;
  setStatus($("check-status"), ["check.checking"]);
  $("run-check").disabled = true;
  try {
    const report = await api("/api/gradcheck", settings);
    checkReport = report;
    showCheck(report);
    checkCsv(report);
    setStatus($("check-status"), () => (report.failures === 0
      ? t("check.all_ok", { rows: report.rows, precision: report.precision, images: report.images })
      : t("check.failures", { failures: report.failures, rows: report.rows })) +
      " " + toleranceWords(report.tolerance), report.failures > 0);
  } catch (error) {
    setStatus($("check-status"), problem(error, event.target), true);
  } finally {
    $("run-check").disabled = false;
  }
});

onLanguage(() => { if (checkReport) showCheck(checkReport); });

// The Check panel's equations, typeset (and again in a new language).
typeset($("check-tex"), checkTex());
onLanguage(() => typeset($("check-tex"), checkTex()));
