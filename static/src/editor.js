// The code editor: CodeMirror 6 with Python highlighting, line numbers, and two line marks
// (the error's line, and the line that created the node being inspected).

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { EditorState, RangeSet, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  GutterMarker,
  drawSelection,
  gutter,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";

const setErrorLine = StateEffect.define();
const setLinkedLine = StateEffect.define();

class ErrorMarker extends GutterMarker {
  toDOM() {
    const mark = document.createElement("span");
    mark.className = "cm-error-marker";
    mark.textContent = "●";
    mark.setAttribute("aria-hidden", "true");
    return mark;
  }
}

/** A field holding one whole-line decoration, moved by its effect; `null` clears it. */
function lineMarkField(effect, className) {
  const mark = Decoration.line({ class: className });
  return StateField.define({
    create: () => Decoration.none,
    update(marks, tr) {
      marks = marks.map(tr.changes);
      for (const e of tr.effects) {
        if (!e.is(effect)) continue;
        const line = e.value;
        marks = line === null || line > tr.state.doc.lines
          ? Decoration.none
          : Decoration.set([mark.range(tr.state.doc.line(line).from)]);
      }
      return marks;
    },
    provide: (field) => EditorView.decorations.from(field),
  });
}

const errorLineField = lineMarkField(setErrorLine, "cm-error-line");
const linkedLineField = lineMarkField(setLinkedLine, "cm-linked-line");

const errorGutter = gutter({
  class: "cm-error-gutter",
  markers: (view) => {
    const marks = view.state.field(errorLineField);
    const builder = [];
    marks.between(0, view.state.doc.length, (from) => {
      builder.push(new ErrorMarker().range(from));
    });
    return RangeSet.of(builder);
  },
});

/**
 * Build the editor inside `parent`. `onChange(code)` runs after every edit;
 * `onRun()` on Ctrl/Cmd+Enter.
 */
export function createEditor({ parent, doc, onChange, onRun, label }) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        errorGutter,
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        python(),
        // Token classes (tok-keyword, ...) let the stylesheet colour code per theme.
        syntaxHighlighting(classHighlighter),
        errorLineField,
        linkedLineField,
        EditorState.tabSize.of(4),
        keymap.of([
          { key: "Mod-Enter", run: () => (onRun(), true), preventDefault: true },
          ...defaultKeymap,
          ...historyKeymap,
          // Tab indents; Escape then Tab leaves the editor, so keyboard users are not trapped.
          indentWithTab,
        ]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode(code) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: code },
        effects: [setErrorLine.of(null), setLinkedLine.of(null)],
      });
    },
    markError(line) {
      view.dispatch({ effects: setErrorLine.of(line ?? null) });
    },
    /** Highlight the line that created an inspected node, scrolling it into view. */
    linkLine(line) {
      const effects = [setLinkedLine.of(line ?? null)];
      if (line && line <= view.state.doc.lines) {
        effects.push(EditorView.scrollIntoView(view.state.doc.line(line).from, { y: "nearest" }));
      }
      view.dispatch({ effects });
    },
  };
}
