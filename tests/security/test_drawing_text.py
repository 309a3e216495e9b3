"""Text XML cannot hold (C0 controls, U+FFFE/U+FFFF, lone surrogates) in every place text enters a
drawing (issue 9, finding 10a): the SVG still parses as XML and the PNG/PDF still show the text."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from gradtrace.errors import GradtraceError
from gradtrace.graph.model import Graph, Node
from gradtrace.rendering.dot import graph_to_dot
from gradtrace.rendering.drawing_text import drawable_text, drawing_text
from gradtrace.rendering.options import RenderOptions
from gradtrace.rendering.svg import add_title, layout, layout_svg
from gradtrace.web.error_pictures import draw_error
from gradtrace.web.errors import error_svg
from gradtrace.web.source_encoding import encode_source

XML_REFUSED = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff", "\ud800", "\udfff"]
# Allowed by XML but worth drawing: DEL, a C1 control, a noncharacter XML allows.
ODD_BUT_ALLOWED = ["\x7f", "\x85", "\ufdd0"]
EVERY_CHARACTER = XML_REFUSED + ODD_BUT_ALLOWED


def parses_as_xml(svg: bytes | str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8", "surrogatepass") if isinstance(svg, str) else svg)


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def pdf_size(pdf: bytes) -> tuple[float, float]:
    assert pdf.startswith(b"%PDF")
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert box is not None
    return float(box.group(1)), float(box.group(2))


def same_size_as_plain(size: tuple[float, float], plain: tuple[float, float]) -> bool:
    # Graphviz draws a label it cannot read as an empty box a fraction of the real picture's width
    # (83 px against 518 px for the error below). Line separators (VT, FF, FS..RS, NEL) break the
    # message into more, shorter lines: narrower and taller, never much smaller both ways.
    return size[0] >= 0.5 * plain[0] and size[1] >= 0.9 * plain[1]


@pytest.mark.parametrize("character", EVERY_CHARACTER, ids=lambda c: f"U+{ord(c):04X}")
def test_the_stand_in_is_xml_and_visible(character: str) -> None:
    text = drawing_text(f"a{character}b<&>")
    parses_as_xml(f"<t>{text}</t>")
    assert text.startswith("a") and text.endswith("b&lt;&amp;&gt;") and len(drawable_text(character)) == 1
    if character in XML_REFUSED or character == "\x7f":  # drawn as something one can see
        assert drawable_text(character) != character and not drawable_text(character).isspace()


def test_controls_are_drawn_as_their_control_pictures() -> None:
    assert drawable_text("a\x1fb\x00") == "a␟b␀" and drawable_text("\x7f") == "␡"
    assert drawable_text("\ufffe\uffff\ud800") == "\ufffd" * 3
    assert drawable_text("tab\tnew\nline\r") == "tab\tnew\nline\r"  # XML holds these as they are


@pytest.mark.parametrize("character", EVERY_CHARACTER, ids=lambda c: f"U+{ord(c):04X}")
def test_error_pictures_in_every_format(character: str) -> None:
    error = GradtraceError("runtime", f"line 1: AssertionError: a{character}b and some more text")
    plain = GradtraceError("runtime", "line 1: AssertionError: a?b and some more text")
    parses_as_xml(bytes(error_svg(error).body))
    assert same_size_as_plain(png_size(draw_error(error, "png")), png_size(draw_error(plain, "png")))
    assert same_size_as_plain(pdf_size(draw_error(error, "pdf")), pdf_size(draw_error(plain, "pdf")))


def odd_graph(text: str) -> Graph:
    # Names are identifiers in real programs; a Graph from elsewhere (a notebook) may say anything.
    leaf = Node(id="n0", kind="leaf", op="", name=f"x{text}")
    root = Node(id="n1", kind="op", op=f"Mul{text}Backward0", name=f"y{text}", is_root=True)
    return Graph(nodes=(leaf, root), edges=(), root=f"y{text}")


@pytest.mark.parametrize("character", EVERY_CHARACTER, ids=lambda c: f"U+{ord(c):04X}")
def test_graph_labels_titles_and_descriptions(character: str) -> None:
    dot = graph_to_dot(odd_graph(character), RenderOptions())
    svg = layout_svg(dot, f"Autograd graph of y{character}", f"leaf tensors: x{character}")
    tree = parses_as_xml(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert drawable_text(character) in (tree.findtext(f"{ns}title") or "")
    assert f"y{drawable_text(character)}" in "".join(tree.itertext())
    plain_dot = graph_to_dot(odd_graph("?"), RenderOptions())
    assert same_size_as_plain(png_size(layout(dot, "png")), png_size(layout(plain_dot, "png")))
    assert same_size_as_plain(pdf_size(layout(dot, "pdf")), pdf_size(layout(plain_dot, "pdf")))
    parses_as_xml(add_title('<svg xmlns="http://www.w3.org/2000/svg"></svg>', character, character))


ASSERTS = [
    ("assert False, 'a\\x1fb'", "a␟b"),
    ("assert False, 'a\\x00b\\x08c'", "a␀b␈c"),
    ("assert False, 'a\\ufffeb\\uffffc'", "a\ufffdb\ufffdc"),
    ("assert False, 'a\\ud800b'", "b"),  # a lone surrogate made at run time
    ("x = torch.ones(2)\nprint('a\\x1b[31m')\nassert False, 'bell\\x07'", "bell␇"),
]


@pytest.mark.parametrize(("code", "shown"), ASSERTS)
def test_assert_messages_through_the_service(client: TestClient, code: str, shown: str) -> None:
    encoded = encode_source(code)
    svg = client.get(f"/svg/{encoded}")
    assert svg.status_code == 422 and svg.headers["content-type"].startswith("image/svg+xml")
    assert shown in "".join(parses_as_xml(svg.content).itertext())
    plain = encode_source("assert False, 'a?b'")
    png = client.get(f"/png/{encoded}")
    assert png.status_code == 422 and png_size(png.content)[1] >= png_size(client.get(f"/png/{plain}").content)[1]
    pdf = client.get(f"/pdf/{encoded}")
    assert pdf.status_code == 422
    assert pdf_size(pdf.content)[1] >= 0.9 * pdf_size(client.get(f"/pdf/{plain}").content)[1]
    assert "a\x1fb" not in client.post("/api/graph", json={"code": code}).text  # JSON escapes it instead


ODD_REQUESTS = [
    ("x = 1\x1f", ""),  # a raw control character in the source
    ("x = 'a\ufffeb'\nassert False, x", ""),  # a raw U+FFFE in a string the message quotes
    ("y = (x * 2).sum()", '?inputs={"a\\u001fb": 1}'),  # an input name that is not a name
    ("y = (x * 2).sum()", '?inputs={"x": "\\uffff"}'),  # an input value that is not a number
    ("y = (x * 2).sum()", '?inputs={"x": [1, "\\ud800"]}'),
]


@pytest.mark.parametrize(("code", "query"), ODD_REQUESTS)
def test_odd_sources_and_inputs_draw_parseable_error_pictures(client: TestClient, code: str, query: str) -> None:
    encoded = encode_source(code)
    svg = client.get(f"/svg/{encoded}{query}")
    assert 400 <= svg.status_code < 500 and svg.headers["content-type"].startswith("image/svg+xml")
    message = "".join(parses_as_xml(svg.content).itertext())
    assert "gradtrace:" in message
    for fmt, size_of in (("png", png_size), ("pdf", pdf_size)):
        picture = client.get(f"/{fmt}/{encoded}{query}")
        assert picture.status_code == svg.status_code
        assert size_of(picture.content)[0] > 200  # an empty drawing is ~83 px / 134 pt wide
