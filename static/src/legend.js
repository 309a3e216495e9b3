// The legend explains node kinds. Swatch colours are read from the drawn SVG, so the legend
// cannot drift from whatever palette the renderer uses; CSS colours are only the fallback.

const KINDS = [
  ["leaf", "Leaf tensor", "created by you with requires_grad=True; its .grad is kept"],
  ["tensor", "Intermediate tensor", "a named result of an operation"],
  ["op", "Backward function", "the grad_fn that carries gradients to its inputs"],
  ["saved", "Saved tensor", "kept by an op for its backward pass"],
];

export function renderLegend(list, svg) {
  list.replaceChildren();
  for (const [kind, title, explanation] of KINDS) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch kind-${kind}`;
    const colours = svg ? shapeColours(svg, kind) : null;
    if (colours) {
      swatch.style.background = colours.fill;
      swatch.style.borderColor = colours.stroke;
    }
    const label = document.createElement("span");
    const strong = document.createElement("strong");
    strong.textContent = title;
    label.append(strong, ` — ${explanation}`);
    item.append(swatch, label);
    list.append(item);
  }
}

function shapeColours(svg, kind) {
  const shape = svg.querySelector(`g.node.${kind} polygon, g.node.${kind} ellipse, g.node.${kind} path`);
  if (!shape) return null;
  const fill = shape.getAttribute("fill");
  if (!fill || fill === "none") return null;
  return { fill, stroke: shape.getAttribute("stroke") ?? "currentColor" };
}
