// Entry point of the playground page: holds the view's state and wires the parts together.
// Every graph comes from POST /api/graph; nothing is computed here that the API does not say.

import { fetchGraph } from "./api.js";
import { setUpControls } from "./controls.js";
import { createEditor } from "./editor.js";
import { nodeCountText } from "./folds.js";
import { createGraphView } from "./graph-view.js";
import { createHistorySync } from "./history-sync.js";
import { language, t } from "./i18n.js";
import { readInputField, renderInputs } from "./inputs-panel.js";
import { renderInspector } from "./inspector.js";
import { setUpLanguageSwitch } from "./language-switch.js";
import { renderLegend } from "./legend.js";
import { renderError, renderOutput } from "./output.js";
import { apiOptions, defaultOptions } from "./permalink.js";
import { describeStep, stepSchedule } from "./step-view.js";
import { createStepper } from "./stepper.js";
import { createTheme } from "./theme.js";

// Long enough that a fast typist's word is one request, short enough to feel live.
const TYPING_DELAY_MS = 450;

const pageData = JSON.parse(document.getElementById("page-data").textContent);
const $ = (id) => document.getElementById(id);

const state = {
  options: defaultOptions(),
  inputs: {}, // only the values the user edited; the API fills in the rest
  graphIndex: 0,
  result: null, // the last successful API answer
  step: null, // the stepper's step, or null when the whole graph is drawn
};
let schedule = null; // the current graph's forward/backward steps (step-view.js)
let steppedCode = null; // the code the stepper walked: an edit ends the walk
let inFlight = null;
let typingTimer = 0;
let applying = false; // true while a whole state is loaded, so that is not taken as typing

const theme = createTheme(() => renderNow());
const historySync = createHistorySync((restored) => applyState(restored));
const graphView = createGraphView($("graph"), {
  onInspect: (node) => {
    renderInspector($("inspector"), node, state.options.precision, {
      onDrawEveryStep: drawEveryStep,
      graph: currentGraph(),
      known: gradientKnown,
    });
    editor.linkLine(node?.line ?? null, node?.span ?? null);
  },
});
const stepper = createStepper({ onStep: showStep });

function currentGraph() {
  return state.result?.graphs?.[state.graphIndex] ?? null;
}

/** Whether node `id`'s gradient exists at the step on screen. */
function gradientKnown(id) {
  if (state.step === null || !schedule) return true;
  const step = schedule.gradStep(id);
  return step !== null && step <= state.step - schedule.forward;
}

function showStep(k) {
  state.step = k;
  steppedCode = editor.getCode();
  graphView.showStep(schedule, k);
  const node = schedule?.nodeAt(k);
  const label = schedule ? describeStep(schedule, k, editor.lineText(node?.line)) : "";
  $("step-label").textContent = label;
  $("step-label").title = label; // the whole sentence, when the bar is too narrow for it
}
const editor = createEditor({
  parent: $("editor"),
  doc: "",
  label: t("Python code"),
  onChange: () => {
    if (applying) return;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => renderNow("replace"), TYPING_DELAY_MS);
  },
  onRun: () => renderNow("push"),
});

const controls = setUpControls({
  state,
  theme,
  editor,
  graphView,
  examples: pageData.examples,
  onOptionsChange: () => renderNow("push"),
  onGraphPick: () => {
    showCurrentGraph();
    historySync.record(viewState(), "push");
  },
  onExample: (example) => {
    // An example may set drawing options (the vanishing-gradient one colours by gradient size).
    applyState({ code: example.code, inputs: {}, options: { ...state.options, ...example.options }, graphIndex: 0 });
    renderNow("push");
  },
  onRun: () => renderNow("push"),
});

/** Load a whole view (from a permalink, Back, or an example) into the page. */
function applyState({ code, inputs, options, graphIndex }, { render = true } = {}) {
  applying = true;
  editor.setCode(code);
  applying = false;
  state.inputs = { ...inputs };
  state.options = { ...options };
  state.graphIndex = graphIndex;
  graphView.resetView();
  controls.showOptions();
  if (render) renderNow();
}

/** The fold inspector's button: the same as unticking "Collapse long runs". */
function drawEveryStep() {
  state.options.collapse_runs = false;
  controls.showOptions();
  renderNow("push");
}

function viewState() {
  return { code: editor.getCode(), inputs: state.inputs, options: state.options, graphIndex: state.graphIndex };
}

