// Printed output, shown like a notebook cell's output, and the service's warnings.

export function renderOutput(pre, warningsList, stdout, warnings) {
  pre.textContent = stdout;
  pre.closest("section").classList.toggle("is-empty", !stdout);
  warningsList.replaceChildren();
  for (const warning of warnings ?? []) {
    const item = document.createElement("li");
    item.textContent = warning;
    warningsList.append(item);
  }
  warningsList.hidden = !warnings || warnings.length === 0;
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
