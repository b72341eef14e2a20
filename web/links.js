// Links and presets for teachers: the page's settings (the panel, the network and training
// settings, the chosen test digit) live in the address bar, so a link hands out a scenario;
// "Copy a link" puts it on the clipboard; presets set the lab's scenarios in one choice.
// A link's values go through the same checks as typed ones (forms.js).
"use strict";

/** The lab's scenarios, as values of the Train form's fields. */
const PRESETS = {
  lab: { hidden: "132", activation: "tanh", head: "softmax-ce", init: "normal", init_std: "0.3", lr: "0.05",
    batch_size: "128", epochs: "10", train_limit: "", clip_grad_norm: "" },
  "tp3-sigmoid": { hidden: "132", activation: "sigmoid", head: "sigmoid-bce", init: "xavier", lr: "0.05",
    batch_size: "128", epochs: "10", train_limit: "", clip_grad_norm: "" },
  vanishing: { hidden: "64,64,64,64,64,64,64,64", activation: "sigmoid", head: "softmax-ce", init: "xavier",
    lr: "0.05", batch_size: "128", epochs: "3", train_limit: "10000", clip_grad_norm: "" },
  exploding: { hidden: "132,132,132", activation: "relu", head: "softmax-ce", init: "normal", init_std: "0.3",
    lr: "1", batch_size: "128", epochs: "2", train_limit: "5000", clip_grad_norm: "" },
  clipped: { hidden: "132,132,132", activation: "relu", head: "softmax-ce", init: "normal", init_std: "0.3",
    lr: "1", batch_size: "128", epochs: "2", train_limit: "5000", clip_grad_norm: "1" },
};

const PANELS = ["draw", "backward", "train", "check", "study"];
const trainForm = $("train-form");

/** Sets the Train form's fields from `values` (unknown names and options are ignored). */
function fillTrainForm(values) {
  for (const [name, value] of Object.entries(values)) {
    const field = trainForm.elements[name];
    if (!field) continue;
    if (field.tagName === "SELECT" && ![...field.options].some((o) => o.value === value)) continue;
    field.value = value;
  }
  matchInit();
  localiseFields();
  for (const field of trainForm.querySelectorAll("input[name]")) checkField(field, "train");
}

/** This page's address with the current settings. */
function settingsLink() {
  const params = new URLSearchParams();
  const panel = location.hash.slice(1);
  if (PANELS.includes(panel)) params.set("panel", panel);
  if ($("preset").value) params.set("preset", $("preset").value);
  for (const field of trainForm.querySelectorAll("input[name], select[name]")) {
    // Links carry numbers with a point, whatever the language they were made in.
    const rule = LIMITS && LIMITS.train[field.name];
    const value = isDecimal(rule) ? pointed(field.value) : field.value.trim();
    if (!field.disabled && value !== "") params.set(field.name, value);
  }
  if (currentDigit !== null) params.set("digit", String(currentDigit));
  // The language is kept when it was asked for (lang=, the switch), not when it is the browser's.
  if (languageSource === "address") params.set("lang", LANG);
  return `${location.origin}${location.pathname}?${params}${panel ? `#${panel}` : ""}`;
}

/** Keeps the address bar in step with the settings (a reload or a bookmark keeps them). */
function rememberSettings() {
  history.replaceState(null, "", settingsLink());
}

$("preset").addEventListener("change", () => {
  const preset = PRESETS[$("preset").value];
  if (preset) fillTrainForm(preset);
  rememberSettings();
});
trainForm.addEventListener("change", rememberSettings);
window.addEventListener("hashchange", rememberSettings);
onLanguage(rememberSettings);

$("copy-link").addEventListener("click", async () => {
  const link = settingsLink();
  const field = $("link");
  field.value = link;
  field.hidden = false;
  field.select();
  try {
    await navigator.clipboard.writeText(link);
    say($("copy-link"), ["link.copied"]);
  } catch {
    say($("copy-link"), ["link.below"]);
  }
});

/** Applies a link's settings once the limits are known (its values are checked like typed ones). */
async function applyLink() {
  const params = new URLSearchParams(location.search);
  if (params.size === 0) return;
  await limitsReady.catch(() => {});
  const preset = params.get("preset");
  if (preset && PRESETS[preset]) {
    $("preset").value = preset;
    fillTrainForm(PRESETS[preset]);
  }
  const values = {};
  for (const field of trainForm.querySelectorAll("input[name], select[name]")) {
    if (params.has(field.name)) values[field.name] = params.get(field.name);
  }
  fillTrainForm(values);
  const digit = Number(params.get("digit"));
  if (params.has("digit") && Number.isInteger(digit) && digit >= 0) showPrediction({ test_index: digit });
  const panel = params.get("panel");
  if (PANELS.includes(panel)) $(panel).scrollIntoView();
}

window.addEventListener("DOMContentLoaded", applyLink);
