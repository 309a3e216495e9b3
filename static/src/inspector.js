// The node panel: full value and gradient of the node under the pointer or focus.

import { kindLabel } from "./graph-view.js";
import { formatShape, valueElement } from "./values.js";

export function renderInspector(panel, node, precision) {
  panel.replaceChildren();
  if (!node) {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "Hover, tap or focus a node to see its full value and gradient.";
    panel.append(hint);
    return;
  }
  const heading = document.createElement("h3");
  heading.textContent = node.name ?? node.op ?? node.id;
  const kind = document.createElement("span");
  kind.className = `kind-badge kind-${node.kind}`;
  kind.textContent = kindLabel(node.kind);
  heading.append(" ", kind);
  panel.append(heading);

  const facts = document.createElement("dl");
  facts.className = "facts";
  addFact(facts, "grad_fn", node.op ? code(node.op) : text(node.kind === "leaf" ? "None (leaf)" : "—"));
  addFact(facts, "shape", text(formatShape(node.shape)));
  addFact(facts, "dtype", text(node.dtype ?? "—"));
  addFact(facts, "line", text(node.line ? `line ${node.line}` : "—"));
  panel.append(facts);

  if (node.kind !== "op" || node.value !== null) panel.append(section("value", node.value, precision, node.dtype));
  if (node.kind !== "op" || node.grad !== null) panel.append(section("grad", node.grad, precision, node.dtype));
}

function section(title, value, precision, dtype) {
  const wrapper = document.createElement("section");
  wrapper.className = `inspector-${title}`;
  const heading = document.createElement("h4");
  heading.textContent = title === "grad" ? "gradient (.grad)" : "value";
  const scroller = document.createElement("div");
  scroller.className = "value-scroll";
  scroller.append(valueElement(value, precision, dtype));
  wrapper.append(heading, scroller);
  return wrapper;
}

function addFact(list, term, definition) {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.append(definition);
  list.append(dt, dd);
}

function code(content) {
  const el = document.createElement("code");
  el.textContent = content;
  return el;
}

function text(content) {
  return document.createTextNode(content);
}
