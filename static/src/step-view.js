// The stepper's view of a graph: which numbers are known after step k of "forward, then backward".
// Step k in 0..F+B (graph.steps = {forward: F, backward: B}): for k <= F the boxes of ops that ran
// (forward_step <= k) show their values; past F the gradients of nodes autograd executed
// (backward_step <= k - F) appear too, with a numbered badge giving that order. Every number comes
// from the API (forward_step and backward_step were recorded as the program ran); nothing is guessed here.

import { t } from "./i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/** The schedule of one graph, or null when the API gave no steps (an older answer, or none recorded). */
export function stepSchedule(graph) {
  const forward = graph.steps?.forward ?? 0;
  const backward = graph.steps?.backward ?? 0;
  if (!forward && !backward) return null;
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const gradStep = gradientSteps(graph, byId);
  const fold = new Map();
  for (const item of graph.folds ?? []) {
    const members = item.nodes.map((id) => byId.get(id)).filter(Boolean);
    const forwardSteps = members.map((n) => n.forward_step).filter(Number.isFinite);
    const backwardSteps = members.map((n) => gradStep.get(n.id)).filter(Number.isFinite);
    // reduce, not Math.min(...list): a fold may stand for more steps than a call takes arguments.
    const least = (list) => (list.length ? list.reduce((a, b) => Math.min(a, b)) : null);
    fold.set(item.id, { forward_step: least(forwardSteps), backward_step: least(backwardSteps), members });
  }
  const foldOfNode = new Map();
  for (const [foldId, item] of fold) for (const member of item.members) foldOfNode.set(member.id, foldId);
  const forwardOrder = new Map();
  const backwardOrder = new Map();
  // A leaf and its AccumulateGrad share their steps: forward shows the tensor made, backward the node run.
  const isAccumulator = (node) => node.op === "AccumulateGrad";
  for (const node of graph.nodes) {
    const f = node.forward_step;
    if (Number.isFinite(f) && (!forwardOrder.has(f) || isAccumulator(forwardOrder.get(f)))) forwardOrder.set(f, node);
    const b = node.backward_step;
    if (Number.isFinite(b) && (!backwardOrder.has(b) || backwardOrder.get(b).kind !== "op")) backwardOrder.set(b, node);
  }
  return {
    forward,
    backward,
    last: forward + backward,
    /** Forward step at which `id` (a node or fold) has its value; 0 when it had one from the start. */
    valueStep: (id) => (fold.get(id) ?? byId.get(id))?.forward_step ?? 0,
    /** Backward step (1-based) at which `id`'s gradient is complete; null when it never gets one. */
    gradStep: (id) => (fold.has(id) ? fold.get(id).backward_step : gradStep.get(id) ?? null),
    /** The node that runs at step k (the op of a forward step, or the backward node executed). */
    nodeAt(k) {
      if (k >= 1 && k <= forward) return forwardOrder.get(k) ?? null;
      if (k > forward) return backwardOrder.get(k - forward) ?? null;
      return null;
    },
    foldOf: (id) => foldOfNode.get(id) ?? null,
  };
}

/**
 * When each node's gradient is complete. Autograd nodes have their own backward_step; a leaf or a
 * tensor drawn apart from its op has none, and its gradient is complete once every op it feeds has
 * sent its contribution back (the largest backward_step among the targets of its edges).
 */
function gradientSteps(graph, byId) {
  const consumers = new Map();
  for (const edge of graph.edges) {
    if (!consumers.has(edge.source)) consumers.set(edge.source, []);
    consumers.get(edge.source).push(edge.target);
  }
  const done = new Map();
  const visiting = new Set();
  const stepOf = (id) => {
    if (done.has(id)) return done.get(id);
    const node = byId.get(id);
    let step = Number.isFinite(node?.backward_step) ? node.backward_step : null;
    if (step === null && !visiting.has(id)) {
      visiting.add(id);
      const targets = (consumers.get(id) ?? []).map(stepOf).filter(Number.isFinite);
      step = targets.length ? targets.reduce((a, b) => Math.max(a, b)) : null;
      visiting.delete(id);
    }
    done.set(id, step);
    return step;
  };
  for (const node of graph.nodes) stepOf(node.id);
  return done;
}

