// The page's words in the page's language. Every word comes from a catalogue, one JSON file
// per language in web/lang/ (served together as /lang.js: `CATALOGUES = {en: {…}, fr: {…}}`),
// with the same keys in each. The language is the address's `lang=`, else the browser's first
// language the page has, else English; the switch in the header changes it in place (nothing
// on the page is lost). Numbers in prose follow the language (a decimal comma in French);
// inputs always take the dot.
"use strict";

const LANGUAGES = Object.keys(CATALOGUES);
/** Where the language came from: "address" (lang=, or the switch) or "browser". */
let languageSource = "browser";
let LANG = chooseLanguage();

function chooseLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked && LANGUAGES.includes(asked)) {
    languageSource = "address";
    return asked;
  }
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const code = tag.toLowerCase().split("-")[0];
    if (LANGUAGES.includes(code)) return code;
  }
  return "en";
}

/** The catalogue's text for `key`, its `{name}` places filled from `params`. */
function t(key, params = {}) {
  const text = CATALOGUES[LANG][key] ?? CATALOGUES.en[key];
  if (text === undefined) {
    console.error(`no text for the key ${key}`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (place, name) => (name in params ? String(params[name]) : place));
}

// ---------- Numbers in prose ----------

/** `text`, a number written with a dot (as JavaScript writes them), in the page's language. */
function decimals(text) {
  return String(text).replace(".", t("number.decimal"));
}

/** A number typed with a decimal comma or point, as JavaScript reads it ("0,05" → "0.05"). */
function pointed(text) {
  return String(text).trim().replace(",", ".");
}

/** `value` with `digits` decimals, in the page's language: 93.35 → "93,35" in French. */
function fixed(value, digits) {
  return decimals(value.toFixed(digits));
}

/** A count with the language's thousands separator: 60000 → "60,000" or "60 000". */
function count(value) {
  return value.toLocaleString(t("number.locale"));
}

/** A list of values written in the page's language: "0.1, 0.2" or "0,1 ; 0,2". */
function list(values) {
  return values.join(t("list.separator"));
}

// ---------- The server's messages ----------

/** A template as a pattern: its `{name}` places become groups, the rest is literal. */
function templatePattern(template) {
  const parts = template.split(/(\{\w+\})/);
  const names = [];
  const source = parts.map((part) => {
    const place = /^\{(\w+)\}$/.exec(part);
    if (!place) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    names.push(place[1]);
    return "(.+?)";
  }).join("");
  return { pattern: new RegExp(`^${source}$`), names };
}

const ENGLISH_NUMBER = /^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * A message of the server (English, as the API writes it) in the page's language: a leading
 * field name becomes the form's label (`labels`: API name → label), and the rest is matched
 * against the catalogue's `server.*` templates (English), then written with the language's.
 * A message no template knows keeps its words.
 */
function serverWords(message, labels = {}) {
  let field = "";
  let rest = message;
  const named = /^([a-z_]+(?:, [a-z_]+)*): (.*)$/s.exec(message);
  if (named) {
    field = named[1].split(", ").map((name) => labels[name] || name).join(", ");
    rest = named[2];
  }
  for (const key of Object.keys(CATALOGUES.en)) {
    if (!key.startsWith("server.")) continue;
    const { pattern, names } = templatePattern(CATALOGUES.en[key]);
    const match = pattern.exec(rest);
    if (!match) continue;
    const params = {};
    names.forEach((name, i) => {
      const value = match[i + 1];
      params[name] = ENGLISH_NUMBER.test(value) ? localNumber(value) : value;
    });
    rest = t(key, params);
    break;
  }
  return field ? `${field}${t("field.colon")}${rest}` : rest;
}

/** "65,536" or "0.05" as the page's language writes it. */
function localNumber(text) {
  const plain = text.replace(/,/g, "");
  return /e/i.test(plain) || !/,/.test(text) ? decimals(plain) : count(Number(plain));
}

// ---------- The page's static words ----------

/** Fills every element that names a key: `data-i18n` (text), `data-i18n-html` (our own
 * markup), and `data-i18n-<attribute>` for aria-label, title, placeholder and alt. */
function translatePage(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-html]")) element.innerHTML = t(element.dataset.i18nHtml);
  for (const attribute of ["aria-label", "title", "placeholder", "alt"]) {
    const data = `data-i18n-${attribute}`;
    for (const element of root.querySelectorAll(`[${data}]`)) element.setAttribute(attribute, t(element.getAttribute(data)));
  }
  document.documentElement.lang = LANG;
  document.title = t("page.title");
}

// ---------- Words that change: said again in a new language ----------

/** Elements whose text came from `say` (a key and its values, or a server message). */
const spoken = new Map();

/**
 * Writes `what` into `element`, and keeps it, so that a change of language says it again:
 * a key with its values ([key, params]); a function that composes the text from keys; a
 * server message ({server: message, form}: the fields named by that form's labels); or "".
 */
function say(element, what) {
  spoken.set(element, what);
  element.textContent = spokenText(what);
}

function spokenText(what) {
  if (!what) return "";
  if (typeof what === "function") return what();
  if (Array.isArray(what)) return t(what[0], what[1]);
  if (what.server !== undefined) return serverWords(what.server, what.form ? formLabels(what.form) : {});
  return String(what);
}

/** Functions that redraw what a panel wrote itself (charts, tables, steps). */
const redrawers = [];
function onLanguage(redraw) {
  redrawers.push(redraw);
}

/** Switches the page to `code` in place: static words, spoken words, then every panel. */
function setLanguage(code) {
  if (!LANGUAGES.includes(code) || code === LANG) return;
  LANG = code;
  languageSource = "address";
  translatePage();
  for (const [element, what] of spoken) element.textContent = spokenText(what);
  for (const redraw of redrawers) redraw();
}

function languageSwitch() {
  const select = document.getElementById("lang");
  select.replaceChildren(...LANGUAGES.map((code) => {
    const option = document.createElement("option");
    option.value = code;
    option.lang = code;
    option.textContent = CATALOGUES[code]["language.name"];
    return option;
  }));
  select.value = LANG;
  select.addEventListener("change", () => setLanguage(select.value));
}

translatePage();
languageSwitch();
