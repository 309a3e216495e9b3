// The page's buttons and menus: examples, theme, share, zoom, display options, graph picker,
// downloads and the embed dialog. Each handler changes state and lets the caller re-render.

import { copyText, downloadPng, downloadText, embedSnippets, embedUrl } from "./downloads.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export function setUpControls({ state, theme, editor, graphView, examples, ...on }) {
  const exampleSelect = $("examples");
  for (const example of examples) exampleSelect.add(new Option(example.title, example.slug));
  exampleSelect.addEventListener("change", () => {
    const example = examples.find((e) => e.slug === exampleSelect.value);
    if (example) on.onExample(example);
  });

  const themeButton = $("theme-toggle");
  const showTheme = () => {
    const label = { auto: t("Theme: system"), light: t("Theme: light"), dark: t("Theme: dark") }[theme.choice()];
    themeButton.textContent = label;
    themeButton.setAttribute("aria-label", t("{theme} (activate to change)", { theme: label }));
  };
  themeButton.addEventListener("click", () => {
    theme.cycle();
    showTheme();
  });
  showTheme();

  $("run").addEventListener("click", on.onRun);
  $("zoom-in").addEventListener("click", graphView.zoomIn);
  $("zoom-out").addEventListener("click", graphView.zoomOut);
  $("zoom-fit").addEventListener("click", () => graphView.fit({ toggle: true }));

  $("share").addEventListener("click", async () => {
    const ok = await copyText(window.location.href, $("share-fallback"));
    flash($("status"), ok ? t("Link copied: it reproduces this view") : t("Copy the address bar to share"));
  });

  setUpDisplayOptions(state, on.onOptionsChange);
  setUpExports(state, theme, editor);

  $("graph-picker").addEventListener("change", (event) => {
    state.graphIndex = Number(event.target.value);
    on.onGraphPick();
  });

  return {
    matchExample(code) {
      const match = examples.find((e) => e.code === code);
      exampleSelect.value = match ? match.slug : "";
    },
    showOptions() {
      $("opt-direction").value = state.options.direction;
      $("opt-precision").value = String(state.options.precision);
      $("opt-values").checked = state.options.show_values;
      $("opt-grads").checked = state.options.show_grads;
      $("opt-collapse").checked = state.options.collapse_runs;
      $("opt-color-grad").checked = state.options.color_by === "grad";
      $("opt-edge-labels").value = state.options.edge_labels;
      $("opt-gradcheck").checked = state.options.gradcheck;
    },
    showGraphPicker(graphs) {
      const picker = $("graph-picker");
      picker.replaceChildren(
        ...graphs.map((graph, index) => {
        const root = graph.root ?? t("graph");
        return new Option(`${index + 1}: ${root}.backward()`, String(index));
      }),
      );
      picker.value = String(Math.min(state.graphIndex, graphs.length - 1));
      // One backward() call means one graph: the picker would only be noise then.
      $("graph-picker-wrap").hidden = graphs.length < 2;
    },
  };
}

function setUpDisplayOptions(state, onChange) {
  $("opt-direction").addEventListener("change", (e) => {
    state.options.direction = e.target.value === "LR" ? "LR" : "TB";
    onChange();
  });
  $("opt-precision").addEventListener("change", (e) => {
    const precision = Number.parseInt(e.target.value, 10);
    if (!Number.isInteger(precision) || precision < 1 || precision > 10) return;
    state.options.precision = precision;
    onChange();
  });
  $("opt-values").addEventListener("change", (e) => {
    state.options.show_values = e.target.checked;
    onChange();
  });
  $("opt-grads").addEventListener("change", (e) => {
    state.options.show_grads = e.target.checked;
    onChange();
  });
  $("opt-collapse").addEventListener("change", (e) => {
    state.options.collapse_runs = e.target.checked;
    onChange();
  });
  $("opt-color-grad").addEventListener("change", (e) => {
    state.options.color_by = e.target.checked ? "grad" : "none";
    onChange();
  });
  $("opt-gradcheck").addEventListener("change", (e) => {
    state.options.gradcheck = e.target.checked;
    onChange();
  });
  $("opt-edge-labels").addEventListener("change", (e) => {
    state.options.edge_labels = ["on", "off"].includes(e.target.value) ? e.target.value : "auto";
    onChange();
  });
}

function setUpExports(state, theme, editor) {
  const current = () => state.result?.graphs?.[state.graphIndex] ?? null;
  const baseName = () => `gradtrace-${current()?.root ?? "graph"}`;
  const closeMenu = () => $("export-menu").removeAttribute("open");

  $("download-svg").addEventListener("click", () => {
    if (current()) downloadText(current().svg, `${baseName()}.svg`, "image/svg+xml");
    closeMenu();
  });
  $("download-dot").addEventListener("click", () => {
    if (current()) downloadText(current().dot, `${baseName()}.dot`, "text/vnd.graphviz");
    closeMenu();
  });
  $("download-png").addEventListener("click", async () => {
    closeMenu();
    if (!current()) return;
    const background = getComputedStyle(document.body).getPropertyValue("--graph-bg").trim() || "#ffffff";
    try {
      await downloadPng(current().svg, `${baseName()}.png`, background);
    } catch (err) {
      flash($("status"), err.message);
    }
  });

  const dialog = $("embed-dialog");
  $("open-embed").addEventListener("click", async () => {
    closeMenu();
    const url = await embedUrl({
      code: editor.getCode(),
      inputs: state.inputs,
      theme: theme.choice(),
      options: state.options,
      graphIndex: state.graphIndex,
      step: state.step,
    });
    const snippets = embedSnippets(url, t("Autograd graph drawn by gradtrace"));
    $("embed-html").value = snippets.html;
    $("embed-markdown").value = snippets.markdown;
    dialog.showModal();
  });
  for (const button of dialog.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const field = $(button.dataset.copy);
      const ok = await copyText(field.value, field);
      flash(button, ok ? t("Copied") : t("Press Ctrl+C"));
    });
  }
  $("embed-close").addEventListener("click", () => dialog.close());
}

/** Show a short message in `element`, then restore its text. */
function flash(element, message) {
  const before = element.dataset.flashRestore ?? element.textContent;
  element.dataset.flashRestore = before;
  element.textContent = message;
  clearTimeout(Number(element.dataset.flashTimer));
  element.dataset.flashTimer = String(
    setTimeout(() => {
      element.textContent = before;
      delete element.dataset.flashRestore;
    }, 1800),
  );
}
