// The whole view (code, inputs, options, chosen graph) lives in the URL hash, so a link
// reproduces it. Code is deflated + base64url when the browser can, which keeps links short.

const DEFAULT_OPTIONS = {
  direction: "TB",
  precision: 4,
  show_values: true,
  show_grads: true,
  collapse_runs: true,
  color_by: "none", // or "grad": boxes coloured by the size of their gradient
  edge_labels: "auto", // "on" / "off"; automatic: on while the labels stay readable
  gradcheck: false, // draw each leaf's numeric gradient check (✓/✗) in its box
};

/** The options as the API takes them: ones left at their defaults are not sent. */
export function apiOptions(options) {
  const sent = { ...options };
  if (sent.color_by === DEFAULT_OPTIONS.color_by) delete sent.color_by;
  if (!sent.gradcheck) delete sent.gradcheck;
  if (sent.edge_labels === "auto") delete sent.edge_labels;
  else sent.edge_labels = sent.edge_labels === "on";
  return sent;
}

export function defaultOptions() {
  return { ...DEFAULT_OPTIONS };
}

export async function encodeState({ code, inputs, options, graphIndex }) {
  const params = new URLSearchParams();
  const packed = await deflate(code);
  // Compression only pays off past a few dozen characters; short code stays readable.
  if (packed !== null && packed.length < encodeURIComponent(code).length) params.set("z", packed);
  else params.set("code", code);
  if (inputs && Object.keys(inputs).length) params.set("inputs", JSON.stringify(inputs));
  if (options.direction !== DEFAULT_OPTIONS.direction) params.set("dir", options.direction);
  if (options.precision !== DEFAULT_OPTIONS.precision) params.set("prec", String(options.precision));
  if (!options.show_values) params.set("values", "0");
  if (!options.show_grads) params.set("grads", "0");
  if (!options.collapse_runs) params.set("collapse", "0");
  if (options.color_by === "grad") params.set("color", "grad");
  if (options.edge_labels !== "auto") params.set("edges", options.edge_labels);
  if (options.gradcheck) params.set("gradcheck", "1");
  if (graphIndex > 0) params.set("graph", String(graphIndex));
  return "#" + params.toString();
}

/** Read a hash made by encodeState; null when the hash holds no code. */
export async function decodeState(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  let code = params.get("code");
  if (params.has("z")) code = await inflate(params.get("z"));
  if (code === null) return null;
  const options = defaultOptions();
  if (params.get("dir") === "LR") options.direction = "LR";
  const precision = Number.parseInt(params.get("prec") ?? "", 10);
  if (Number.isInteger(precision) && precision >= 1 && precision <= 10) options.precision = precision;
  options.show_values = params.get("values") !== "0";
  options.show_grads = params.get("grads") !== "0";
  options.collapse_runs = params.get("collapse") !== "0";
  if (params.get("color") === "grad") options.color_by = "grad";
  if (["on", "off"].includes(params.get("edges"))) options.edge_labels = params.get("edges");
  options.gradcheck = params.get("gradcheck") === "1";
  let inputs = {};
  try {
    const parsed = JSON.parse(params.get("inputs") ?? "{}");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) inputs = parsed;
  } catch {
    // A damaged inputs parameter should not lose the code; fall back to the defaults.
  }
  const graphIndex = Math.max(0, Number.parseInt(params.get("graph") ?? "0", 10) || 0);
  return { code, inputs, options, graphIndex };
}

/** zlib-deflate + base64url, no padding: the encoding Kroki uses and /svg/{encoded} reads. */
export async function deflate(text) {
  if (typeof CompressionStream === "undefined") return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function inflate(packed) {
  try {
    const binary = atob(packed.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return await new Response(stream).text();
  } catch {
    return null;
  }
}
