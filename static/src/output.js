// Printed output, shown like a notebook cell's output, and the service's warnings.

export function renderOutput(pre, warningsList, stdout, warnings, outputs = []) {
  pre.replaceChildren(...interleaved(stdout, outputs ?? []));
  pre.closest("section").classList.toggle("is-empty", !stdout && !outputs?.length);
  warningsList.replaceChildren();
  for (const warning of warnings ?? []) {
    const item = document.createElement("li");
    item.textContent = warning;
    warningsList.append(item);
  }
  warningsList.hidden = !warnings || warnings.length === 0;
}

/**
 * Printed text with each bare expression's value ({line, text, at}) put where it ran: `at` counts
 * the characters printed before it, in code points as Python counts them.
 */
function interleaved(stdout, outputs) {
  const chars = Array.from(stdout);
  const parts = [];
  let from = 0;
  for (const echo of outputs) {
    const upto = Math.min(Math.max(echo.at, from), chars.length);
    if (upto > from) parts.push(chars.slice(from, upto).join(""));
    from = upto;
    const block = document.createElement("span");
    block.className = "echo";
    block.dataset.line = String(echo.line);
    const mark = document.createElement("span");
    mark.className = "echo-line";
    mark.textContent = `[line ${echo.line}] `;
    block.append(mark, `${echo.text}\n`);
    parts.push(block);
  }
  if (from < chars.length) parts.push(chars.slice(from).join(""));
  return parts;
}

const ERROR_TITLES = {
  syntax: "This is not valid Python",
  forbidden: "gradtrace cannot run this",
  limit: "This program is too big for the playground",
  timeout: "This program took too long",
  runtime: "The program stopped with an error",
  render: "The graph could not be drawn",
  request: "Something went wrong",
};

/** Show an API error next to the code; `null` hides the box. */
export function renderError(box, error) {
  box.hidden = !error;
  box.replaceChildren();
  if (!error) return;
  const title = document.createElement("strong");
  title.textContent = ERROR_TITLES[error.type] ?? ERROR_TITLES.request;
  const message = document.createElement("p");
  message.textContent = error.message;
  box.append(title, message);
  if (error.line) {
    const where = document.createElement("p");
    where.className = "error-where";
    where.textContent = `Marked in the editor: line ${error.line}${error.col ? `, column ${error.col}` : ""}.`;
    box.append(where);
  }
}
