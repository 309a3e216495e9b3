"""End-to-end tests of the playground page in headless Chromium against the real service."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import (
    AUTOGRAD_BASICS,
    graph_node_labels,
    node_named,
    open_playground,
    set_code,
    wait_for_graph,
)

pytestmark = pytest.mark.browser

TWO_BACKWARD_CALLS = """a = torch.ones(2, requires_grad=True)
b = (a * 3).sum()
b.backward()
c = (a * a).sum()
c.backward()
"""


def test_typed_code_renders_named_nodes_with_gradients(page: Page) -> None:
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    for name in ("x", "y", "z", "out"):
        expect(node_named(page, name)).to_have_count(1)
    # x's gradient: d(mean(3 (x+2)^2))/dx = 4.5 everywhere, drawn in its node.
    expect(node_named(page, "x")).to_contain_text("4.5")
    expect(page.locator("#stdout")).to_contain_text("4.5000")
    expect(page.locator("#graph svg > title")).not_to_have_text("")


def test_hovering_a_node_shows_its_value_gradient_and_source_line(page: Page) -> None:
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    node_named(page, "x").hover()
    inspector = page.locator("#inspector")
    expect(inspector.locator("h3")).to_contain_text("x")
    expect(inspector.locator(".inspector-grad td")).to_have_count(4)
    expect(inspector.locator(".inspector-grad td").first).to_have_text("4.5000")
    expect(inspector).to_contain_text("float32")
    expect(page.locator("#editor .cm-linked-line")).to_contain_text("torch.ones(2, 2, requires_grad=True)")
    # Keyboard users reach nodes too: focusing the `out` node shows its grad_fn.
    node_named(page, "out").focus()
    expect(inspector).to_contain_text("MeanBackward0")


def test_forbidden_code_shows_the_error_at_its_line_and_keeps_the_old_graph_dimmed(page: Page) -> None:
    open_playground(page)
    wait_for_graph(page)
    set_code(page, "x = torch.ones(2, requires_grad=True)\nimport os\n")
    error = page.locator("#error")
    expect(error).to_be_visible(timeout=30_000)
    expect(error).to_contain_text("line 2")
    expect(page.locator("#editor .cm-error-line")).to_have_text("import os")
    expect(page.locator("#graph svg")).to_have_count(1)
    expect(page.locator(".stale-note")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "playground-error.png"))


def test_a_permalink_reproduces_the_view_in_a_fresh_page(page: Page) -> None:
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    page.locator("#display-menu summary").click()
    page.select_option("#opt-direction", "LR")
    expect(page).to_have_url(re.compile(r"dir=LR"))
    wait_for_graph(page)
    labels = graph_node_labels(page)
    link = page.url
    typed = page.locator("#editor .cm-content").inner_text()
    fresh = page.context.browser.new_context(base_url=page.url).new_page()  # type: ignore[union-attr]
    open_playground(fresh, link)
    wait_for_graph(fresh)
    assert graph_node_labels(fresh) == labels
    assert fresh.locator("#editor .cm-content").inner_text() == typed
    expect(fresh.locator("#opt-direction")).to_have_value("LR")
    fresh.context.close()


def test_download_svg_gives_an_svg_file(page: Page, tmp_path: Path) -> None:
    open_playground(page)
    wait_for_graph(page)
    page.locator("#export-menu summary").click()
    with page.expect_download() as download_info:
        page.locator("#download-svg").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".svg")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "<svg" in text and 'class="node' in text


def test_download_png_gives_a_png_image(page: Page, tmp_path: Path) -> None:
    open_playground(page)
    wait_for_graph(page)
    page.locator("#export-menu summary").click()
    with page.expect_download() as download_info:
        page.locator("#download-png").click()
    saved = tmp_path / "graph.png"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_switching_examples_draws_the_new_program_and_back_returns(page: Page) -> None:
    open_playground(page)
    wait_for_graph(page)
    first_labels = graph_node_labels(page)
    options = page.locator("#examples option").evaluate_all("(os) => os.map((o) => o.value).filter(Boolean)")
    assert len(options) >= 8
    page.select_option("#examples", "two-layer-network")
    expect(page.locator("#editor .cm-content")).to_contain_text("torch.nn.Linear(3, 4)")
    expect(page.locator("#graph g.node")).not_to_have_count(len(first_labels), timeout=30_000)
    wait_for_graph(page)
    expect(node_named(page, "loss")).to_have_count(1)
    page.go_back()
    expect(page.locator("#editor .cm-content")).to_contain_text("x = torch.ones(2, 2, requires_grad=True)")
    expect(page.locator("#examples")).to_have_value("autograd-basics")


def test_several_backward_calls_offer_a_graph_picker(page: Page) -> None:
    open_playground(page)
    set_code(page, TWO_BACKWARD_CALLS)
    wait_for_graph(page)
    picker = page.locator("#graph-picker")
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_count(2)
    expect(node_named(page, "b")).to_have_count(1)
    picker.select_option("1")
    expect(node_named(page, "c")).to_have_count(1)
    expect(node_named(page, "b")).to_have_count(0)


def test_free_names_appear_in_the_inputs_panel(page: Page) -> None:
    open_playground(page)
    set_code(page, "w = torch.ones(2, requires_grad=True)\nloss = (w * scale).sum()\nloss.backward()\n")
    wait_for_graph(page)
    field = page.locator("#inputs-form input[data-input-name='scale']")
    expect(field).to_be_visible()
    expect(page.locator("#warnings")).to_contain_text("scale")
    field.fill("3")
    # d(sum(w * 3))/dw = 3 for each element.
    expect(node_named(page, "w")).to_contain_text("3", timeout=30_000)
    expect(page).to_have_url(re.compile(r"inputs="))


def test_every_example_renders_without_an_error(page: Page) -> None:
    open_playground(page)
    slugs = page.locator("#examples option").evaluate_all("(os) => os.map((o) => o.value).filter(Boolean)")
    for slug in slugs:
        page.select_option("#examples", slug)
        expect(page.locator("body.is-busy")).to_have_count(0, timeout=30_000)
        expect(page.locator("#status")).to_contain_text("Rendered", timeout=30_000)
        expect(page.locator("#error")).to_be_hidden()
        assert page.locator("#graph g.node").count() > 0, slug


def test_embed_snippet_points_at_a_compact_image_url_that_renders(page: Page) -> None:
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    page.locator("#export-menu > summary").click()
    page.locator("#open-embed").click()
    expect(page.locator("#embed-html")).to_have_value(re.compile(r'src="[^"]+/svg/'))
    html = page.locator("#embed-html").input_value()
    match = re.search(r'src="([^"]+)"', html)
    assert match, html
    url = match.group(1).replace("&amp;", "&")
    assert "/svg/" in url and "code=" not in url  # the Kroki-style compressed form, not the raw code
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert "MeanBackward0" in response.text()