/** Ask for the graph now, cancelling a request still on its way. `historyMode`: push/replace/none. */
async function renderNow(historyMode = "none") {
  clearTimeout(typingTimer);
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  const code = editor.getCode();
  controls.matchExample(code);
  if (historyMode !== "none") historySync.record(viewState(), historyMode);
  if (code.length > pageData.maxSourceChars) {
    showError({
      type: "limit",
      code: "limit.source_chars",
      message: t("The code is longer than {limit} characters.", { limit: pageData.maxSourceChars }),
    });
    return;
  }
  setBusy(true);
  const started = performance.now();
  let answer;
  try {
    answer = await fetchGraph(
      // The answer's messages (errors, warnings, notes) and the drawing's words in the page's language.
      {
        code,
        inputs: state.inputs,
        options: { ...apiOptions(state.options), theme: theme.resolved(), lang: language },
      },
      controller.signal,
    );
  } catch {
    return; // aborted: a newer request owns the page now
  }
  if (inFlight !== controller) return;
  inFlight = null;
  setBusy(false);
  if (!answer.ok) {
    if (answer.partial) showResult(answer.partial, Math.round(performance.now() - started));
    showError(answer.error, Boolean(answer.partial));
    return;
  }
  showResult(answer.data, Math.round(performance.now() - started));
}

function showResult(data, elapsedMs) {
  state.result = data;
  // Drop edited inputs the code no longer reads, so they are not sent (or linked) forever.
  for (const name of Object.keys(state.inputs)) if (!(name in (data.inputs ?? {}))) delete state.inputs[name];
  renderError($("error"), null);
  editor.markError(null);
  document.body.classList.remove("has-error", "has-partial");
  renderOutput($("stdout"), $("warnings"), data.stdout ?? "", data.warnings, data.outputs);
  renderInputs($("inputs-form"), data.inputs, state.inputs, onInputEdit);
  controls.showGraphPicker(data.graphs);
  showCurrentGraph();
  const count = data.graphs.length;
  setStatus(count ? t("Rendered in {ms} ms", { ms: elapsedMs }) : t("No backward() call, so no graph yet"));
}

function showCurrentGraph() {
  const graphs = state.result?.graphs ?? [];
  document.body.classList.toggle("has-graph", graphs.length > 0);
  if (!graphs.length) {
    $("graph").replaceChildren();
    $("graph-count").textContent = "";
    renderLegend($("legend"), null);
    renderInspector($("inspector"), null, state.options.precision);
    schedule = null;
    state.step = null;
    stepper.reset(0);
    return;
  }
  state.graphIndex = Math.min(state.graphIndex, graphs.length - 1);
  const graph = graphs[state.graphIndex];
  try {
    graphView.show(graph);
  } catch (err) {
    showError({ type: "render", message: err.message });
    return;
  }
  // Every node the API listed, also those inside a fold's box: "1,002 nodes, 994 drawn folded".
  $("graph-count").textContent = nodeCountText(graph);
  renderLegend($("legend"), graphView.svgElement());
  renderInspector($("inspector"), null, state.options.precision);
  editor.linkLine(null);
  schedule = stepSchedule(graph);
  // Re-drawn while walking (a new option, another graph of the program): stay at the same step. An
  // edit of the code ends the walk, so the editor is not scrolled to a step's line while typing.
  const walking = state.step !== null && steppedCode === editor.getCode();
  state.step = null;
  stepper.reset(schedule ? schedule.last : 0, { keepPlace: walking });
}

/** `partial`: the graph and output on screen are what ran before the failing line, not stale. */
function showError(error, partial = false) {
  setBusy(false);
  document.body.classList.toggle("has-partial", partial);
  renderError($("error"), error);
  editor.markError(error.line ?? null);
  // The previous graph stays on screen, dimmed, so the learner keeps their bearings.
  document.body.classList.add("has-error");
  setStatus(t("Error"));
}

function onInputEdit(name, field) {
  const value = readInputField(field);
  if (value === undefined) return;
  state.inputs[name] = value;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => renderNow("replace"), TYPING_DELAY_MS);
}

function setBusy(busy) {
  document.body.classList.toggle("is-busy", busy);
  if (busy) setStatus(t("Rendering…"));
}

function setStatus(text) {
  $("status").textContent = text;
}

/** The view on screen as a permalink hash, written into the address now (not after the typing delay). */
async function currentHash() {
  await historySync.record(viewState(), "replace");
  return window.location.hash;
}

async function start() {
  setUpLanguageSwitch(currentHash);
  const fromLink = await historySync.initial();
  const first = pageData.examples[0];
  applyState(fromLink ?? { code: first ? first.code : "", inputs: {}, options: defaultOptions(), graphIndex: 0 }, {
    render: false,
  });
  await renderNow(fromLink ? "none" : "replace");
  document.body.classList.add("is-ready");
}

start();
