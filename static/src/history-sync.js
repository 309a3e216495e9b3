// Keeps the URL hash in step with the view. Typing replaces the current history entry (so Back
// is not a keystroke-by-keystroke undo); deliberate actions (an example, Ctrl+Enter, an option)
// push a new one, so the browser's Back button returns to the previous program.

import { decodeState, encodeState } from "./permalink.js";

export function createHistorySync(onRestore) {
  let written = window.location.hash;
  let sequence = 0;

  async function record(state, mode) {
    const ticket = ++sequence;
    const hash = await encodeState(state);
    // Encoding is async: a later call may already have written a newer state.
    if (ticket !== sequence || hash === written) return;
    written = hash;
    const url = `${window.location.pathname}${window.location.search}${hash}`;
    if (mode === "push") history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  async function restoreFromLocation() {
    if (window.location.hash === written) return;
    written = window.location.hash;
    const state = await decodeState(written);
    if (state) onRestore(state);
  }

  // Back/forward fire popstate; a pasted link with a new hash fires hashchange.
  window.addEventListener("popstate", restoreFromLocation);
  window.addEventListener("hashchange", restoreFromLocation);

  return {
    record,
    initial: () => decodeState(window.location.hash),
  };
}
