"""Drawings in Chinese: the words follow `lang`, Chinese names fit their boxes as the real font draws them, and
PNG/PDF show Chinese glyphs (not empty boxes) from the CJK font the Makefile and the Dockerfile install."""

from __future__ import annotations

import html
import io
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest
from gradtrace import pipeline
from gradtrace.i18n import Language
from gradtrace.rendering.big_drawing import big_drawing_svg
from gradtrace.rendering.options import Direction, RenderOptions
from gradtrace.rendering.svg import FONT_FAMILIES, layout
from gradtrace.rendering.text_metrics import Font, text_width
from gradtrace.result import result_to_json
from PIL import Image, ImageChops, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SVG = "{http://www.w3.org/2000/svg}"
LANGUAGES: tuple[Language, ...] = ("en", "zh-CN")

# The names a drawing must fit: 1 to 12 Chinese characters, and Chinese mixed with Latin letters and digits.
CHINESE = "权重偏置输入损失函数梯度张量"
NAMES = [CHINESE[:length] for length in range(1, 13)] + ["损失loss", "w权重2", "梯度_grad_值", "层1输出"]


@pytest.fixture(scope="module", autouse=True)
def cjk_font_installed() -> None:
    assert CJK_FONT.is_file(), "the CJK font is missing: `make system-deps` installs fonts-wqy-microhei"


def names_program(names: list[str]) -> str:
    """A chain through one tensor per name, so each name is a drawn box of its own."""
    lines = [f"{names[0]} = torch.tensor([1.0, 2.0], requires_grad=True)"]
    lines += [f"{name} = {before} * 1.5" for before, name in itertools.pairwise(names)]
    lines.append(f"{names[-1]}.sum().backward()")
    return "\n".join(lines)


class DrawnText(NamedTuple):
    text: str
    x: float
    y: float
    font: Font


class Box(NamedTuple):
    name: str
    left: float
    right: float
    texts: tuple[DrawnText, ...]


def drawn_boxes(svg: str) -> list[Box]:
    root = ET.fromstring(svg)
    boxes = []
    for group in root.iter(f"{SVG}g"):
        if "node" not in (group.get("class") or "").split():
            continue
        outline = group.find(f"{SVG}path")
        if outline is None:
            outline = group.find(f"{SVG}polygon")
        assert outline is not None
        if outline.tag.endswith("polygon"):
            xs = [float(point.split(",")[0]) for point in (outline.get("points") or "").split()]
        else:
            xs = list(outline_xs(outline.get("d") or ""))
        texts = tuple(
            DrawnText(
                (text.text or "").replace("\xa0", " "),
                float(text.get("x") or 0),
                float(text.get("y") or 0),
                Font(
                    float(text.get("font-size") or 14),
                    text.get("font-weight") == "bold",
                    (text.get("font-family") or "").startswith("Courier"),
                ),
            )
            for text in group.iter(f"{SVG}text")
        )
        title = group.find(f"{SVG}title")
        boxes.append(Box(title.text if title is not None and title.text else "", min(xs), max(xs), texts))
    return boxes


def outline_xs(d: str) -> Iterator[float]:
    """Every x a box outline reaches: Graphviz writes absolute `M x,y C x,y ...`; big_drawing writes
    `M x,y` and then relative h/v/q moves (a q's end point is its second pair)."""
    x = 0.0
    for command, args in re.findall(r"([MCLHVhvqlz])([^MCLHVhvqlzZ]*)", d + "z"):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if command in "MCL":
            for value in numbers[::2]:
                x = value
                yield x
        elif command == "H":
            x = numbers[-1]
        elif command == "h":
            x += sum(numbers)
        elif command == "q":
            for i in range(0, len(numbers), 4):
                yield x + numbers[i]
                x += numbers[i + 2]
        elif command == "l":
            x += sum(numbers[::2])
        yield x


@cache
def pango_width(text: str, font: Font) -> float:
    """The width Graphviz (Pango, with the fonts fontconfig finds) gives `text` in `font`, in points: the width
    of a box with no margin around it."""
    face = ' FACE="Courier"' if font.mono else ""
    shown = html.escape(text).replace(" ", "&#160;")
    body = f'<FONT POINT-SIZE="{font.size:g}"{face}>{shown}</FONT>'
    label = f"<B>{body}</B>" if font.bold else body
    dot = f"digraph {{ node [shape=box margin=0 width=0 height=0 fontname=Helvetica]; a [label=<{label}>]; }}"
    svg = layout(dot, "svg").decode()
    xs = [float(p.split(",")[0]) for p in re.findall(r'<polygon fill="none"[^>]*points="([^"]+)"', svg)[0].split()]
    return max(xs) - min(xs)


