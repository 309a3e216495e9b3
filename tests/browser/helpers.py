"""What the browser tests do to the playground, named as a learner would say it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Locator, Page, expect

AUTOGRAD_BASICS = """import torch

x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
"""


START = "torch.tensor(0.5, requires_grad=True)"


def op_chain(op: str, steps: int, start: str = START, root: str = "h") -> str:
    """`steps` calls of `torch.<op>` in a row, then `root.backward()`: a run the service draws
    folded from 24 steps on."""
    return f"x = {start}\nh = x\nfor i in range({steps}):\n    h = torch.{op}(h)\n{root}.backward()\n"


def sin_chain(steps: int) -> str:
    """`steps` SinBackward0 nodes in a row, from 0.5."""
    return op_chain("sin", steps)


def link_to(code: str, **params: str) -> str:
    """A playground permalink that opens `code` (which may be indented, unlike typed code)."""
    return "/#" + urlencode({"code": code, **params})


def open_playground(page: Page, path: str = "/") -> None:
    """Load the page and wait for its first graph (the first example) to be drawn."""
    page.goto(path)
    expect(page.locator("body.is-ready")).to_have_count(1, timeout=30_000)


def set_code(page: Page, code: str) -> None:
    """Replace the editor's text by typing it, as a user would, then press Ctrl+Enter."""
    content = page.locator("#editor .cm-content")
    content.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    # Only unindented code: CodeMirror indents after a colon by itself, as it should for people.
    assert not any(line.startswith(" ") for line in code.splitlines()), "type only unindented code"
    page.keyboard.type(code)
    page.keyboard.press("ControlOrMeta+Enter")


def node_named(page: Page, name: str) -> Locator:
    """The graph node whose variable name is `name` (its aria-label starts with the name)."""
    return page.locator(f'#graph g.node[aria-label^="{name},"]')


def wait_for_graph(page: Page) -> None:
    expect(page.locator("body.is-busy")).to_have_count(0, timeout=30_000)
    expect(page.locator("#graph svg g.node").first).to_be_visible(timeout=30_000)


def graph_node_labels(page: Page) -> list[str]:
    labels: Any = page.locator("#graph g.node").evaluate_all(
        "(nodes) => nodes.map((n) => n.getAttribute('aria-label'))"
    )
    return list(labels)
