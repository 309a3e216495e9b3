// Downloads (SVG, PNG, DOT) and the embed snippet. PNG is drawn in the browser so it needs no
// extra request; the embed snippet points at the service's SVG endpoint so pages stay live.
import { language, t } from "./i18n.js";
import { deflate } from "./permalink.js";

// Big enough to print sharply, small enough for every browser's canvas limit.
const PNG_SCALE = 3;
const MAX_CANVAS_SIDE = 8192;

export function downloadText(text, filename, type) {
  saveBlob(new Blob([text], { type }), filename);
}

export async function downloadPng(svgText, filename, background) {
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
  try {
    const image = await loadImage(url);
    const [width, height] = naturalSize(image, svgText);
    const scale = Math.min(PNG_SCALE, MAX_CANVAS_SIDE / width, MAX_CANVAS_SIDE / height);
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext("2d");
    context.fillStyle = background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    saveBlob(blob, filename);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The service's image URL for this view: the compact, cacheable /svg/{encoded} form where the
 * browser can compress, else /graph.svg?code=...; options left at their defaults are omitted. */
export async function embedUrl({ code, inputs, theme, options, graphIndex, step = null }) {
  const packed = await deflate(code);
  const params = packed === null ? new URLSearchParams({ code }) : new URLSearchParams();
  if (inputs && Object.keys(inputs).length) params.set("inputs", JSON.stringify(inputs));
  params.set("theme", theme);
  if (options.direction !== "TB") params.set("direction", options.direction);
  if (options.precision !== 4) params.set("precision", String(options.precision));
  if (!options.show_values) params.set("values", "false");
  if (!options.show_grads) params.set("grads", "false");
  if (!options.collapse_runs) params.set("collapse", "false");
  if (options.color_by === "grad") params.set("color_by", "grad");
  if (options.gradcheck) params.set("gradcheck", "true");
  if (options.edge_labels !== "auto") params.set("edge_labels", options.edge_labels === "on" ? "true" : "false");
  // The words inside the picture follow the page's language.
  if (language !== "en") params.set("lang", language);
  params.set("graph", String(graphIndex));
  // The stepper's place, for slides: the picture of that step of forward-then-backward.
  if (Number.isInteger(step)) params.set("step", String(step));
  const path = packed === null ? "/graph.svg" : `/svg/${packed}`;
  return `${window.location.origin}${path}?${params.toString()}`;
}

export function embedSnippets(url, alt) {
  const escaped = url.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  const altHtml = alt.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return {
    html: `<img src="${escaped}" alt="${altHtml}">`,
    markdown: `![${alt.replace(/[[\]]/g, "")}](${url.replace(/\)/g, "%29")})`,
  };
}

export async function copyText(text, fallbackField) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // The clipboard API needs a secure context; selecting the text is the old, working way.
    fallbackField.select();
    return document.execCommand("copy");
  }
}

function saveBlob(blob, filename) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(t("The graph could not be turned into a picture.")));
    image.src = url;
  });
}

function naturalSize(image, svgText) {
  if (image.naturalWidth && image.naturalHeight) return [image.naturalWidth, image.naturalHeight];
  const viewBox = /viewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"/.exec(svgText);
  return viewBox ? [Number(viewBox[1]), Number(viewBox[2])] : [800, 600];
}
