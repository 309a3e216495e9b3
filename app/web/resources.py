"""Where templates/ and static/ are: inside the package when installed, top-level folders in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # site-packages/gradtrace, or the checkout's app/


def resource_dir(name: str) -> Path:
    """The folder `name` ("templates" or "static") wherever this install keeps it.

    A wheel ships them as gradtrace/templates and gradtrace/static; a checkout (and an editable
    install, which runs the checkout's files) keeps them beside app/."""
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name
