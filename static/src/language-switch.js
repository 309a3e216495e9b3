// The 中文 / English switch. The language lives in the URL's query (?lang=zh-CN), where the server
// reads it to render the page and its catalogue; the view (code, inputs, options) lives in the hash.
// Switching loads the page in the other language with the same hash, so nothing the learner typed is lost.

import { language } from "./i18n.js";

/** The current address with `lang` set: the page's permalink always says which language it shows. */
export function addressInLanguage(lang, hash = window.location.hash) {
  const params = new URLSearchParams(window.location.search);
  params.set("lang", lang);
  return `${window.location.pathname}?${params.toString()}${hash}`;
}

/**
 * Write the page's language into the address (it may have come from the browser's preferences), and
 * make each switch link load the page in its language. `currentHash()` resolves to the hash of the view
 * on screen, written now rather than after the typing delay.
 */
export function setUpLanguageSwitch(currentHash) {
  if (new URLSearchParams(window.location.search).get("lang") !== language) {
    history.replaceState(history.state, "", addressInLanguage(language));
  }
  for (const link of document.querySelectorAll(".language-switch a[data-lang]")) {
    link.addEventListener("click", async (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // a new tab: the href
      event.preventDefault();
      window.location.assign(addressInLanguage(link.dataset.lang, await currentHash()));
    });
  }
}
