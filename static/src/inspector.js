// The node panel: full value and gradient of the node under the pointer or focus. A folded run's
// box shows the run instead: its steps, its ends, and the gradient along it.

import { chainRuleSection, gradcheckLine } from "./chain-rule.js";
import { kindLabel } from "./graph-view.js";
import { formatCount, t, withElements } from "./i18n.js";
import { sparklineFigure, stepSeries } from "./sparkline.js";
import { formatShape, valueElement } from "./values.js";

/**
 * Show `node` (a graph node or a fold item) in `panel`; `onDrawEveryStep` unfolds the drawing.
 * `graph` (the API's graph) adds the chain rule and the gradient check; `known(id)` says whether a
 * node's gradient exists at the stepper's current step (absent: everything is known).
 */
export function renderInspector(panel, node, precision, { onDrawEveryStep, graph = null, known = () => true } = {}) {
  panel.replaceChildren();
  if (!node) {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = t("Hover, tap or focus a node to see its full value and gradient; click it to keep it here.");
    panel.append(hint);
    return;
  }
  if (node.kind === "fold") {
    renderFold(panel, node, precision, onDrawEveryStep);
    return;
  }
  panel.append(heading(node.name ?? node.op ?? node.id, node.kind));

  const facts = document.createElement("dl");
  facts.className = "facts";
  addFact(facts, "grad_fn", node.op ? code(node.op) : text(node.kind === "leaf" ? t("None (leaf)") : "—"));
  addFact(facts, t("shape"), text(formatShape(node.shape)));
  addFact(facts, "dtype", text(node.dtype ?? "—"));
  addFact(facts, t("line"), text(node.line ? t("line {line}", { line: node.line }) : "—"));
  if (Number.isFinite(node.forward_step)) {
    addFact(facts, t("ran"), text(t("forward step {step}", { step: node.forward_step })));
  }
  if (Number.isFinite(node.backward_step)) {
    addFact(facts, t("backward"), text(t("step {step} of backward()", { step: node.backward_step })));
  }
  panel.append(facts);

  const check = graph ? gradcheckLine(graph, node) : null;
  if (check) panel.append(check);
  for (const field of ["value", "grad"]) {
    if (node.kind === "op" && node[field] === null && !node[`${field}_stats`]) continue;
    if (field === "grad" && !known(node.id)) {
      panel.append(notYet());
      continue;
    }
    panel.append(section(field, node, precision));
  }
  const chain = graph ? chainRuleSection(node, graph, precision, known) : null;
  if (chain) panel.append(chain);
}

function notYet() {
  const wrapper = document.createElement("section");
  wrapper.className = "inspector-grad";
  const title = document.createElement("h4");
  title.textContent = t("gradient (.grad)");
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = t("Not computed yet at this step: backward() fills it in later.");
  wrapper.append(title, note);
  return wrapper;
}

function renderFold(panel, fold, precision, onDrawEveryStep) {
  const steps = formatCount(fold.steps.length);
  const head = document.createElement("div");
  head.className = "fold-head";
  head.append(heading(fold.name ?? fold.op, "fold"));
  if (onDrawEveryStep) {
    const unfold = document.createElement("button");
    unfold.type = "button";
    unfold.className = "fold-unfold";
    unfold.textContent = t("Draw every step");
    unfold.title = t("Turn off “Collapse long runs” and draw each of these steps as its own box");
    unfold.addEventListener("click", onDrawEveryStep);
    head.append(unfold);
  }
  const summary = document.createElement("p");
  summary.className = "fold-summary";
  const periodic = fold.period > 1;
  // A repeated block: one point per repetition (its last op's output), ends are repetitions too.
  const points = periodic && fold.outputs.length ? fold.outputs : fold.steps;
  const count = formatCount(points.length);
  if (periodic) {
    const sentence = t("{repeats} repetitions of a block of {period} ops, {ops}, drawn as this one box ({steps} steps).", {
      repeats: formatCount(fold.repeats),
      period: fold.period,
      steps,
    });
    summary.append(...withElements(sentence, { ops: code(fold.ops.join(" → ")) }));
  } else {
    const sentence = t("{steps} {op} steps drawn as this one box.", { steps });
    summary.append(...withElements(sentence, { op: code(fold.op) }));
  }
  panel.append(head, summary);

  const scalar = Array.isArray(fold.shape) && fold.shape.length === 0;
  panel.append(
    sparklineFigure(stepSeries(points, "grad"), {
      what: scalar ? "gradient" : "mean |gradient|",
      subject: fold.name ?? fold.op,
      unit: periodic ? "repetition" : "step",
    }),
  );

  const ends = document.createElement("div");
  ends.className = "fold-ends";
  const first = points[0];
  const last = points[points.length - 1];
  const unit = periodic ? t("repetition") : t("step");
  for (const [title, step] of [
    [t("{unit} {k} (first)", { unit, k: 1 }), first],
    [t("{unit} {k} (last)", { unit, k: count }), last],
  ]) {
    const column = document.createElement("section");
    const columnHeading = document.createElement("h4");
    columnHeading.textContent = title;
    column.append(columnHeading, section("value", step, precision, "h5"), section("grad", step, precision, "h5"));
    ends.append(column);
  }
  panel.append(ends);

  const facts = document.createElement("dl");
  facts.className = "facts";
  addFact(facts, "grad_fn", code(periodic ? `(${fold.ops.join(" → ")}) ×${count}` : `${fold.op} ×${steps}`));
  addFact(facts, t("shape"), text(fold.shape ? formatShape(fold.shape) : t("varies")));
  addFact(facts, "dtype", text(fold.dtype ?? t("varies")));
  addFact(facts, t("line"), text(fold.line ? t("line {line}", { line: fold.line }) : "—"));
  panel.append(facts);
}

function heading(title, kind) {
  const h3 = document.createElement("h3");
  h3.textContent = title;
  const badge = document.createElement("span");
  badge.className = `kind-badge kind-${kind}`;
  badge.textContent = kindLabel(kind);
  h3.append(" ", badge);
  return h3;
}

function section(field, node, precision, level = "h4") {
  const wrapper = document.createElement("section");
  wrapper.className = `inspector-${field}`;
  const title = document.createElement(level);
  title.textContent = field === "grad" ? t("gradient (.grad)") : t("value");
  const scroller = document.createElement("div");
  scroller.className = "value-scroll";
  scroller.append(valueElement(node[field], precision, node.dtype, node[`${field}_stats`] ?? null));
  wrapper.append(title, scroller);
  return wrapper;
}

/** One term and its definition, grouped so that short facts can sit two to a row. */
function addFact(list, term, definition) {
  const group = document.createElement("div");
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.append(definition);
  group.append(dt, dd);
  list.append(group);
}

function code(content) {
  const el = document.createElement("code");
  el.textContent = content;
  return el;
}

function text(content) {
  return document.createTextNode(content);
}
