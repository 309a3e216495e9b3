"""A real notebook run headless by a real kernel: outputs are reproducible and free of Graphviz noise."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

SENTINEL = "written to descriptor 2 by C code"
CELLS = [
    f"import os, torch, gradtrace\nos.write(2, b'{SENTINEL}\\n')  # shows that the kernel forwards descriptor 2",
    "x = torch.ones(2, 2, requires_grad=True)\ny = x + 2\nz = y * y * 3\nout = z.mean()\ngradtrace.trace(out)",
    "w = torch.tensor([1.0, -2.0], requires_grad=True)\nloss = torch.tanh(w * 3).pow(2).sum()\n"
    "gradtrace.trace(loss, theme='dark', direction='LR')",
    "gradtrace.render('a = torch.tensor(2.0, requires_grad=True)\\nb = a * a\\nb.backward()', format='png')[:4]",
]


def write_notebook(path: Path) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    nbformat.write(notebook, path)


def run_notebook(path: Path) -> bytes:
    """Execute the notebook file in a fresh kernel, save it as Jupyter would, return its bytes."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(notebook, path)
    return path.read_bytes()


@pytest.mark.slow
def test_a_notebook_run_twice_writes_identical_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ipykernel forwards what C code writes to descriptor 2 into the cell, as in JupyterLab, except
    # when it sees pytest's variable: the kernel must not see it, or Graphviz noise would go unseen.
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    path = tmp_path / "graphs.ipynb"
    write_notebook(path)
    first = run_notebook(path)
    second = run_notebook(path)
    assert first == second
    notebook = nbformat.reads(first.decode("utf-8"), as_version=4)
    outputs = [output for cell in notebook.cells for output in cell.outputs]
    svgs = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 2 and all(svg.startswith("<svg") for svg in svgs)
    prefixes = {re.search(r' id="(gt[0-9a-f]+-)', svg).group(1) for svg in svgs}  # type: ignore[union-attr]
    assert len(prefixes) == 2  # each drawing has its own id prefix, and so never collides with another
    assert notebook.cells[3].outputs[0]["data"]["text/plain"] == "b'\\x89PNG'"
    # Graphviz and fontconfig print from C to descriptor 2, which ipykernel shows in the cell.
    streams = "".join(o["text"] for o in outputs if o["output_type"] == "stream")
    assert streams == SENTINEL + "\n"
