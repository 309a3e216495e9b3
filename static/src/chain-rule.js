// The chain-rule part of the inspector: how the selected node's gradient was put together, and what
// it sent back to each of its inputs. Every number is one the API sent: edges[].grad is the gradient
// that flowed along an edge (the contribution to its source) and edges[].local the op's local
// derivative; this module only lays them out as equations.

import { t, tn } from "./i18n.js";
import { formatNumber, valueElement } from "./values.js";

/**
 * The "Chain rule" section for `node` of `graph`, or null when the graph carries no edge gradients.
 * `known(id)` says whether node `id`'s gradient is computed at the step on screen (always true when not stepping).
 */
export function chainRuleSection(node, graph, precision, known = () => true) {
  const edges = graph.edges ?? [];
  if (!edges.some((edge) => "grad" in edge)) return null;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const section = document.createElement("section");
  section.className = "chain-rule";
  const title = document.createElement("h4");
  title.textContent = t("Chain rule");
  section.append(title);
  if (!known(node.id)) {
    section.append(hint(t("backward() has not reached {name} yet at this step.", { name: labelOf(node) })));
    return section;
  }
  section.append(arrivingGradient(node, edges, byId, precision));
  const inputs = edges.filter((edge) => edge.target === node.id);
  if (node.op === "AccumulateGrad") {
    // Not an op with a derivative: it stores the gradient that arrived in its leaf's .grad.
    const leaf = inputs.map((edge) => byId.get(edge.source)).find(Boolean);
    section.append(
      hint(
        leaf
          ? t("AccumulateGrad adds this gradient into {leaf}.grad.", { leaf: labelOf(leaf) })
          : t("AccumulateGrad adds this gradient into the leaf's .grad."),
      ),
    );
  } else if (inputs.length) {
    section.append(sentBack(node, inputs, edges, byId, precision));
  }
  return section;
}

/** The node's gradient as the sum of what each of its uses sent back. */
function arrivingGradient(node, edges, byId, precision) {
  const uses = edges.filter((edge) => edge.source === node.id);
  const wrapper = document.createElement("div");
  wrapper.className = "chain-arriving";
  if (!uses.length) {
    wrapper.append(hint(t("backward() starts here: ∂{name}/∂{name} = 1.", { name: labelOf(node) })));
    return wrapper;
  }
  const who = labelOf(node);
  wrapper.append(
    hint(
      uses.length === 1
        ? t("{name}'s gradient is what its one use sent back:", { name: who })
        : t("{name} is used {count} times, so its gradient is the sum of what each use sent back:", {
            name: who,
            count: uses.length,
          }),
    ),
  );
  const terms = [term(node.grad, node.grad_stats, node.dtype, precision, `${who}.grad`)];
  uses.forEach((edge, index) => {
    const user = byId.get(edge.target);
    terms.push(index === 0 ? "=" : "+");
    const from = t("from {name}", { name: user ? labelOf(user) : edge.target });
    terms.push(term(edge.grad, edge.grad_stats, node.dtype, precision, from));
  });
  wrapper.append(equation(terms, "chain-sum"));
  const first = firstElement(node.grad);
  if (uses.length > 1 && first) {
    const parts = uses.map((edge) => firstElement(edge.grad));
    if (parts.every(Boolean)) {
      const numbers = parts.map((part) => formatNumber(part.value, precision)).join(" + ");
      const sum = `${formatNumber(first.value, precision)} = ${numbers}`;
      const each = t("each element, e.g. at [{index}]: {sum}", { index: first.where, sum });
      wrapper.append(hint(first.where === null ? sum : each));
    }
  }
  return wrapper;
}

/** For each input: grad in = grad out × local. */
function sentBack(node, inputs, edges, byId, precision) {
  const wrapper = document.createElement("div");
  wrapper.className = "chain-sent";
  wrapper.append(hint(t("{name} sends back to each input: grad in = grad out × local", { name: labelOf(node) })));
  for (const edge of inputs) {
    const input = byId.get(edge.source);
    const inputName = input ? inputLabel(input, edges, byId) : edge.source;
    const row = document.createElement("div");
    row.className = "chain-edge";
    const to = document.createElement("div");
    to.className = "chain-to";
    to.textContent = t("to {name}", { name: inputName });
    const terms = [
      term(edge.grad, edge.grad_stats, input?.dtype ?? node.dtype, precision, t("grad in")),
      "=",
      term(node.grad, node.grad_stats, node.dtype, precision, t("grad out")),
      "×",
      localTerm(edge.local, precision, t("local ∂{out}/∂{input}", { out: labelOf(node), input: inputName })),
    ];
    row.append(to, equation(terms, "chain-product"));
    wrapper.append(row);
  }
  return wrapper;
}

