// The gradient along a folded run, as a small line drawn here (no charting library): one point
// per step, first step on the left. On a log scale of the size (|x|) once the numbers span more
// than two decades, because that is when a vanishing (or exploding) gradient is the story.

import { formatCount as count, joined, t } from "./i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 300;
const HEIGHT = 64;
const PAD = 4;
const LOG_SPAN = 100; // max/min past this draws on a log scale
const LESSON_RATIO = 100; // first/last step gradients this far apart get a sentence of explanation

/**
 * One number per step for a sparkline of `field` ("grad" or "value"): a scalar's own number, a
 * tensor's mean absolute value (from its elements, or from min/max/mean when it is only summarised
 * and all one sign), or null where the step has none that is finite.
 */
export function stepSeries(steps, field) {
  return steps.map((node) => {
    const value = node[field];
    const isComplex = /complex/.test(node.dtype ?? "");
    if (value === null || value === undefined) return meanAbsFromStats(node[`${field}_stats`]);
    if (!Array.isArray(value)) return finite(value);
    return meanAbs(value, isComplex);
  });
}

function finite(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function meanAbs(nested, isComplex) {
  let total = 0;
  let count = 0;
  const visit = (item) => {
    // Complex elements arrive as [real, imag] pairs: their size is the modulus.
    if (isComplex && Array.isArray(item) && item.length === 2 && !item.some(Array.isArray)) {
      total += Math.hypot(item[0], item[1]);
      count += 1;
    } else if (Array.isArray(item)) {
      item.forEach(visit);
    } else {
      total += Math.abs(typeof item === "number" ? item : Number.NaN);
      count += 1;
    }
  };
  visit(nested);
  return count && Number.isFinite(total) ? total / count : null;
}

function meanAbsFromStats(stats) {
  if (!stats) return null;
  // Mean |x| is the mean's size only when no element has the other sign; otherwise it is unknown.
  if (stats.min >= 0) return finite(stats.mean);
  if (stats.max <= 0) return finite(-stats.mean);
  return null;
}

/** Four significant digits, exponent form for the very large and very small: 0.001939, 6.428e-7. */
export function formatSignificant(value) {
  const size = Math.abs(value);
  if (size !== 0 && (size < 1e-3 || size >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/**
 * The scale and extremes of a series: `log` (of |x|) when the biggest size is more than LOG_SPAN
 * times the smallest non-zero one; `absolute` when that drops the sign of some point.
 */
export function seriesScale(series) {
  const known = series.filter((v) => v !== null);
  if (!known.length) return null;
  const sizes = known.map(Math.abs).filter((v) => v > 0);
  const span = sizes.length ? Math.max(...sizes) / Math.min(...sizes) : 1;
  if (span > LOG_SPAN) {
    const [low, high] = [Math.min(...sizes), Math.max(...sizes)];
    return { log: true, absolute: known.some((v) => v < 0), low, high, zeros: known.length - sizes.length };
  }
  return { log: false, absolute: false, low: Math.min(...known), high: Math.max(...known), zeros: 0 };
}

/**
 * A <figure> with the line of `series` (one number or null per step), labelled for sight and
 * for screen readers. `what` names the quantity ("gradient" or "mean |gradient|", shown in the page's
 * language); `unit` what one point is ("step" of a run of one op, "repetition" of a repeated block).
 */
export function sparklineFigure(series, { what, subject, unit = "step" }) {
  const words = unitWords(unit);
  const scale = seriesScale(series);
  const figure = element("figure", "sparkline");
  const caption = element("figcaption", "sparkline-caption");
  const quantity = what === "gradient" ? t("gradient") : t("mean |gradient|");
  const plotted = scale?.absolute ? `|${quantity}|` : quantity;
  const along = t("{plotted} along the {count} folded {units}", {
    plotted,
    count: count(series.length),
    units: words.many,
  });
  const logScale = t("log scale");
  caption.textContent = scale?.log ? `${along} · ${logScale}` : along;
  figure.append(caption);
  if (!scale) {
    const none = element("p", "hint");
    none.textContent = t("These {units} kept no finite {what} to plot.", { units: words.many, what: quantity });
    figure.append(none);
    return figure;
  }
  // A 2×2 grid: the y labels beside the line, the x labels under it.
  const plot = element("div", "sparkline-plot");
  plot.append(
    axisLabels("sparkline-y", scaleEnds(scale)),
    drawLine(series, scale, describeSeries(series, scale, plotted, subject, words)),
    element("span"),
    axisLabels("sparkline-x", [
      t("{unit} {k} (first)", { unit: words.one, k: 1 }),
      t("{unit} {k} (last)", { unit: words.one, k: count(series.length) }),
    ]),
  );
  figure.append(plot);
  const lesson = gradientLesson(series, what);
  if (lesson) {
    const note = element("p", "sparkline-lesson");
    note.textContent = lesson;
    figure.append(note);
  }
  return figure;
}

function scaleEnds(scale) {
  return [scale.high, scale.low].map(formatSignificant);
}

function axisLabels(className, texts) {
  const labels = element("div", className);
  labels.setAttribute("aria-hidden", "true"); // the drawing's text alternative already says this
  for (const text of texts) {
    const span = element("span");
    span.textContent = text;
    labels.append(span);
  }
  return labels;
}

function drawLine(series, scale, description) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute("class", "sparkline-svg");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", description);
  const title = document.createElementNS(SVG_NS, "title");
  title.textContent = description;
  svg.append(title);
  const frame = svgElement("rect", { class: "sparkline-frame", x: 0.5, y: 0.5, width: WIDTH - 1, height: HEIGHT - 1 });
  svg.append(frame);
  const y = yMapping(scale);
  if (!scale.log && scale.low < 0 && scale.high > 0) {
    svg.append(svgElement("line", { class: "sparkline-zero", x1: 0, x2: WIDTH, y1: y(0), y2: y(0) }));
  }
  const x = (index) => (series.length < 2 ? WIDTH / 2 : PAD + (index * (WIDTH - 2 * PAD)) / (series.length - 1));
  // A step without a number breaks the line rather than being drawn as zero.
  let run = [];
  const flush = () => {
    if (run.length > 1) svg.append(svgElement("polyline", { class: "sparkline-line", points: run.join(" ") }));
    run = [];
  };
  series.forEach((value, index) => {
    if (value === null) flush();
    else run.push(`${x(index).toFixed(2)},${y(value).toFixed(2)}`);
  });
  flush();
  for (const index of [0, series.length - 1]) {
    if (series[index] === null) continue;
    svg.append(svgElement("circle", { class: "sparkline-end", cx: x(index), cy: y(series[index]), r: 2.6 }));
  }
  return svg;
}

function yMapping(scale) {
  const top = PAD;
  const bottom = HEIGHT - PAD;
  if (scale.log) {
    const low = Math.log10(scale.low);
    const high = Math.log10(scale.high);
    // Exact zeros have no logarithm: they sit on the bottom edge, and the description says so.
    return (v) => bottom - ((Math.log10(Math.max(Math.abs(v), scale.low)) - low) / (high - low)) * (bottom - top);
  }
  if (scale.high === scale.low) return () => HEIGHT / 2;
  return (v) => bottom - ((v - scale.low) / (scale.high - scale.low)) * (bottom - top);
}

/** The words for one point of a sparkline, in the page's language. */
function unitWords(unit) {
  return unit === "repetition"
    ? { one: t("repetition"), many: t("repetitions") }
    : { one: t("step"), many: t("steps") };
}

function describeSeries(series, scale, plotted, subject, words) {
  const first = series[0];
  const last = series[series.length - 1];
  const units = words.many;
  const length = count(series.length);
  const parts = [t("{plotted} of {subject} along {count} folded {units}", { plotted, subject, count: length, units })];
  const shown = (v) => formatSignificant(scale.absolute ? Math.abs(v) : v);
  if (first !== null && last !== null) {
    const ends = { first: shown(first), last: shown(last), unit: words.one };
    parts.push(t("from {first} at the first {unit} to {last} at the last", ends));
  }
  const range = { low: formatSignificant(scale.low), high: formatSignificant(scale.high) };
  parts.push(
    scale.log ? t("ranging from {low} to {high}, drawn on a log scale", range) : t("ranging from {low} to {high}", range),
  );
  const missing = series.filter((v) => v === null).length;
  if (missing) {
    parts.push(t("{count} {units} have no finite {plotted} and are left out", { count: count(missing), units, plotted }));
  }
  if (scale.zeros) {
    parts.push(t("{count} {units} are exactly 0, drawn at the bottom", { count: count(scale.zeros), units }));
  }
  const separator = t("; ");
  return t("{parts}.", { parts: parts.join(separator) });
}

/** A sentence on vanishing or exploding gradients when the run's ends differ a hundredfold. */
export function gradientLesson(series, what) {
  if (!/gradient/.test(what)) return null;
  const first = Math.abs(series[0] ?? 0);
  const last = Math.abs(series[series.length - 1] ?? 0);
  if (!first || !last) return null;
  const flow = t("Gradients flow backward, from the last step to the first.");
  if (last / first >= LESSON_RATIO) {
    const shrink = t("Here they shrink {factor} on the way: a vanishing gradient.", { factor: factor(last / first) });
    return joined(flow, shrink);
  }
  if (first / last >= LESSON_RATIO) {
    const grow = t("Here they grow {factor} on the way: an exploding gradient.", { factor: factor(first / last) });
    return joined(flow, grow);
  }
  return null;
}

function factor(ratio) {
  if (ratio < 1e6) return t("{ratio}-fold", { ratio: Math.round(ratio).toLocaleString("en-US") });
  return t("about 10^{power}-fold", { power: Math.round(Math.log10(ratio)) });
}

function element(tag, className) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  return el;
}

function svgElement(tag, attributes) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, String(value));
  return el;
}
