// The legend explains node colours. The renderer colours a node by its role (the last class of
// `<g class="node KIND ROLE">`); swatches are read from the drawn SVG so the legend cannot drift
// from its palette, and the CSS colours are only the fallback when a role is not in the graph.

const ROLES = [
  ["leaf", "Leaf tensor", "yours, with requires_grad=True; backward() fills its .grad"],
  ["named", "Named result", "an operation whose output you kept in a variable"],
  ["op", "Intermediate step", "an operation whose output has no name"],
  ["root", "Root", "where backward() starts: its gradient is 1"],
];

// Shown only when the graph has one: a dashed box standing for many steps.
const FOLD = ["fold", "Folded run", "many steps drawn as one dashed box; select it to see them"];

export function renderLegend(list, svg) {
  list.replaceChildren();
  const folded = svg?.querySelector("g.node.fold") ? [FOLD] : [];
  for (const [role, title, explanation] of [...ROLES, ...folded]) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch role-${role}`;
    const colours = svg ? roleColours(svg, role) : null;
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

function roleColours(svg, role) {
  const node =
    role === "fold"
      ? svg.querySelector("g.node.fold")
      : [...svg.querySelectorAll("g.node:not(.fold)")].find((g) => g.classList.item(g.classList.length - 1) === role);
  const shape = node?.querySelector("path, polygon, ellipse");
  const fill = shape?.getAttribute("fill");
  if (!fill || fill === "none") return null;
  return { fill, stroke: shape.getAttribute("stroke") ?? "currentColor" };
}
