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
const setLinkedSpan = StateEffect.define(); // {from, to} in document positions, or null

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

// The sub-expression that made the inspected node, inside its line.
const spanMark = Decoration.mark({ class: "cm-linked-span" });
const linkedSpanField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setLinkedSpan)) continue;
      const span = e.value;
      marks = span && span.from < span.to && span.to <= tr.state.doc.length
        ? Decoration.set([spanMark.range(span.from, span.to)])
        : Decoration.none;
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** Python's ast columns count UTF-8 bytes; CodeMirror counts UTF-16 units. */
function positionOf(doc, lineNumber, byteColumn) {
  if (!Number.isInteger(lineNumber) || lineNumber < 1 || lineNumber > doc.lines) return null;
  const line = doc.line(lineNumber);
  const bytes = new TextEncoder().encode(line.text).slice(0, Math.max(0, byteColumn));
  return line.from + new TextDecoder().decode(bytes).length;
}

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
        linkedSpanField,
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
    /** The text of line `n` (1-based), trimmed; "" past the end. */
    lineText: (n) => (Number.isInteger(n) && n >= 1 && n <= view.state.doc.lines ? view.state.doc.line(n).text.trim() : ""),
    setCode(code) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: code },
        effects: [setErrorLine.of(null), setLinkedLine.of(null), setLinkedSpan.of(null)],
      });
    },
    markError(line) {
      view.dispatch({ effects: setErrorLine.of(line ?? null) });
    },
    /**
     * Highlight the line that created an inspected node, scrolling it into view, and within it the
     * sub-expression `span` ([line, col, end_line, end_col], 0-based byte columns as Python's ast) when known.
     */
    linkLine(line, span = null) {
      const doc = view.state.doc;
      const from = span ? positionOf(doc, span[0], span[1]) : null;
      const to = span ? positionOf(doc, span[2], span[3]) : null;
      const effects = [setLinkedLine.of(line ?? null), setLinkedSpan.of(from !== null && to !== null ? { from, to } : null)];
      if (line && line <= view.state.doc.lines) {
        effects.push(EditorView.scrollIntoView(view.state.doc.line(line).from, { y: "nearest" }));
      }
      view.dispatch({ effects });
    },
  };
}
