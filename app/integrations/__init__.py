"""Course-build integrations: an MkDocs plugin and a Sphinx extension.

Both are thin adapters over `drawing.DrawingCache`, which draws through `render_output` (the CLI's
in-process path) and keeps every drawing in a content-keyed cache, so unchanged snippets are not drawn
again. Neither needs a running server."""
