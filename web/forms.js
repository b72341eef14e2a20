// The page's forms: every field checked as it is typed, against the bounds the API itself
// checks (GET /api/limits), the message at the field with the page's own label; a form with a
// bad field sends nothing, and an empty field sends nothing (the server's default applies).
// Server messages that name a field (`batch_size: …`) are shown with the page's label.
"use strict";

let LIMITS = null;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The page's label of a form field, in the page's language (the key its <label> names). */
function fieldLabel(input) {
  const label = input.closest("label");
  const words = label && label.querySelector("[data-i18n]");
  return words ? t(words.dataset.i18n) : input.name;
}

/** The API's field names of `form`, each with its label on the page. */
function formLabels(form) {
  const labels = {};
  for (const input of form.querySelectorAll("input[name], select[name]")) labels[input.name] = fieldLabel(input);
  return labels;
}

/**
 * What is wrong with `text` typed in `input` with `rule`, as [key, values] (the field's label
 * is added when it is said), or null when it is fine.
 */
function fieldProblem(text, rule) {
  if (!rule || text === "") return null;
  // A decimal number may be typed with a comma (as the French write it) or a point.
  if (isDecimal(rule)) text = pointed(text);
  const one = (word) => {
    if (rule.integer ? !/^\d+$/.test(word) : !NUMBER.test(word)) {
      return rule.integer ? ["form.whole", { example: rule.min }] : ["form.number", { example: decimals("0.05") }];
    }
    const value = Number(word);
    if (rule.min !== undefined && value < rule.min) return ["form.min", { min: decimals(rule.min), got: word }];
    if (rule.above !== undefined && value <= rule.above) return ["form.above", { above: decimals(rule.above), got: word }];
    if (rule.max !== undefined && value > rule.max) return ["form.max", { max: count(rule.max), got: word }];
    return null;
  };
  if (rule.layers !== undefined) {
    const words = text.split(",").map((w) => w.trim());
    if (words.length > rule.layers) return ["form.layers", { layers: rule.layers }];
    for (const word of words) {
      if (word === "") return ["form.layer_list", {}];
      const problem = one(word);
      if (problem) return problem;
    }
    return null;
  }
  return one(text);
}

/** Shows `problem` ([key, values], or null to clear) at `input`, after the field's label. */
function markField(input, problem) {
  const id = `error-${input.form.id}-${input.name}`;
  let note = document.getElementById(id);
  if (!note) {
    note = document.createElement("span");
    note.id = id;
    note.className = "field-error";
    note.setAttribute("role", "alert");
    input.closest("label").append(note);
    input.setAttribute("aria-describedby", id);
  }
  say(note, problem ? () => `${fieldLabel(input)}${t("field.colon")}${t(problem[0], problem[1])}` : "");
  note.hidden = !problem;
  input.setAttribute("aria-invalid", String(Boolean(problem)));
}

/** Checks one field against the limits of its form; true when it is fine. */
function checkField(input, kind) {
  if (!LIMITS || input.disabled || input.tagName !== "INPUT") return true;
  const problem = fieldProblem(input.value.trim(), LIMITS[kind][input.name]);
  markField(input, problem);
  return !problem;
}

/**
 * The form's settings as the API takes them, or null (with the messages at the fields) when a
 * field is wrong. Empty fields are left out; numbers are sent as numbers, lists as lists.
 */
function checkedSettings(form, kind) {
  if (!LIMITS) return null;
  const inputs = [...form.querySelectorAll("input[name], select[name]")];
  const bad = inputs.filter((input) => !checkField(input, kind));
  const settings = {};
  for (const input of inputs) {
    const text = input.value.trim();
    if (input.disabled || text === "") continue;
    const rule = LIMITS && LIMITS[kind][input.name];
    if (input.tagName === "SELECT" || !rule) settings[input.name] = text;
    else if (rule.layers !== undefined) settings[input.name] = text.split(",").map((w) => Number(w.trim()));
    else settings[input.name] = Number(isDecimal(rule) ? pointed(text) : text);
  }
  if (kind === "train" && bad.length === 0 && LIMITS) {
    // One bound spans two fields: batch × hidden units.
    const batch = settings.batch_size ?? Number(form.elements.batch_size.placeholder || 128);
    const units = (settings.hidden ?? [132]).reduce((sum, n) => sum + n, 0);
    if (batch * units > LIMITS.train.activations) {
      const input = form.elements.batch_size;
      markField(input, ["form.activations", { batch, units, most: count(LIMITS.train.activations) }]);
      bad.push(input);
    }
  }
  if (bad.length) {
    bad[0].focus();
    return null;
  }
  return settings;
}

/** A field that takes a decimal number (not a count, not a list of widths). */
function isDecimal(rule) {
  return Boolean(rule) && !rule.integer && rule.layers === undefined;
}

/** The decimal fields of the forms, shown as the page's language writes numbers (0,05 in
 * French, 0.05 in English); what is sent, and what links carry, always has a point. */
function localiseFields() {
  if (!LIMITS) return;
  for (const [id, kind] of [["train-form", "train"], ["check-form", "check"], ["study-form", "study"]]) {
    for (const input of document.getElementById(id).querySelectorAll("input[name]")) {
      if (isDecimal(LIMITS[kind][input.name]) && input.value.trim() !== "") input.value = decimals(pointed(input.value));
    }
  }
  const lr = document.getElementById("bw-lr");
  if (lr.value.trim() !== "") lr.value = decimals(pointed(lr.value));
  if (lr.placeholder && /^[0-9.,e+-]+$/.test(lr.placeholder)) lr.placeholder = decimals(pointed(lr.placeholder));
}
onLanguage(localiseFields);

for (const [id, kind] of [["train-form", "train"], ["check-form", "check"], ["study-form", "study"]]) {
  const form = document.getElementById(id);
  form.addEventListener("input", (event) => checkField(event.target, kind));
}

// σ is the spread of `normal` only.
const initChoice = document.querySelector("#train-form select[name=init]");
function matchInit() {
  const sigma = document.querySelector("#train-form input[name=init_std]");
  sigma.disabled = initChoice.value !== "normal";
  if (sigma.disabled) markField(sigma, null);
}
initChoice.addEventListener("change", matchInit);
matchInit();

/**
 * The settings of a submitted `form` of `kind`, once the limits are known; null (and the
 * status line `status` says nothing was sent) when a field is wrong.
 */
async function submittedSettings(form, kind, status) {
  await limitsReady.catch(() => {});
  const settings = checkedSettings(form, kind);
  if (!settings) setStatus(status, ["form.nothing_sent"], true);
  return settings;
}

/** Resolves once the limits are known (forms wait for it before they send anything). */
const limitsReady = api("/api/limits").then((limits) => { LIMITS = limits; localiseFields(); });
// Refused (a class page opened without its link): whoever awaits it says so; not an error here.
limitsReady.catch(() => {});
