"""The SVG charts: escaped text, named images, no bar for a figure that is not shown, and
nothing the CSP forbids."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from lms.insights import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> & "quotes"'


def _parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))  # noqa: S314 - our own SVG, in a test


def _texts(svg: ElementTree.Element) -> list[str]:
    return [element.text or "" for element in svg.iter(f"{SVG}text")]


def _checked(markup: str, chart_id: str) -> ElementTree.Element:
    """Well-formed, an image named by its title and described by its desc, CSP-safe."""
    svg = _parse(markup)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{chart_id}-title"
    assert svg.get("aria-describedby") == f"{chart_id}-desc"
    assert svg.find(f"{SVG}title").get("id") == f"{chart_id}-title"
    assert svg.find(f"{SVG}desc").get("id") == f"{chart_id}-desc"
    assert "style" not in markup and "<script" not in markup and " on" not in markup
    assert all(int(size) >= 12 for size in re.findall(r'font-size="(\d+)"', markup))
    return svg


def test_bar_chart() -> None:
    markup = charts.bar_chart("chart-x", HOSTILE, "Completion: 62.5%", [
        charts.Bar("Western Balkans 2025", 62.5, "62.5%"),
        charts.Bar(HOSTILE, None, "fewer than 5"),
        charts.Bar("Climate action 2025", 100, "100%"),
    ], maximum=100)
    svg = _checked(markup, "chart-x")
    assert svg.find(f"{SVG}title").text == HOSTILE
    assert HOSTILE in _texts(svg) and "fewer than 5" in _texts(svg)
    bars = [rect.get("width") for rect in svg.iter(f"{SVG}rect")
            if rect.get("fill") == charts.BRAND]
    # Two bars only, scaled to 100: the one not shown is not drawn.
    assert bars == ["48.75%", "78%"]
    assert svg.get("width") == "100%"


def test_long_labels_wrap_on_three_lines_at_most() -> None:
    label = "A very long cohort name " * 10
    svg = _parse(charts.bar_chart("c", "t", "d", [charts.Bar(label, 1, "1")]))
    lines = _texts(svg)[:-1]  # the last text is the bar's number
    assert len(lines) == 3 and lines[-1].endswith("…") and _texts(svg)[-1] == "1"
    assert all(len(line) <= charts.LABEL_WIDTH for line in lines)


def test_column_chart() -> None:
    markup = charts.column_chart("chart-m", "Over time", "Jan: 12; Feb: fewer than 5", [
        charts.Column("Jan", "2026", 12, "12"), charts.Column("Feb", "", None, "fewer than 5"),
        charts.Column("Mar", "", 40, "40")])
    svg = _checked(markup, "chart-m")
    columns = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("fill") == charts.BRAND]
    assert len(columns) == 2
    assert float(columns[1].get("height")) == charts.PLOT_HEIGHT  # 40 is the axis's top
    assert {"0", "20", "40", "Jan", "2026", "Feb", "fewer than 5"} <= set(_texts(svg))
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"


def test_column_chart_with_nothing_to_draw_has_no_scale() -> None:
    svg = _parse(charts.column_chart("c", "t", "d", [charts.Column("Jan", "", None, "—")]))
    assert set(_texts(svg)) == {"—", "Jan"}


def test_dumbbell_chart() -> None:
    markup = charts.dumbbell_chart("chart-s", "Shifts", "d", [
        charts.Dumbbell("Rising", 2.0, 4.0, "2.0", "4.0", ""),
        charts.Dumbbell("Falling", 4.0, 3.0, "4.0", "3.0", ""),
        charts.Dumbbell(HOSTILE, None, None, "", "", "fewer than 5"),
    ], legend=("Before the course", "After the course"))
    svg = _checked(markup, "chart-s")
    dots = [(circle.get("cx"), circle.get("fill")) for circle in svg.iter(f"{SVG}circle")
            if circle.get("r") == "7"]
    # 1 at 12%, 5 at 88%: 2 -> 31%, 4 -> 69%, 3 -> 50%; hollow before, filled after.
    assert dots == [("31%", charts.PAPER), ("69%", charts.BRAND),
                    ("69%", charts.PAPER), ("50%", charts.BRAND)]
    assert {"Before the course", "After the course", "fewer than 5", HOSTILE} <= set(_texts(svg))


def test_describe() -> None:
    assert charts.describe([("A", "1"), ("B", "fewer than 5")]) == "A: 1; B: fewer than 5"
