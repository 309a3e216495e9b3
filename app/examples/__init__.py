"""Example programs for the playground, one plain PyTorch file each (`NN_slug.py`, first line `# Title`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

# Only files named like `01_autograd_basics.py` are examples; this module itself is not.
_EXAMPLE_NAME = re.compile(r"^(\d+)_([a-z0-9_]+)\.py$")


@dataclass(frozen=True)
class Example:
    """One example program: `slug` names it in URLs, `title` in the menu."""

    slug: str
    title: str
    code: str


def load_examples() -> list[Example]:
    """Read every example file in this package, ordered by its number."""
    found: list[tuple[int, Example]] = []
    for entry in files(__package__).iterdir():
        match = _EXAMPLE_NAME.match(entry.name)
        if match is None:
            continue
        code = entry.read_text(encoding="utf-8")
        first_line = code.split("\n", 1)[0]
        if not first_line.startswith("# "):
            raise ValueError(f"example {entry.name} must start with a `# Title` line")
        found.append(
            (int(match.group(1)), Example(match.group(2).replace("_", "-"), first_line[2:].strip(), code))
        )
    return [example for _, example in sorted(found, key=lambda pair: pair[0])]
