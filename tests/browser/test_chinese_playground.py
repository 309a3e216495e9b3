"""The playground in a Chinese browser: the page, the switch to English and back, an error and the inspector
in Chinese, no English left in the visible text, and screenshots (desktop and phone, light and dark)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import link_to, open_playground, set_code, sin_chain, wait_for_graph
from tests.browser.helpers import node_named as english_node_named

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
CJK = re.compile(r"[\u4e00-\u9fff]")
FORBIDDEN = "import os\nx = os.getcwd()"

# Latin words a Chinese page may show: names of things (gradtrace, PyTorch), keys, file formats, units, and
# Python/PyTorch names, which stay code in every language (docs/translating.md).
ALLOWED_WORDS = {
    "gradtrace", "PyTorch", "Python", "English", "Ctrl", "Enter", "Home", "End", "SVG", "PNG", "DOT", "HTML",
    "Markdown", "API", "ms", "grad", "grad_fn", "dtype", "None", "backward", "torch", "sigmoid", "ReLU", "softmax",
    "AccumulateGrad", "True", "False", "requires_grad", "requires_grad_", "no_grad", "with", "detach", "float",
    "float32",
    # API names the service's own messages quote: `nodes`, `collapse=0`, `collapse_runs=false`, image URLs.
    "URL", "nodes", "collapse", "false",
}  # fmt: skip

# Visible text nodes outside code: the editor, the drawing, printed output, code and values are the program's.
VISIBLE_WORDS = """() => {
  const skip = ".cm-editor, #graph, pre, code, kbd, .value-table, .value-scalar, .value-stats, [lang=en]";
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest(skip) || element.closest("script, style, option:not(:checked)")) continue;
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(element).visibility === "hidden") continue;
    if (element.closest(".visually-hidden") === null && !element.checkVisibility()) continue;
    words.push(...(node.textContent.match(/[A-Za-z][A-Za-z0-9_.|]*/g) ?? []));
  }
  return words;
}"""


def english_leftovers(page: Page) -> list[str]:
    """Latin words in the page's visible text that are neither allowed names nor code-like (x.grad, AddBackward0)."""
    words: list[str] = page.evaluate(VISIBLE_WORDS)
    code_like = re.compile(r"^([a-z]|\w+Backward\d*|.*[._|0-9].*)$")
    return sorted({word for word in words if word not in ALLOWED_WORDS and not code_like.match(word)})


def node_named(page: Page, name: str) -> Locator:
    """The graph node whose variable is `name`: its aria-label reads "x，叶子张量，形状 (2, 2)" in Chinese."""
    return page.locator(f'#graph g.node[aria-label^="{name}，"]')


def chinese_page(browser: Browser, base_url: str, scheme: str = "light", size: str = "desktop") -> Page:
    """A tab of a browser set to Chinese (its locale and Accept-Language), as a student's in China would be."""
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": height},
        color_scheme=scheme,  # type: ignore[arg-type]
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        device_scale_factor=1 if size == "desktop" else 2,
        is_mobile=size == "phone",
        has_touch=size == "phone",
    )
    return context.new_page()


@pytest.fixture
def zh_page(browser: Browser, base_url: str) -> Iterator[Page]:
    tab = chinese_page(browser, base_url)
    yield tab
    tab.context.close()


