// The page talks to the same JSON API as every other client (POST /api/graph).

import { t } from "./i18n.js";

/**
 * Ask the service for the graphs of `code`. Resolves to {ok: true, data} or
 * {ok: false, error: {type, message, line, col}}; rejects only with AbortError.
 */
export async function fetchGraph(request, signal) {
  let response;
  try {
    response = await fetch("/api/graph", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    return failure("request", t("Could not reach the gradtrace service. Is it still running?"));
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    if (err.name === "AbortError") throw err;
  }
  if (response.ok && body && Array.isArray(body.graphs)) return { ok: true, data: body };
  // A runtime error may carry what ran before the failing line (graphs, stdout...) as `partial`.
  if (body && body.error) return { ok: false, error: body.error, partial: body.partial ?? null };
  return failure("request", t("The service answered {status} without an explanation.", { status: response.status }));
}

function failure(type, message) {
  return { ok: false, error: { type, message, line: null, col: null } };
}
