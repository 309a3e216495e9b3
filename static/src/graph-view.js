// The graph: the service's SVG inlined (so it stays crisp at any zoom), with pan and zoom
// from `panzoom`, and graph nodes that can be hovered, tapped or focused to inspect them.

import createPanZoom from "panzoom";
import { foldItem } from "./folds.js";
import { formatCount, t } from "./i18n.js";
import { drawStep, indexDrawing } from "./step-view.js";
import { formatShape } from "./values.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 12;
// A tiny graph fitted to a large screen would be drawn huge; cap the fit zoom.
const MAX_FIT_ZOOM = 1.6;
// A small graph is never fitted so small that its text is unreadable: boxes' text stays at least this
// many CSS pixels, and the rest of the graph is a pan away (the view starts where the forward pass does).
const READABLE_TEXT_PX = 11;
const READABLE_UP_TO_NODES = 15;

export function createGraphView(container, { onInspect }) {
  let panzoom = null;
  let viewport = null;
  let nodesById = new Map();
  let userMoved = false;
  let selected = null;
  // A clicked node stays in the inspector while the pointer travels to it (over other nodes,
  // say to reach a fold's "Draw every step"); a click on empty space lets hovering take over again.
  let pinned = false;
  let drawing = null;
  let smallestText = 0;
  let wholeView = false; // the Fit button's second press: the whole graph even if its text is small
  let overflowsWhenReadable = false;
  const zoomFitButton = document.getElementById("zoom-fit");

  /** Draw `graph` (the API's svg, nodes and folds); a fold's box inspects as the run it stands for. */
  function show({ svg: svgText, nodes, folds = [] }) {
    const svg = parseSvg(svgText);
    const boxes = svg.querySelectorAll("g.node:not(.legend)");
    if (!userMoved) wholeView = false;
    smallestText = boxes.length <= READABLE_UP_TO_NODES ? smallestFontSize(boxes) : 0;
    nodesById = new Map(nodes.map((node) => [node.id, node]));
    for (const fold of folds) nodesById.set(fold.id, periodicFold(foldItem(fold, nodesById), fold, nodesById));
    viewport = wrapContent(svg);
    labelForScreenReaders(svg);
    prepareNodes(svg, nodesById);
    const previous = panzoom ? panzoom.getTransform() : null;
    if (panzoom) panzoom.dispose();
    container.replaceChildren(svg);
    drawing = null; // indexed when the stepper first draws a step: most views never step
    panzoom = createPanZoom(viewport, {
      minZoom: MIN_ZOOM,
      maxZoom: MAX_ZOOM,
      smoothScroll: false,
      zoomDoubleClickSpeed: 1, // double-click should not zoom: it is how people select text
      // ←/→ step through forward and backward (stepper.js); ↑/↓ and +/− still pan and zoom.
      filterKey: (event) => event.key === "ArrowLeft" || event.key === "ArrowRight",
      // Returning false lets taps through as clicks, so a tap on a node inspects it.
      onTouch: () => false,
    });
    panzoom.on("panstart", () => (userMoved = true));
    panzoom.on("zoom", (_pz, e) => {
      if (e !== "programmatic") userMoved = true;
    });
    if (userMoved && previous) {
      panzoom.zoomAbs(0, 0, previous.scale);
      panzoom.moveTo(previous.x, previous.y);
    } else {
      fit();
    }
    selected = null;
    pinned = false;
  }

  /**
   * Scale and centre the graph in the visible area: the whole of it, unless that would shrink a small
   * graph's text below READABLE_TEXT_PX. With `toggle` (the Fit button) a second press shows the whole
   * graph anyway, and a third the readable view again.
   */
  function fit({ toggle = false } = {}) {
    if (!panzoom || !viewport) return;
    // After panning, Fit re-fits the same way; on an untouched view it switches readable <-> whole.
    if (toggle && !userMoved) wholeView = overflowsWhenReadable ? !wholeView : false;
    const box = viewport.getBBox();
    const { width, height } = container.getBoundingClientRect();
    if (!box.width || !box.height || !width || !height) return;
    const pad = 8;
    const whole = Math.min((width - 2 * pad) / box.width, (height - 2 * pad) / box.height, MAX_FIT_ZOOM);
    const readable = smallestText ? Math.min(READABLE_TEXT_PX / smallestText, MAX_FIT_ZOOM) : 0;
    overflowsWhenReadable = readable > whole;
    const scale = wholeView ? whole : Math.max(whole, readable);
    zoomFitButton?.setAttribute("aria-pressed", String(wholeView));
    if (zoomFitButton) {
      zoomFitButton.title = overflowsWhenReadable && !wholeView
        ? t("Part of the graph is out of view at a readable size: press to see all of it")
        : t("Fit the graph to the screen");
    }
    panzoom.zoomAbs(0, 0, scale);
    // Centred when it fits; otherwise from the top-left corner of the drawing, where the inputs are.
    const along = (room, size, start) => (size * scale <= room - 2 * pad ? (room - size * scale) / 2 : pad) - start * scale;
    panzoom.moveTo(along(width, box.width, box.x), along(height, box.height, box.y));
    userMoved = false;
  }

  /** Pan (no zoom) so that `element` is inside the visible area, if it is not already. */
  function reveal(element) {
    if (!panzoom || !element) return;
    const stage = container.getBoundingClientRect();
    const rect = element.getBoundingClientRect();
    const pad = 24;
    let dx = 0;
    let dy = 0;
    if (rect.top < stage.top + pad) dy = stage.top + pad - rect.top;
    else if (rect.bottom > stage.bottom - pad) dy = Math.max(stage.bottom - pad - rect.bottom, stage.top + pad - rect.top);
    if (rect.left < stage.left + pad) dx = stage.left + pad - rect.left;
    else if (rect.right > stage.right - pad) dx = Math.max(stage.right - pad - rect.right, stage.left + pad - rect.left);
    if (dx || dy) {
      const { x, y } = panzoom.getTransform();
      panzoom.moveTo(x + dx, y + dy);
    }
  }

  /**
   * Draw step k of `schedule` (null: the whole graph). The node that runs at that step is marked,
   * brought into view and shown in the inspector, where it stays while the pointer moves.
   */
  function showStep(schedule, k) {
    const svg = container.querySelector("svg");
    if (!svg) return;
    drawing ??= indexDrawing(svg);
    const currentId = drawStep(drawing, schedule, k);
    const element = currentId ? container.querySelector(`g.node[id="${CSS.escape(currentId)}"]`) : null;
    if (element) {
      // Stepping is a choice as deliberate as a click: the step's node takes the inspector.
      reveal(element);
      pinned = true;
      select(element);
    } else if (selected) {
      onInspect(nodesById.get(selected.id) ?? null); // same node, shown as it is at this step
    }
  }

  function zoomBy(factor) {
    if (!panzoom) return;
    const { width, height } = container.getBoundingClientRect();
    panzoom.smoothZoom(width / 2, height / 2, factor);
    userMoved = true;
  }

  function select(element) {
    if (selected) selected.classList.remove("gt-selected");
    selected = element;
    if (element) element.classList.add("gt-selected");
    onInspect(element ? nodesById.get(element.id) ?? null : null);
  }

  // Event delegation on the container survives every re-render of the SVG.
  const nodeOf = (event) => event.target.closest?.("g.node") ?? null;
  container.addEventListener("mouseover", (event) => {
    const node = nodeOf(event);
    if (node && node !== selected && !pinned) select(node);
  });
  container.addEventListener("focusin", (event) => {
    const node = nodeOf(event);
    if (node) select(node);
  });
  container.addEventListener("click", (event) => {
    const node = nodeOf(event);
    pinned = node !== null;
    if (node) select(node);
  });
  container.addEventListener("keydown", (event) => {
    if ((event.key === "Enter" || event.key === " ") && nodeOf(event)) {
      event.preventDefault();
      select(nodeOf(event));
    }
  });
  // The stage changes size with the window and the panels around it; keep an untouched view fitted.
  new ResizeObserver(() => {
    if (!userMoved) fit();
  }).observe(container);

  return {
    show,
    fit,
    showStep,
    zoomIn: () => zoomBy(1.4),
    zoomOut: () => zoomBy(1 / 1.4),
    /** Forget manual pan/zoom so the next graph is fitted (new program, new example). */
    resetView: () => (userMoved = false),
    svgElement: () => container.querySelector("svg"),
  };
}