def test_a_chinese_browser_gets_the_page_in_chinese(zh_page: Page) -> None:
    open_playground(zh_page)
    wait_for_graph(zh_page)
    expect(zh_page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(zh_page.locator("#code-heading")).to_have_text("代码")
    expect(zh_page.locator("#run")).to_contain_text("绘制")
    expect(zh_page.locator("#status")).to_contain_text("绘制用时")
    # The course's first cell, with its Chinese title and comments.
    expect(zh_page.locator("#examples option:checked")).to_contain_text("自动求导入门")
    expect(zh_page.locator("#editor .cm-content")).to_contain_text("x = torch.ones(2, 2, requires_grad=True)")
    expect(zh_page.locator("#editor .cm-content")).to_contain_text("反向传播")
    expect(zh_page.locator("#legend")).to_contain_text("叶子张量")
    expect(zh_page.locator("#step-label")).to_contain_text("逐步演示")
    # The permalink says which language it shows, though the browser chose it.
    assert "lang=zh-CN" in zh_page.url
    assert english_leftovers(zh_page) == []


def test_the_switch_flips_to_english_and_back_keeping_the_code(zh_page: Page) -> None:
    open_playground(zh_page)
    set_code(zh_page, "w = torch.tensor(3.0, requires_grad=True)\nloss = w * w\nloss.backward()")
    wait_for_graph(zh_page)
    expect(node_named(zh_page, "loss")).to_have_count(1, timeout=30_000)

    zh_page.get_by_role("link", name="English").click()
    expect(zh_page.locator("html")).to_have_attribute("lang", "en")
    wait_for_graph(zh_page)
    expect(zh_page.locator("#code-heading")).to_have_text("Code")
    expect(zh_page.locator("#editor .cm-content")).to_contain_text("loss = w * w")
    expect(english_node_named(zh_page, "loss")).to_have_count(1, timeout=30_000)
    assert "lang=en" in zh_page.url and "#" in zh_page.url

    zh_page.get_by_role("link", name="中文").click()
    expect(zh_page.locator("html")).to_have_attribute("lang", "zh-CN")
    wait_for_graph(zh_page)
    expect(zh_page.locator("#code-heading")).to_have_text("代码")
    expect(zh_page.locator("#editor .cm-content")).to_contain_text("loss = w * w")
    assert "lang=zh-CN" in zh_page.url

    # The permalink opens in the language it names, whatever the next browser prefers.
    english_browser = zh_page.context.browser.new_context(locale="en-US")  # type: ignore[union-attr]
    try:
        fresh = english_browser.new_page()
        open_playground(fresh, zh_page.url)
        expect(fresh.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(fresh.locator("#editor .cm-content")).to_contain_text("loss = w * w")
    finally:
        english_browser.close()


def test_an_error_shows_in_chinese_with_its_code(zh_page: Page) -> None:
    open_playground(zh_page)
    set_code(zh_page, FORBIDDEN)
    box = zh_page.locator("#error")
    expect(box).to_be_visible(timeout=30_000)
    expect(box.locator("strong")).to_have_text("gradtrace 无法运行这段代码")
    expect(box.locator(".error-code")).to_have_text(re.compile(r"^forbidden\.[a-z_.]+$"))
    message = box.locator("p").first.inner_text()
    assert CJK.search(message), message
    expect(box.locator(".error-where")).to_have_text(re.compile(r"^已在编辑器中标出：第 \d+ 行"))
    expect(zh_page.locator("#status")).to_have_text("出错")
    assert english_leftovers(zh_page) == []


def test_the_inspector_speaks_chinese(zh_page: Page) -> None:
    open_playground(zh_page)
    wait_for_graph(zh_page)
    expect(zh_page.locator("#inspector .hint")).to_contain_text("查看它完整的值和梯度")
    node_named(zh_page, "x").click()
    inspector = zh_page.locator("#inspector")
    expect(inspector.locator("h3")).to_contain_text("叶子张量")
    expect(inspector.locator(".facts")).to_contain_text("形状")
    expect(inspector.locator(".facts")).to_contain_text("第 5 行")
    expect(inspector.locator(".inspector-grad h4")).to_have_text("梯度（.grad）")
    expect(inspector.locator(".chain-rule h4")).to_have_text("链式法则")
    assert english_leftovers(zh_page) == []


def test_stepping_reads_in_chinese(zh_page: Page) -> None:
    open_playground(zh_page)
    wait_for_graph(zh_page)
    zh_page.locator("#step-next").click()
    expect(zh_page.locator("#step-label")).to_contain_text("前向传播之前")
    # Before anything ran, the boxes' Chinese value (值) and gradient (梯度) lines are hidden like English ones.
    hidden = zh_page.locator("#graph g.node text.gt-hidden")
    expect(hidden.filter(has_text=re.compile(r"^梯度"))).not_to_have_count(0)
    expect(hidden.filter(has_text=re.compile(r"^值"))).not_to_have_count(0)
    zh_page.locator("#step-last").click()
    expect(zh_page.locator("#step-label")).to_contain_text("反向传播")
    expect(zh_page.locator("#step-label")).to_contain_text("（完成）")
    assert english_leftovers(zh_page) == []


def test_a_folded_run_reads_in_chinese(zh_page: Page) -> None:
    """The fold's inspector: its summary, the sparkline's caption and axis, and the vanishing-gradient lesson."""
    open_playground(zh_page, link_to(sin_chain(1000)))
    wait_for_graph(zh_page)
    expect(zh_page.locator("#graph-count")).to_have_text(re.compile(r"^1,00\d 个节点，其中 [\d,]+ 个折叠显示$"))
    zh_page.locator("#graph g.node.fold").click()
    inspector = zh_page.locator("#inspector")
    expect(inspector.locator(".fold-summary")).to_contain_text("画成了这一个方框")
    expect(inspector.locator(".fold-unfold")).to_have_text("画出每一步")
    expect(inspector.locator(".sparkline-caption")).to_contain_text("沿折叠的")
    expect(inspector.locator(".sparkline-x")).to_contain_text("第 1 步（最先）")
    expect(inspector.locator(".sparkline-lesson")).to_contain_text("梯度消失")
    description = inspector.locator(".sparkline-svg").get_attribute("aria-label") or ""
    assert CJK.search(description) and description.endswith("。"), description
    assert english_leftovers(zh_page) == []
    _save(zh_page, "playground-zh-CN-fold-light-desktop.png", "desktop")


def _save(page: Page, name: str, size: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the {size} screen"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=size == "phone")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_screenshot_in_chinese(browser: Browser, base_url: str, scheme: str, size: str) -> None:
    page = chinese_page(browser, base_url, scheme, size)
    try:
        open_playground(page)
        wait_for_graph(page)
        node = node_named(page, "x")
        if size == "phone":
            node.tap()
        else:
            node.click()
        expect(page.locator("#inspector h3")).to_contain_text("叶子张量")
        _save(page, f"playground-zh-CN-{scheme}-{size}.png", size)
        set_code(page, FORBIDDEN)
        expect(page.locator("#error")).to_be_visible(timeout=30_000)
        _save(page, f"playground-zh-CN-error-{scheme}-{size}.png", size)
    finally:
        page.context.close()
