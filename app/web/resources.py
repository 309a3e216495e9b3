"""Where templates/ and static/ are: top-level folders in a checkout, app.templates/app.static in a wheel."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def resource_dir(name: str) -> Path:
    """The folder `name` ("templates" or "static") wherever this install keeps it."""
    try:
        packaged = Path(str(files(f"app.{name}")))
        if packaged.is_dir():
            return packaged
    except ModuleNotFoundError:
        pass
    return _CHECKOUT / name