def assert_texts_fit(svg: str, names: list[str]) -> None:
    """Each text, as wide as the real font draws it, lies inside its box and ends before the next text of its
    line begins."""
    seen = set()
    for box in drawn_boxes(svg):
        for drawn in box.texts:
            if not drawn.text.strip():
                continue
            width = pango_width(drawn.text, drawn.font)
            after = [other.x for other in box.texts if other.y == drawn.y and other.x > drawn.x]
            assert drawn.x + width <= min(after, default=box.right) + 0.01, (
                f"{drawn.text!r} ({width:.2f} pt from x={drawn.x}) runs into the next text of its line in {box.name}"
            )
            assert drawn.x >= box.left - 0.01, f"{drawn.text!r} starts left of box {box.name}"
            assert drawn.x + width <= box.right + 0.01, (
                f"{drawn.text!r} ({width:.2f} pt from x={drawn.x}) overflows box {box.name} (right edge {box.right})"
            )
            seen.add(drawn.text)
    assert set(names) <= seen, f"names not drawn: {set(names) - seen}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_chinese_names_fit_their_boxes(language: Language, direction: Direction) -> None:
    options = RenderOptions(lang=language, direction=direction)
    result = pipeline.run(names_program(NAMES), options=options)
    assert_texts_fit(result.graphs[0].svg, NAMES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_chinese_names_fit_their_boxes_in_a_big_drawing(language: Language, direction: Direction) -> None:
    """Past 300 boxes gradtrace measures the text itself (text_metrics), without Graphviz: its widths must be
    the real font's, or a long Chinese name spills out of its box."""
    names = [f"{name}{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i // 10}" for i, name in enumerate(NAMES * 20)]
    options = RenderOptions(lang=language, direction=direction, collapse_runs=False, edge_labels=False)
    rendered = pipeline.run(names_program(names), options=options).graphs[0]
    assert big_drawing_svg(rendered.dot) is not None, "the drawing should take the big-drawing path"
    assert_texts_fit(rendered.svg, [names[0], names[11], names[-1]])


@pytest.mark.parametrize("size", [9.0, 10.0, 11.0, 12.0, 13.0])
@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("mono", [False, True])
def test_text_metrics_give_chinese_its_real_width(size: float, bold: bool, mono: bool) -> None:
    """gradtrace's own measuring (big drawings) agrees with Pango's for Chinese and full-width text, and for
    text mixing it with Latin at the sizes whose Latin advances it has tables of (labels use those)."""
    font = Font(size, bold, mono)
    mixed = ("loss 损失 2", "\u3000 x", "w权重_1") if size in (11.0, 13.0) else ()
    for text in ("损", "损失函数的梯度", "（权重，偏置）", "\u3000\u3000", *mixed):
        measured, real = text_width(text, font), pango_width(text, font)
        assert real <= measured <= real + 0.76 * len(text), (text, font, measured, real)


def texts_of(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    # Node and edge <title>s are ids (n0, n1->n0), not words shown.
    ids = {t.text for g in root.iter(f"{SVG}g") for t in g.findall(f"{SVG}title")}
    return [
        text
        for element in root.iter()
        if element.tag != f"{SVG}style"
        for text in [element.text]
        if text and text not in ids
    ]


WORDS_PROGRAM = """权重 = torch.ones(2, 3, requires_grad=True)
偏置 = torch.zeros(3, requires_grad=True)
损失 = (权重 * 2 + 偏置).sum()
损失.backward()
"""
FOLD_PROGRAM = """w = torch.tensor(0.5, requires_grad=True)
h = torch.tensor(1.0, requires_grad=True)
for i in range(40):
    h = torch.sigmoid(w * h + 0.1)
h.backward()
"""
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}")
NOT_WORDS = re.compile(r"^(\w*Backward\d*|AccumulateGrad|gradtrace|torch)$")


@pytest.mark.parametrize("program", [WORDS_PROGRAM, FOLD_PROGRAM], ids=["words", "fold"])
def test_every_word_of_a_drawing_follows_lang(program: str) -> None:
    english, chinese = (
        texts_of(pipeline.run(program, options=RenderOptions(lang=lang, gradcheck=True, color_by="grad")).graphs[0].svg)
        for lang in LANGUAGES
    )
    english_words = {word for text in english for word in ENGLISH_WORDS.findall(text)}
    left_in_chinese = {word for text in chinese for word in ENGLISH_WORDS.findall(text) if not NOT_WORDS.match(word)}
    assert not left_in_chinese - {"h"}, f"English words in the Chinese drawing: {left_in_chinese}"
    assert {"value", "grad", "gradcheck", "Autograd", "graph"} <= english_words
    joined = "\n".join(chinese)
    assert "的计算图" in joined and "自动求导节点" in joined and "叶子张量：" in joined
    assert "值 " in joined and "梯度 " in joined and "数值梯度检验" in joined and "平均 |梯度|，对数刻度" in joined
    if program is WORDS_PROGRAM:
        assert "沿第 0 维求和" in joined and "标量" in joined and "叶子节点" in joined
        assert "sums over dim 0" in "\n".join(english) and "scalar" in english_words
    else:
        assert re.search(r"\d+ 个运算 ×\d+", joined) and re.search(r"\|梯度\| [▁▂▃▄▅▆▇█]+", joined)
        assert re.search(r"\d+ ops ×\d+", "\n".join(english))


def test_rows_under_a_chinese_caption_line_up() -> None:
    """A tensor's later rows are padded to the caption's width: an ideographic space per Chinese character."""
    result = pipeline.run(
        "x = torch.ones(3, 4, requires_grad=True)\n(x * 2).sum().backward()", options=RenderOptions(lang="zh-CN")
    )
    texts = texts_of(result.graphs[0].svg)
    first = next(t for t in texts if t.startswith("梯度 ["))
    following = texts[texts.index(first) + 1]
    assert following.startswith("\u3000\u3000 [")
    mono = Font(11.0, False, True)
    assert pango_width("梯度 ", mono) == pango_width("\u3000\u3000 ", mono)


def test_the_svg_names_font_families_that_draw_chinese() -> None:
    svg = pipeline.run(WORDS_PROGRAM, options=RenderOptions(lang="zh-CN")).graphs[0].svg
    style = ET.fromstring(svg).find(f"{SVG}style")
    assert style is not None and style.text is not None
    for graphviz_names, names in FONT_FAMILIES.items():
        assert f'text[font-family="{graphviz_names}"]{{font-family:{names}}}' in style.text
        families = names.split(",")
        assert families[0] == graphviz_names.split(",")[0]  # Latin text keeps the face it was measured with
        assert {"'Noto Sans CJK SC'", "'PingFang SC'", "'Microsoft YaHei'", "'WenQuanYi Micro Hei'"} <= set(families)
    assert 'font-family="Helvetica,sans-Serif"' in svg  # what the rule matches


def ink(image: Image.Image) -> Image.Image:
    """The dark pixels of a picture, cropped to them and scaled to 32x32 (black on white)."""
    grey = image.convert("L").point(lambda v: 0 if v < 128 else 255)
    box = ImageChops.invert(grey).getbbox()
    assert box is not None, "nothing drawn"
    return grey.crop(box).resize((32, 32))


def overlap(a: Image.Image, b: Image.Image) -> float:
    """Intersection over union of two ink masks."""
    pa, pb = ([v < 128 for v in img.tobytes()] for img in (a, b))
    both = sum(x and y for x, y in zip(pa, pb, strict=True))
    either = sum(x or y for x, y in zip(pa, pb, strict=True))
    return both / either


def glyph_from_font(char: str) -> Image.Image:
    font = ImageFont.truetype(str(CJK_FONT), 64)
    canvas = Image.new("L", (100, 100), 255)
    ImageDraw.Draw(canvas).text((10, 10), char, font=font, fill=0)
    return ink(canvas)


def test_png_drawings_show_chinese_glyphs() -> None:
    """Each character Graphviz draws in a PNG is that character's glyph from the CJK font (a missing font
    draws the same empty box, or a box of hex digits, for every character)."""
    characters = "损失权重梯度"
    references = {char: glyph_from_font(char) for char in characters}
    for char in characters:
        dot = f'digraph {{ node [shape=plaintext fontname=Helvetica fontsize=48]; a [label="{char}"]; }}'
        drawn = ink(Image.open(io.BytesIO(layout(dot, "png"))))
        scores = {other: overlap(drawn, reference) for other, reference in references.items()}
        assert max(scores, key=scores.__getitem__) == char and scores[char] > 0.6, (char, scores)


def test_pdf_drawings_embed_the_chinese_font() -> None:
    result = pipeline.run(WORDS_PROGRAM, options=RenderOptions(lang="zh-CN"))
    pdf = layout(result.graphs[0].dot, "pdf")
    assert re.search(rb"/BaseFont /[A-Z]{6}\+WenQuanYiMicroHei", pdf), "no CJK font embedded: Chinese drawn as boxes"


def test_the_image_and_the_test_machine_install_the_cjk_font() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile[dockerfile.rindex("\nFROM ") :]
    assert "fonts-wqy-microhei" in final_stage and "fontconfig" in final_stage
    makefile = (ROOT / "Makefile").read_text()
    system_deps = makefile[makefile.index("\nsystem-deps:") :].split("\n\n")[0]
    assert "fonts-wqy-microhei" in system_deps and str(CJK_FONT) in system_deps


def test_the_json_edges_say_their_local_derivative_in_the_requests_language() -> None:
    """The words of an edge's local derivative (`×1, sums over dim 0`) are drawn and listed in one language."""
    result = pipeline.run(WORDS_PROGRAM)
    edges = {language: result_to_json(result, language)["graphs"][0]["edges"] for language in LANGUAGES}
    local_texts = {language: {e["local"]["text"] for e in edges[language] if e["local"]} for language in LANGUAGES}
    assert {"×1, sums over dim 0", "×1, copied to all 6"} <= local_texts["en"]
    assert {"×1，沿第 0 维求和", "×1，复制到全部 6 个元素"} <= local_texts["zh-CN"]
