// The inputs panel: one field per free name the code reads (the API's `inputs`), each holding
// a number or a nested list as JSON. Only values the user edits are sent back.

export function renderInputs(form, usedInputs, edited, onEdit) {
  const names = Object.keys(usedInputs ?? {});
  form.closest("section").hidden = names.length === 0;
  // Keep a field that is being typed into, so re-rendering does not steal the caret.
  const focused = document.activeElement?.dataset?.inputName;
  const existing = new Map([...form.querySelectorAll("input")].map((el) => [el.dataset.inputName, el]));
  form.replaceChildren();
  for (const name of names) {
    const id = `input-${name}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = name;
    let field = existing.get(name);
    if (!field) {
      field = document.createElement("input");
      field.id = id;
      field.type = "text";
      field.spellcheck = false;
      field.autocomplete = "off";
      field.dataset.inputName = name;
      field.setAttribute("aria-describedby", "inputs-help");
      field.addEventListener("input", () => onEdit(name, field));
    }
    if (name !== focused) field.value = JSON.stringify(name in edited ? edited[name] : usedInputs[name]);
    form.append(label, field);
  }
  if (focused && existing.has(focused)) existing.get(focused).focus();
}

/** Parse a field's JSON; marks the field and returns undefined when it is not a number or list. */
export function readInputField(field) {
  let value;
  try {
    value = JSON.parse(field.value);
  } catch {
    value = undefined;
  }
  const valid = typeof value === "number" || Array.isArray(value);
  field.setAttribute("aria-invalid", valid ? "false" : "true");
  return valid ? value : undefined;
}
