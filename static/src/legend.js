// The legend explains node colours. The renderer colours a node by its role (the last class of
// `<g class="node KIND ROLE">`); swatches are read from the drawn SVG so the legend cannot drift
// from its palette, and the CSS colours are only the fallback when a role is not in the graph.

import { t } from "./i18n.js";

const ROLES = [
  ["leaf", t("Leaf tensor"), t("yours, with requires_grad=True; backward() fills its .grad")],
  ["named", t("Named result"), t("an operation whose output you kept in a variable")],
  ["op", t("Intermediate step"), t("an operation whose output has no name")],
  ["root", t("Root"), t("where backward() starts: its gradient is 1")],
];

// Shown with color_by=grad: the fill is the size of the gradient, on the ramp drawn in the graph.
const RAMP = [
  "ramp",
  t("Fill: gradient size"),
  t("mean |grad| on a logarithmic ramp, drawn with its numbers in the graph"),
];

// Shown only when the graph has one: a dashed box standing for many steps.
const FOLD = ["fold", t("Folded run"), t("many steps drawn as one dashed box; select it to see them")];

export function renderLegend(list, svg) {
  list.replaceChildren();
  const folded = svg?.querySelector("g.node.fold") ? [FOLD] : [];
  // Coloured by gradient size, boxes wear the ramp's colours: the role swatches keep the page's own.
  const ramp = Boolean(svg?.querySelector("g.node.legend"));
  const outlined = ([role, title, why]) => {
    const explanation = t("{why} (outlined; the fill is the gradient's size)", { why });
    return [role, title, explanation];
  };
  const shown = ramp ? [...ROLES.map(outlined), RAMP] : ROLES;
  for (const [role, title, explanation] of [...shown, ...folded]) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch role-${role}`;
    const colours = svg && !ramp ? roleColours(svg, role) : null;
    if (colours) {
      swatch.style.background = colours.fill;
      swatch.style.borderColor = colours.stroke;
    }
    // A compact strip under the graph: the title shows, the explanation is a tooltip and is read out.
    const label = document.createElement("span");
    label.textContent = title;
    const more = document.createElement("span");
    more.className = "visually-hidden";
    more.textContent = ` — ${explanation}`;
    item.title = explanation;
    item.append(swatch, label, more);
    list.append(item);
  }
}

function roleColours(svg, role) {
  const node =
    role === "fold"
      ? svg.querySelector("g.node.fold")
      : // `<g class="node KIND ROLE ...">`: the role is the third class.
        [...svg.querySelectorAll("g.node:not(.fold):not(.legend)")].find((g) => g.classList.item(2) === role);
  const shape = node?.querySelector("path, polygon, ellipse");
  const fill = shape?.getAttribute("fill");
  if (!fill || fill === "none") return null;
  return { fill, stroke: shape.getAttribute("stroke") ?? "currentColor" };
}
