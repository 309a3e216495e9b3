// The step control: buttons, a scrubber and the ←/→ keys walk a graph forward, then backward.
// Until it is used the graph is drawn whole (step null); the first use starts the walk.

import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/** Wire the stepper's controls; `onStep(k)` draws step k (null: the whole graph, unmarked). */
export function createStepper({ onStep }) {
  const bar = $("stepper");
  const scrub = $("step-scrub");
  let last = 0;
  let step = null;

  function go(k) {
    if (!last) return;
    step = Math.max(0, Math.min(last, k));
    scrub.value = String(step);
    bar.classList.add("is-stepping");
    onStep(step);
  }

  $("step-first").addEventListener("click", () => go(0));
  $("step-last").addEventListener("click", () => go(last));
  // From the whole drawing, "back" starts at the end and "next" at the beginning of the walk.
  $("step-back").addEventListener("click", () => go(step === null ? last - 1 : step - 1));
  $("step-next").addEventListener("click", () => go(step === null ? 0 : step + 1));
  scrub.addEventListener("input", () => go(Number(scrub.value)));

  document.addEventListener("keydown", (event) => {
    if (bar.hidden || event.altKey || event.ctrlKey || event.metaKey) return;
    // Arrow keys belong to whatever is being typed in or chosen from.
    if (event.target.closest?.(".cm-editor, input:not([type=range]), select, textarea")) return;
    const moves = { ArrowLeft: -1, ArrowRight: 1 };
    if (event.key in moves) {
      event.preventDefault();
      if (step === null) go(event.key === "ArrowRight" ? 0 : last - 1);
      else go(step + moves[event.key]);
    } else if (event.key === "Home" && step !== null) {
      event.preventDefault();
      go(0);
    } else if (event.key === "End" && step !== null) {
      event.preventDefault();
      go(last);
    }
  });

  return {
    /** A new graph: `steps` is its schedule's length (0 hides the stepper). Keeps the walk's place if any. */
    reset(total, { keepPlace = false } = {}) {
      last = total;
      bar.hidden = !total;
      scrub.max = String(total);
      if (keepPlace && step !== null && total) {
        go(step);
        return;
      }
      step = null;
      scrub.value = String(total);
      bar.classList.remove("is-stepping");
      $("step-label").textContent = total ? t("Step through: forward, then backward (← →)") : "";
    },
    current: () => step,
    setLabel: (text) => ($("step-label").textContent = text),
  };
}
