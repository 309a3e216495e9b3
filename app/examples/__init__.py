"""Example programs for the playground, one plain PyTorch file each (`NN_slug.py`, first line `# Title`).

Chinese pages list the Chinese examples (`zh_NN_slug.py`: the course 神经网络基础's own cells, with Chinese
comments and title); an English example without a Chinese version of the same slug follows them.

An example may choose how it is drawn with a comment line `# gradtrace options: color_by=grad`
(key=value pairs, keys from EXAMPLE_OPTIONS); every other example sets those keys to their defaults,
so picking the next example turns them off again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

from ..i18n import DEFAULT_LANGUAGE, Language

# Only files named like `01_autograd_basics.py` are examples; this module itself is not.
_EXAMPLE_NAME = re.compile(r"^(\d+)_([a-z0-9_]+)\.py$")
# The Chinese version of an example: `zh_01_autograd_basics.py`.
_CHINESE_EXAMPLE_NAME = re.compile(r"^zh_(\d+)_([a-z0-9_]+)\.py$")
_OPTIONS_LINE = re.compile(r"^# gradtrace options: (.+)$", re.MULTILINE)
# The drawing options an example may set, with the values the others get, and the values allowed.
EXAMPLE_OPTIONS: dict[str, tuple[str, ...]] = {"color_by": ("none", "grad")}


@dataclass(frozen=True)
class Example:
    """One example program: `slug` names it in URLs, `title` in the menu."""

    slug: str
    title: str
    code: str
    options: dict[str, str]  # drawing options the playground applies with this example


def example_options(code: str, file_name: str) -> dict[str, str]:
    """The options of an example: its `# gradtrace options:` line over every option's default."""
    options = {key: allowed[0] for key, allowed in EXAMPLE_OPTIONS.items()}
    for line in _OPTIONS_LINE.findall(code):
        for pair in line.split():
            key, _, value = pair.partition("=")
            if value not in EXAMPLE_OPTIONS.get(key, ()):
                raise ValueError(f"example {file_name}: option {pair!r} is not one of {EXAMPLE_OPTIONS}")
            options[key] = value
    return options


def load_examples(language: Language = DEFAULT_LANGUAGE) -> list[Example]:
    """The examples a page in `language` lists: English ones by number; in Chinese, the Chinese ones by number,
    then each English one that has no Chinese version."""
    english = _read_examples(_EXAMPLE_NAME)
    if language == "en":
        return english
    chinese = _read_examples(_CHINESE_EXAMPLE_NAME)
    translated = {example.slug for example in chinese}
    return chinese + [example for example in english if example.slug not in translated]


def _read_examples(file_name: re.Pattern[str]) -> list[Example]:
    """Read every example file in this package whose name matches `file_name`, ordered by its number."""
    found: list[tuple[int, Example]] = []
    for entry in files(__package__).iterdir():
        match = file_name.match(entry.name)
        if match is None:
            continue
        code = entry.read_text(encoding="utf-8")
        first_line = code.split("\n", 1)[0]
        if not first_line.startswith("# "):
            raise ValueError(f"example {entry.name} must start with a `# Title` line")
        slug, title = match.group(2).replace("_", "-"), first_line[2:].strip()
        found.append((int(match.group(1)), Example(slug, title, code, example_options(code, entry.name))))
    return [example for _, example in sorted(found, key=lambda pair: pair[0])]