/** The smallest font size (SVG units) of the text inside graph boxes; 0 when there is none. */
function smallestFontSize(boxes) {
  let smallest = Infinity;
  for (const box of boxes) {
    for (const text of box.querySelectorAll("text[font-size]")) {
      const size = Number.parseFloat(text.getAttribute("font-size"));
      if (size > 0 && size < smallest) smallest = size;
    }
  }
  return Number.isFinite(smallest) ? smallest : 0;
}

function parseSvg(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = doc.documentElement;
  if (svg.nodeName !== "svg" || doc.querySelector("parsererror")) {
    throw new Error(t("The service sent a graph picture the page cannot read."));
  }
  // The SVG is ours, but names inside it come from user code: keep only drawing elements.
  for (const bad of svg.querySelectorAll("script, foreignObject")) bad.remove();
  for (const el of svg.querySelectorAll("*")) {
    for (const attr of [...el.attributes]) if (attr.name.startsWith("on")) el.removeAttribute(attr.name);
  }
  return document.importNode(svg, true);
}

/** Move the drawing into one <g> that panzoom transforms; the <svg> fills the container. */
function wrapContent(svg) {
  const wrapper = document.createElementNS(SVG_NS, "g");
  wrapper.setAttribute("class", "gt-viewport");
  for (const child of [...svg.childNodes]) {
    if (["title", "desc", "defs", "style"].includes(child.nodeName)) continue;
    wrapper.append(child);
  }
  svg.append(wrapper);
  svg.setAttribute("width", "100%");
  svg.setAttribute("height", "100%");
  // Without a viewBox one drawing unit is one CSS pixel at zoom 1, so panzoom's scale is the whole
  // scale: fit() can then promise a text size in CSS pixels.
  svg.removeAttribute("viewBox");
  return wrapper;
}

