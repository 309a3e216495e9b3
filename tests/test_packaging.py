"""The wheel carries what serving needs: templates, the built front-end bundle and the examples."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_templates_static_bundle_and_examples(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), ROOT],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("gradtrace-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "gradtrace/templates/index.html",
        "gradtrace/static/build/playground.js",
        "gradtrace/static/build/playground.css",
        "gradtrace/examples/01_autograd_basics.py",
        "gradtrace/sandbox/allowlist.py",
        "gradtrace/py.typed",
        "gradtrace/notebook/__init__.py",
    ):
        assert required in names, required
    assert not any(name.startswith("tests/") for name in names)