/** Index the drawn SVG once per graph: each box's value and gradient text lines, each edge's ends. */
export function indexDrawing(svg) {
  const boxes = [];
  for (const element of svg.querySelectorAll("g.node:not(.legend)")) {
    const lines = { value: [], grad: [] };
    let block = null;
    for (const text of element.querySelectorAll("text")) {
      const content = text.textContent ?? "";
      // The drawing's words follow the page's language: "value"/"值", "grad"/"梯度".
      if (/^(value\b|值)/.test(content)) block = "value";
      else if (/^\|?(grad\b|梯度)/.test(content)) block = "grad"; // "|grad|" heads a fold box's sparkline
      // Rows of a listed tensor continue the block above them: they start with spaces or ⋮.
      else if (!/^[\s\u00a0⋮…]/.test(content)) block = null;
      if (block) lines[block].push(text);
    }
    boxes.push({ element, id: element.id, lines });
  }
  const edges = [];
  for (const element of svg.querySelectorAll("g.edge")) {
    const title = element.querySelector("title")?.textContent ?? "";
    const [source, target] = title.split("->");
    edges.push({ element, source, target, labels: [...element.querySelectorAll("text")] });
  }
  return { svg, boxes, edges };
}

/** Draw step `k` of `schedule` on an indexed drawing; `k === null` draws everything, unmarked. */
export function drawStep(drawing, schedule, k) {
  for (const badge of drawing.svg.querySelectorAll(".gt-step-badge")) badge.remove();
  const stepping = schedule !== null && k !== null;
  const backwardDone = stepping ? Math.max(0, k - schedule.forward) : 0;
  const current = stepping ? schedule.nodeAt(k) : null;
  const currentId = current ? (schedule.foldOf(current.id) ?? current.id) : null;
  for (const box of drawing.boxes) {
    const ran = !stepping || schedule.valueStep(box.id) <= k;
    const gradStep = stepping ? schedule.gradStep(box.id) : null;
    const hasGrad = !stepping || (gradStep !== null && gradStep <= backwardDone);
    box.element.classList.toggle("gt-not-run", !ran);
    box.element.classList.toggle("gt-current", box.id === currentId);
    for (const line of box.lines.value) line.classList.toggle("gt-hidden", !ran);
    for (const line of box.lines.grad) line.classList.toggle("gt-hidden", !hasGrad);
    if (stepping && hasGrad && backwardDone > 0) addBadge(box.element, gradStep);
  }
  for (const edge of drawing.edges) {
    const sent = schedule?.gradStep(edge.target);
    const flowed = stepping && backwardDone > 0 && Number.isFinite(sent) && sent <= backwardDone;
    edge.element.classList.toggle("gt-grad-flowed", flowed);
    for (const label of edge.labels) label.classList.toggle("gt-hidden", stepping && !flowed);
  }
  return currentId;
}

/** A numbered circle on the box's top-right corner: the order autograd reached it. */
function addBadge(element, number) {
  const shape = element.querySelector("path, polygon, ellipse");
  if (!shape) return;
  const box = shape.getBBox();
  const group = document.createElementNS(SVG_NS, "g");
  group.setAttribute("class", "gt-step-badge");
  group.setAttribute("aria-hidden", "true");
  const circle = document.createElementNS(SVG_NS, "circle");
  circle.setAttribute("cx", String(box.x + box.width));
  circle.setAttribute("cy", String(box.y));
  circle.setAttribute("r", "8");
  const label = document.createElementNS(SVG_NS, "text");
  label.setAttribute("x", String(box.x + box.width));
  label.setAttribute("y", String(box.y + 3.5));
  label.setAttribute("text-anchor", "middle");
  label.textContent = String(number);
  group.append(circle, label);
  element.append(group);
}

/** What step k means, in words, for the label beside the scrubber. */
export function describeStep(schedule, k, lineText) {
  if (k === 0) return t("Before the forward pass: nothing has run yet");
  const node = schedule.nodeAt(k);
  if (k <= schedule.forward) {
    // The source line says what ran better than the op's name does.
    const what = lineText || (node ? node.op ?? node.name ?? t("a leaf") : t("a step"));
    const step = { k, total: schedule.forward, what };
    return node?.line
      ? t("Forward {k}/{total} · line {line}: {what}", { ...step, line: node.line })
      : t("Forward {k}/{total}: {what}", step);
  }
  const step = { j: k - schedule.forward, total: schedule.backward, op: node?.op ?? t("a node") };
  return k === schedule.last
    ? t("Backward {j}/{total}: {op} passes the gradient back (done)", step)
    : t("Backward {j}/{total}: {op} passes the gradient back", step);
}
