// Printed output, shown like a notebook cell's output, and the service's warnings.

import { t, withElements } from "./i18n.js";

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
    mark.textContent = t("[line {line}] ", { line: echo.line });
    block.append(mark, `${echo.text}\n`);
    parts.push(block);
  }
  if (from < chars.length) parts.push(chars.slice(from).join(""));
  return parts;
}

// A function, so the titles are looked up in the page's language when shown.
const errorTitles = () => ({
  syntax: t("This is not valid Python"),
  forbidden: t("gradtrace cannot run this"),
  limit: t("This program is too big for the playground"),
  timeout: t("This program took too long"),
  runtime: t("The program stopped with an error"),
  render: t("The graph could not be drawn"),
  request: t("Something went wrong"),
});

/** Show an API error next to the code; `null` hides the box. */
export function renderError(box, error) {
  box.hidden = !error;
  box.replaceChildren();
  if (!error) return;
  const title = document.createElement("strong");
  const titles = errorTitles();
  title.textContent = titles[error.type] ?? titles.request;
  const message = document.createElement("p");
  message.append(...withCodeSpans(error.message ?? ""));
  box.append(title, message);
  if (error.code) {
    // The stable code (forbidden.import): what to search for or quote when asking for help.
    const code = document.createElement("code");
    code.className = "error-code";
    code.textContent = error.code;
    const line = document.createElement("p");
    line.className = "error-code-line";
    line.append(...withElements(t("Error code: {code}"), { code }));
    box.append(line);
  }
  if (error.line) {
    const where = document.createElement("p");
    where.className = "error-where";
    where.textContent = error.col
      ? t("Marked in the editor: line {line}, column {col}.", { line: error.line, col: error.col })
      : t("Marked in the editor: line {line}.", { line: error.line });
    box.append(where);
  }
}

/** A message's `quoted code` (a name, a suggestion to write instead) as <code>, the rest as text. */
function withCodeSpans(text) {
  return text.split(/`([^`\n]+)`/).map((part, index) => {
    if (index % 2 === 0) return part;
    const code = document.createElement("code");
    code.textContent = part;
    return code;
  });
}
