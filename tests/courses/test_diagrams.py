"""`::: diagram {#name}`: an SVG file of the course, checked and inlined in the lesson page."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses.content import Catalogue, check_and_load
from tests.courses.helpers import LESSON, LESSON_FR, svg, write_course

BLOCK = "::: diagram {#cycle}\nHow a plan goes round: **four** steps.\n:::\n\n"
EN = LESSON.replace("::: keypoints", BLOCK + "::: keypoints")
FR = LESSON_FR.replace("::: keypoints", BLOCK.replace("How a plan goes round", "Le cycle")
                       + "::: keypoints")
DIAGRAM_LINE = 42  # the line of the block in EN
EN_SVG = "diagrams/en/cycle.svg"


def load(tmp_path: Path, files: dict[str, str | None] | None = None) -> Catalogue:
    return check_and_load(write_course(tmp_path, {
        "en/first.md": EN, "fr/first.md": FR, "diagrams/en/cycle.svg": svg("cycle"),
        "diagrams/fr/cycle.svg": svg("cycle", "Le cycle"), **(files or {})}))


def problems(tmp_path: Path, files: dict[str, str | None]) -> list[str]:
    return [str(problem) for problem in load(tmp_path, files).problems]


def test_a_diagram_is_inlined_from_the_parsed_file(tmp_path: Path) -> None:
    catalogue = load(tmp_path)
    assert catalogue.problems == []
    lesson = catalogue.courses["demo"].lessons[0]
    html = "".join(segment.html for segment in lesson.versions["en"].segments)
    figure = html.split('<figure class="diagram" id="diagram-cycle">', 1)[1].split("</figure>")[0]
    assert figure.startswith('<svg viewBox="0 0 200 100" role="img" '
                             'aria-labelledby="cycle-title cycle-desc">')
    assert "<title id=\"cycle-title\">The action-plan cycle</title>" in figure
    assert "<tspan>Co-create</tspan> <tspan>&amp; publish</tspan>" in figure
    # No declaration, comment, namespace clutter, or fixed size: CSS sizes it for a phone.
    for absent in ("<?xml", "<!--", "ns0:", 'width="800"', 'height="400"'):
        assert absent not in figure
    assert 'width="180"' in figure  # inner sizes stay
    assert figure.endswith("<figcaption>How a plan goes round: <strong>four</strong> "
                           "steps.</figcaption>")
    french = "".join(segment.html for segment in lesson.versions["fr"].segments)
    assert "<title id=\"cycle-title\">Le cycle</title>" in french


def test_a_caption_is_optional(tmp_path: Path) -> None:
    catalogue = load(tmp_path, {"en/first.md": EN.replace(
        "How a plan goes round: **four** steps.\n", "")})
    html = "".join(segment.html for segment in
                   catalogue.courses["demo"].lessons[0].versions["en"].segments)
    assert "<figcaption>" not in html and "</svg></figure>" in html


EN_PATH = "content/demo/en/first.md"
SVG_PATH = "content/demo/diagrams/en/cycle.svg"
GOOD = svg("cycle")
CASES = [
    ("file missing in one language", {"diagrams/fr/cycle.svg": None},
     f"{EN_PATH}:{DIAGRAM_LINE}: error [diagram] diagram 'cycle' has no fr file: "
     "diagrams/fr/cycle.svg not found"),
    ("not well-formed", {EN_SVG: GOOD.replace("</desc>", "</dsc>")},
     f"{SVG_PATH}:6: error [diagram] not well-formed XML: mismatched tag: line 6, column 49"),
    ("root not svg", {EN_SVG: '<html xmlns="http://www.w3.org/1999/xhtml"/>'},
     f"{SVG_PATH}:1: error [diagram] the root element must be <svg> in the SVG namespace "
     "(xmlns=\"http://www.w3.org/2000/svg\"), not <html>"),
    ("no viewBox", {EN_SVG: GOOD.replace(' viewBox="0 0 200 100"', "")},
     f"{SVG_PATH}:3: error [diagram] <svg> needs a viewBox (e.g. viewBox=\"0 0 640 400\") so "
     "that it can scale to a phone"),
    ("no role", {EN_SVG: GOOD.replace('role="img" ', "")},
     f"{SVG_PATH}:3: error [diagram] <svg> needs role=\"img\""),
    ("no desc", {EN_SVG: GOOD.replace('  <desc id="cycle-desc">Four steps in a circle.</desc>\n',
                                        "")},
     f"{SVG_PATH}:3: error [diagram] <svg> needs a <desc> child with text (what screen readers "
     "say)"),
    ("title not named by aria-labelledby", {EN_SVG: GOOD.replace("cycle-title cycle-desc",
                                                                   "cycle-desc")},
     f"{SVG_PATH}:3: error [diagram] <svg> needs aria-labelledby listing the id of its <title> "
     "(aria-labelledby=\"<title id> <desc id>\")"),
    ("script", {EN_SVG: svg("cycle", extra="<script>alert(1)</script>")},
     f"{SVG_PATH}:9: error [diagram] <script>: scripts are not allowed"),
    ("foreignObject", {EN_SVG: svg("cycle", extra="<foreignObject/>")},
     f"{SVG_PATH}:9: error [diagram] <foreignObject>: foreignObject (HTML inside SVG) is not "
     "allowed"),
    ("image", {EN_SVG: svg("cycle", extra='<image href="#cycle-box"/>')},
     f"{SVG_PATH}:9: error [diagram] <image>: images inside a diagram are not allowed: draw it "
     "in SVG"),
    ("use of another file", {EN_SVG: svg("cycle", extra='<use href="other.svg#x"/>')},
     f"{SVG_PATH}:9: error [diagram] href=\"other.svg#x\": links may only point inside the "
     "diagram ('#id')"),
    ("xlink to a site", {EN_SVG: svg("cycle", extra=(
        '<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:alert(1)">x</a>'))},
     f"{SVG_PATH}:9: error [diagram] xlink:href=\"javascript:alert(1)\": links may only point "
     "inside the diagram ('#id')"),
    ("event attribute", {EN_SVG: svg("cycle", extra='<circle onclick="alert(1)" r="1"/>')},
     f"{SVG_PATH}:9: error [diagram] event attribute 'onclick' is not allowed"),
    ("outside url", {EN_SVG: svg("cycle", extra=(
        '<circle r="1" style="fill: url(https://evil.example/x.svg#p)"/>'))},
     f"{SVG_PATH}:9: error [diagram] style: url(...) may only point inside the diagram "
     "(url(#id))"),
    ("id without the diagram's name", {EN_SVG: svg("cycle", extra='<g id="arrows"/>')},
     f"{SVG_PATH}:9: error [diagram] id 'arrows' must start with 'cycle-' (ids must stay "
     "unique when two diagrams share a page)"),
    ("style element", {EN_SVG: svg("cycle", extra="<style>rect { fill: red }</style>")},
     f"{SVG_PATH}:9: error [diagram] <style>: a <style> element would restyle the whole page: "
     "use attributes (fill=, style=)"),
    ("doctype", {EN_SVG: '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "a">]>\n'
                 + GOOD.split("?>", 1)[1]},
     f"{SVG_PATH}:1: error [diagram] a DOCTYPE is not allowed (nor entities)"),
    ("no id", {"en/first.md": EN.replace("::: diagram {#cycle}", "::: diagram")},
     f"{EN_PATH}:{DIAGRAM_LINE}: error [missing-id] diagram needs the name of its file: "
     "'::: diagram {#name}' shows diagrams/<language>/name.svg"),
    ("translation without the diagram", {"fr/first.md": LESSON_FR},
     "content/demo/fr/first.md:1: error [translation] diagrams differ from en/first.md: here "
     "none, there ['cycle']"),
]


@pytest.mark.parametrize(("rule", "files", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_diagram_rule(tmp_path: Path, rule: str, files: dict, expected: str) -> None:
    found = problems(tmp_path, files)
    assert expected in found, found


def test_a_broken_diagram_keeps_the_course_out(tmp_path: Path) -> None:
    catalogue = load(tmp_path, {EN_SVG: svg("cycle", extra="<script>x()</script>")})
    assert "demo" not in catalogue.courses
