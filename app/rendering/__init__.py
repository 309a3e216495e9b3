"""Drawing: Graph -> DOT (pure) and DOT -> SVG/PNG/PDF (Graphviz, in-process)."""
