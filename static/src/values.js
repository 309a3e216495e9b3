// Turning API values (numbers, nested lists, "NaN"/"Infinity" strings) into text and tables.

import { t } from "./i18n.js";

export function formatNumber(value, precision, isFloat = true) {
  if (typeof value === "string") return value; // non-finite numbers arrive as strings
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value !== "number") return String(value);
  // JSON turns 1.0 into 1; a float tensor's entries should still read as floats.
  if (Number.isInteger(value) && !isFloat) return String(value);
  const fixed = value.toFixed(precision);
  // Very large or tiny numbers read better in exponent form than as 0.0000.
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 10 ** -precision)) {
    return value.toExponential(Math.max(1, precision - 1));
  }
  return fixed;
}

export function formatShape(shape) {
  if (!Array.isArray(shape)) return "—";
  return shape.length ? `(${shape.join(", ")})` : t("scalar");
}

/**
 * A DOM element showing `value`: a number as text, a vector or matrix as a table,
 * higher ranks as a stack of matrices labelled with their leading indices.
 */
export function valueElement(value, precision, dtype, stats = null) {
  const isFloat = !dtype || /float|double|half|complex/.test(dtype);
  if ((value === null || value === undefined) && stats) return statsElement(stats, precision);
  if (value === null || value === undefined) {
    const none = document.createElement("span");
    none.className = "value-none";
    none.textContent = "None";
    return none;
  }
  if (!Array.isArray(value)) {
    const scalar = document.createElement("code");
    scalar.className = "value-scalar";
    scalar.textContent = formatNumber(value, precision, isFloat);
    return scalar;
  }
  if (!value.some(Array.isArray)) return matrixTable([value], precision, isFloat);
  if (!value.some((row) => Array.isArray(row) && row.some(Array.isArray))) return matrixTable(value, precision, isFloat);
  const stack = document.createElement("div");
  stack.className = "value-stack";
  value.forEach((slice, index) => {
    const label = document.createElement("div");
    label.className = "value-slice-label";
    label.textContent = `[${index}]`;
    stack.append(label, valueElement(slice, precision, dtype));
  });
  return stack;
}

/** A tensor too large to list (the API sends `value_stats`/`grad_stats`): its min, max and mean. */
function statsElement(stats, precision) {
  const line = document.createElement("code");
  line.className = "value-stats";
  const names = { min: t("min"), max: t("max"), mean: t("mean") };
  line.textContent = ["min", "max", "mean"].map((key) => `${names[key]} ${formatNumber(stats[key], precision)}`).join("  ");
  line.title = t("Too many elements to list: the service sent only their min, max and mean");
  return line;
}

function matrixTable(rows, precision, isFloat) {
  const table = document.createElement("table");
  table.className = "value-table";
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) {
      const td = tr.insertCell();
      td.textContent = formatNumber(cell, precision, isFloat);
      if (typeof cell === "number" && cell < 0) td.className = "negative";
    }
  }
  return table;
}