function labelForScreenReaders(svg) {
  svg.setAttribute("role", "group");
  const title = svg.querySelector(":scope > title");
  const desc = svg.querySelector(":scope > desc");
  if (title) {
    title.id ||= "gt-graph-title";
    svg.setAttribute("aria-labelledby", title.id);
  } else {
    svg.setAttribute("aria-label", t("Autograd graph"));
  }
  if (desc) {
    desc.id ||= "gt-graph-desc";
    svg.setAttribute("aria-describedby", desc.id);
  }
}

/** Make every graph node reachable by keyboard and named for screen readers. */
function prepareNodes(svg, nodesById) {
  for (const element of svg.querySelectorAll("g.node")) {
    const node = nodesById.get(element.id);
    if (!node) continue;
    element.setAttribute("tabindex", "0");
    element.setAttribute("role", "button");
    element.setAttribute("aria-label", describeNode(node));
    // Graphviz's own tooltip <title> would pop up over our inspector panel.
    element.querySelector(":scope > title")?.remove();
  }
}

/**
 * A repeated block (period k > 1: the same k ops n times) adds its block's ops, its repeat count and
 * the last node of each repetition, whose gradients make one point per repetition in the sparkline.
 */
function periodicFold(item, fold, nodesById) {
  const period = fold.period ?? 1;
  if (period <= 1) return item;
  const outputs = (fold.outputs ?? []).map((id) => nodesById.get(id)).filter(Boolean);
  // Named like its box: the variable every repetition's output was assigned to, when they share one.
  const names = new Set(outputs.map((node) => node.name ?? null));
  const name = names.size === 1 ? [...names][0] : item.name;
  return { ...item, name, period, repeats: fold.repeats, ops: fold.ops ?? [], outputs };
}

export function describeNode(node) {
  const parts = [];
  if (node.name) parts.push(node.name);
  if (node.kind === "fold" && node.period > 1) {
    parts.push(`${node.ops.join(" → ")} ×${formatCount(node.repeats)}`);
  } else if (node.kind === "fold") parts.push(`${node.op} ×${formatCount(node.steps.length)}`);
  else if (node.op) parts.push(node.op);
  parts.push(kindLabel(node.kind));
  if (node.shape) parts.push(t("shape {shape}", { shape: formatShape(node.shape) }));
  return parts.join(t(", "));
}

export function kindLabel(kind) {
  return {
    leaf: t("leaf tensor"),
    op: t("backward function"),
    tensor: t("intermediate tensor"),
    saved: t("saved tensor"),
    fold: t("folded run"),
  }[kind] ?? kind;
}
