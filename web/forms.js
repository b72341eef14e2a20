// The page's forms: every field checked as it is typed, against the bounds the API itself
// checks (GET /api/limits), the message at the field with the page's own label; a form with a
// bad field sends nothing, and an empty field sends nothing (the server's default applies).
// Server messages that name a field (`batch_size: …`) are shown with the page's label.
"use strict";

let LIMITS = null;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The page's label of a form field: the text its <label> starts with. */
function fieldLabel(input) {
  const label = input.closest("label");
  const text = label ? label.firstChild.textContent.trim() : "";
  return text || input.name;
}

/** The message for `text` typed in a field with `rule`, or "" when it is fine. */
function fieldProblem(text, rule, label) {
  if (!rule || text === "") return "";
  const one = (word) => {
    if (rule.integer ? !/^\d+$/.test(word) : !NUMBER.test(word)) {
      return rule.integer ? `${label}: a whole number, e.g. ${rule.min}` : `${label}: a number, e.g. 0.05`;
    }
    const value = Number(word);
    if (rule.min !== undefined && value < rule.min) return `${label}: at least ${rule.min}, got ${word}`;
    if (rule.above !== undefined && value <= rule.above) return `${label}: more than ${rule.above}, got ${word}`;
    if (rule.max !== undefined && value > rule.max) return `${label}: at most ${rule.max.toLocaleString("en")}, got ${word}`;
    return "";
  };
  if (rule.layers !== undefined) {
    const words = text.split(",").map((w) => w.trim());
    if (words.length > rule.layers) return `${label}: at most ${rule.layers} layers`;
    for (const word of words) {
      if (word === "") return `${label}: layer sizes separated by commas, e.g. 256,128`;
      const problem = one(word);
      if (problem) return problem;
    }
    return "";
  }
  return one(text);
}

/** Shows `message` at `input` (or clears it). */
function markField(input, message) {
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
  note.textContent = message;
  note.hidden = message === "";
  input.setAttribute("aria-invalid", String(message !== ""));
}

/** Checks one field against the limits of its form; true when it is fine. */
function checkField(input, kind) {
  if (!LIMITS || input.disabled || input.tagName !== "INPUT") return true;
  const message = fieldProblem(input.value.trim(), LIMITS[kind][input.name], fieldLabel(input));
  markField(input, message);
  return message === "";
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
    else settings[input.name] = Number(text);
  }
  if (kind === "train" && bad.length === 0 && LIMITS) {
    // One bound spans two fields: batch × hidden units.
    const batch = settings.batch_size ?? Number(form.elements.batch_size.placeholder || 128);
    const units = (settings.hidden ?? [132]).reduce((sum, n) => sum + n, 0);
    if (batch * units > LIMITS.train.activations) {
      const input = form.elements.batch_size;
      markField(input, `${fieldLabel(input)}: ${batch} × ${units} hidden units is more than the ` +
        `${LIMITS.train.activations.toLocaleString("en")} activations a run from the page may hold`);
      bad.push(input);
    }
  }
  if (bad.length) {
    bad[0].focus();
    return null;
  }
  return settings;
}

/** A server message with the API's field names replaced by the form's labels. */
function pageWords(message, form) {
  let text = message;
  for (const input of form.querySelectorAll("input[name], select[name]")) {
    const label = fieldLabel(input);
    if (label !== input.name) text = text.replace(new RegExp(`\\b${input.name}\\b`, "g"), label);
  }
  return text;
}

for (const [id, kind] of [["train-form", "train"], ["check-form", "check"], ["study-form", "study"]]) {
  const form = document.getElementById(id);
  form.addEventListener("input", (event) => checkField(event.target, kind));
}

// σ is the spread of `normal` only.
const initChoice = document.querySelector("#train-form select[name=init]");
function matchInit() {
  const sigma = document.querySelector("#train-form input[name=init_std]");
  sigma.disabled = initChoice.value !== "normal";
  if (sigma.disabled) markField(sigma, "");
}
initChoice.addEventListener("change", matchInit);
matchInit();

/** Resolves once the limits are known (forms wait for it before they send anything). */
const limitsReady = api("/api/limits").then((limits) => { LIMITS = limits; });
