// The page's words in its language. The server picks the language (?lang=, else Accept-Language,
// else English) and embeds the `playground` catalogue of that language in the page data; English
// needs none, its msgids are the text. scripts/messages.py extracts every t("...") and tn("...", "...")
// call of static/src, so a msgid must be a plain string literal at the call site.

const data = readPageData();
const catalogue = data.catalogue ?? {};

/** The page's language: "en" or "zh-CN". */
export const language = data.lang === "zh-CN" ? "zh-CN" : "en";

/** `msgid` in the page's language, with each `{name}` replaced by `params[name]`. */
export function t(msgid, params = {}) {
  const found = catalogue[msgid];
  return fill(typeof found === "string" && found ? found : msgid, params);
}

/** The singular or plural form for count `n` (`{n}` is filled with the number, formatted). */
export function tn(singular, plural, n, params = {}) {
  const found = catalogue[singular];
  const english = n === 1 ? singular : plural;
  // Chinese has one form; a catalogue's plural entry arrives as the list of its forms.
  const forms = Array.isArray(found) ? found : null;
  const template = forms?.length ? forms[Math.min(n === 1 ? 0 : 1, forms.length - 1)] || english : english;
  return fill(template, { n: formatCount(n), ...params });
}

/** A count as digits grouped by thousands ("1,002"): numbers stay numbers in both languages. */
export function formatCount(n) {
  return Number(n).toLocaleString("en-US");
}

/** Sentences one after another: a space between them in English, none in Chinese. */
export function joined(...parts) {
  return parts.filter(Boolean).join(language === "zh-CN" ? "" : " ");
}

/**
 * A translated sentence with some `{placeholders}` standing for elements (a <code> in mid-sentence):
 * `t()` leaves those unfilled, this splits the text around them. Returns strings and nodes for append().
 */
export function withElements(text, elements) {
  return text.split(/\{(\w+)\}/).map((part, index) => (index % 2 && part in elements ? elements[part] : part));
}

function fill(template, params) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

function readPageData() {
  const element = typeof document === "undefined" ? null : document.getElementById("page-data");
  if (!element) return {};
  try {
    return JSON.parse(element.textContent);
  } catch {
    return {};
  }
}
