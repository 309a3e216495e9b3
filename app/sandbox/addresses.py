"""Object addresses in printed text, replaced by stable stand-ins.

Python prints some objects with their address (`<MulBackward0 object at 0x7f3a1c2b4e50>`, from
`print(y.grad_fn.next_functions)` or a DataLoader). A real address would tell a program where the
worker's heap lies, and it changes from run to run, so the same request would not give the same
answer (and cached drawings and embed URLs depend on that). Each run numbers the addresses it shows
in order of appearance; one object keeps one stand-in within a run, so `a` and `b` printed as the
same object still read as the same."""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"(?<= at )0x[0-9a-fA-F]{4,16}(?=>)")
_FIRST = 0x7F5A00001000  # reads like an address; never one of the worker's
_STRIDE = 0x40


class AddressMask:
    """Per-run map from real addresses in text to stand-ins."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        """`text` with every `<... at 0x...>` address replaced by this run's stand-in for it."""
        if " at 0x" not in text:
            return text
        return _ADDRESS.sub(self._stand_in, text)

    def _stand_in(self, match: re.Match[str]) -> str:
        real = match.group(0)
        if real not in self._seen:
            self._seen[real] = hex(_FIRST + _STRIDE * len(self._seen))
        return self._seen[real]