function equation(parts, className) {
  const row = document.createElement("div");
  row.className = `chain-equation ${className}`;
  for (const part of parts) {
    if (typeof part === "string") {
      const op = document.createElement("span");
      op.className = "chain-op";
      op.textContent = part;
      row.append(op);
    } else {
      row.append(part);
    }
  }
  return row;
}

function term(value, stats, dtype, precision, caption) {
  const box = document.createElement("figure");
  box.className = "chain-term";
  const body = document.createElement("div");
  body.className = "value-scroll";
  body.append(valueElement(value ?? null, precision, dtype, stats ?? null));
  const label = document.createElement("figcaption");
  label.textContent = caption;
  box.append(body, label);
  return box;
}

/** The local derivative: its numbers when the API lists them, else its rule in words ("grad @ Wᵀ"). */
function localTerm(local, precision, caption) {
  const box = document.createElement("figure");
  box.className = "chain-term chain-local";
  const body = document.createElement("div");
  body.className = "value-scroll";
  if (!local) {
    body.append(muted(t("no simple factor: PyTorch's rule for this op")));
  } else if (local.value !== null && local.value !== undefined && Array.isArray(local.value)) {
    body.append(valueElement(local.value, precision, null));
    if (local.text) body.append(muted(` (${local.text})`));
  } else {
    const rule = document.createElement("code");
    rule.className = "value-scalar";
    rule.textContent = local.text ?? formatNumber(local.value, precision);
    body.append(rule);
  }
  const label = document.createElement("figcaption");
  label.textContent = caption;
  box.append(body, label);
  return box;
}

/** The gradient check of leaf `name`: ✓ or ✗ with the largest relative error. */
export function gradcheckLine(graph, node) {
  const check = node.kind === "leaf" && node.name ? graph.gradcheck?.[node.name] : null;
  if (!check) return null;
  const line = document.createElement("p");
  line.className = `gradcheck ${check.ok ? "gradcheck-ok" : "gradcheck-bad"}`;
  const mark = document.createElement("strong");
  mark.textContent = check.ok ? t("✓ gradient check passed") : t("✗ gradient check failed");
  const checked = Number(check.checked_elements ?? 0);
  line.append(
    mark,
    tn(
      ": largest relative error {rel} (absolute {abs}) against central finite differences in float64, over {n} element.",
      ": largest relative error {rel} (absolute {abs}) against central finite differences in float64, over {n} elements.",
      checked,
      { rel: formatNumber(check.max_rel_error, 2), abs: formatNumber(check.max_abs_error, 2) },
    ),
  );
  return line;
}

/** The first entry of a listed tensor, with where it sits ("at [0, 0]: "); a scalar as itself. */
function firstElement(value) {
  if (typeof value === "number") return { value, where: null };
  const index = [];
  let entry = value;
  while (Array.isArray(entry) && entry.length) {
    index.push(0);
    entry = entry[0];
  }
  return typeof entry === "number" ? { value: entry, where: index.join(", ") } : null;
}

export function labelOf(node) {
  return node.name ?? node.op ?? node.id;
}

/** The name a learner knows an input by: an unnamed AccumulateGrad box stands for the leaf it fills
 * (`∂y/∂x`, not `∂y/∂AccumulateGrad`). */
function inputLabel(input, edges, byId) {
  if (input.name == null && input.op === "AccumulateGrad") {
    const fromLeaf = edges.find((edge) => edge.target === input.id);
    const leaf = fromLeaf ? byId.get(fromLeaf.source) : undefined;
    if (leaf?.name) return leaf.name;
  }
  return labelOf(input);
}

function hint(content) {
  const p = document.createElement("p");
  p.className = "hint";
  p.textContent = content;
  return p;
}

function muted(content) {
  const span = document.createElement("span");
  span.className = "value-none";
  span.textContent = content;
  return span;
}
