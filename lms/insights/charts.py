"""Charts as inline SVG, drawn on the server: horizontal bars, columns for months, and a
"dumbbell" for ratings before and after.

Pure functions of plain values, returning Markup with every text escaped. Each chart is an
`<svg role="img">` named by its `<title>` and described by its `<desc>`; the page puts a table
with the same numbers under it. No style attribute and no script (the CSP forbids them):
presentation attributes only, with the colours of static/style.css. Text is 12 px or more:
the bar and dumbbell charts are laid out in percentages of their width, so that they fit a
phone without being scaled down; the column chart keeps its size and scrolls sideways.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

# The stylesheet's colours (static/style.css :root).
INK = "#1b1f24"
MUTED = "#4d5661"
BRAND = "#0b4f6c"
ACCENT = "#f2a900"
WASH = "#f3f5f7"
LINE = "#c9d0d7"
PAPER = "#ffffff"

NOTHING = Markup("")
FONT_SIZE = 14
SMALL_FONT_SIZE = 12
LINE_HEIGHT = 18
DX_AFTER = Markup(' dx="6"')  # a bar's number, just after its end
DX_AFTER_DOT, DX_BEFORE_DOT = Markup(' dx="14"'), Markup(' dx="-14"')
LABEL_WIDTH = 44  # characters per line of a label: fits a 320 px wide phone at 14 px
LABEL_LINES = 3
BAR_SPAN = 78  # % of the width the longest bar takes; the rest is for its number


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no bar (the figure is not shown), `text` says why
    text: str


@dataclass(frozen=True)
class Column:
    label: str  # under the column ("Mar")
    sublabel: str  # a second line ("2026"), or ""
    value: float | None
    text: str


@dataclass(frozen=True)
class Dumbbell:
    label: str
    before: float | None  # None: not shown, `note` says why
    after: float | None
    before_text: str
    after_text: str
    note: str


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_WIDTH) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][:LABEL_WIDTH - 1].rstrip() + "…"
    return lines


def _text(x: str, y: float, content: str, *, size: int = FONT_SIZE, fill: str = INK,
          anchor: str = "start", weight: str = "normal", extra: Markup = NOTHING) -> Markup:
    return Markup('<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="{}" '
                  'font-weight="{}"{}>{}</text>').format(
        x, _number(y), size, fill, anchor, weight, extra, content)


def _svg(chart_id: str, title: str, description: str, width: str, height: float,
         body: list[Markup], view_box: str = "") -> Markup:
    """The chart's outer element: an image named by its title, described by its desc."""
    box = Markup(' viewBox="{}"').format(view_box) if view_box else Markup("")
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        'height="{height}"{box} aria-labelledby="{id}-title" aria-describedby="{id}-desc" '
        'focusable="false"><title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{description}</desc>{body}</svg>').format(
        width=width, height=_number(height), box=box, id=chart_id, title=title,
        description=description, body=Markup("").join(body))


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar], *,
              maximum: float | None = None) -> Markup:
    """Horizontal bars, one per label (label above its bar), with the number at its end.

    Bars are scaled to `maximum` (the largest value by default); a bar whose value is None is
    not drawn and its text stands in its place.
    """
    shown = [bar.value for bar in bars if bar.value is not None]
    top = maximum if maximum is not None else max(shown, default=0)
    body: list[Markup] = []
    y = 0.0
    for bar in bars:
        for line in _lines(bar.label):
            y += LINE_HEIGHT
            body.append(_text("0", y - 4, line))
        bar_top = y + 2
        body.append(Markup('<rect x="0" y="{}" width="{}%" height="20" fill="{}"/>').format(
            _number(bar_top), BAR_SPAN, WASH))
        if bar.value is None:
            body.append(_text("0", bar_top + 15, bar.text, fill=MUTED, extra=DX_AFTER))
        else:
            span = BAR_SPAN * bar.value / top if top else 0
            body.append(Markup('<rect x="0" y="{}" width="{}%" height="20" fill="{}"/>').format(
                _number(bar_top), _number(span), BRAND))
            body.append(_text(f"{_number(span)}%", bar_top + 15, bar.text, weight="bold",
                              extra=DX_AFTER))
        y = bar_top + 20 + 14
    return _svg(chart_id, title, description, "100%", max(y, 1), body)


COLUMN_STEP = 34
COLUMN_WIDTH = 22
PLOT_TOP, PLOT_HEIGHT = 24, 180
AXIS_WIDTH = 52


def _nice_ceiling(value: float) -> float:
    """A round number at or above `value` for the top of an axis whose middle is a whole
    number too (2, 4, 10, 20, 40, 100...)."""
    step = 1.0
    while True:
        for factor in (2, 4, 10):
            if step * factor >= value:
                return step * factor
        step *= 10


def column_chart(chart_id: str, title: str, description: str, columns: Sequence[Column],
                 *, axis_format: Callable[[float], str] = "{:,.0f}".format) -> Markup:
    """Vertical columns (months, left to right) over a value axis with three grid lines.

    Drawn at its natural size (wide enough for its labels); the page lets it scroll sideways
    on a narrow screen. A column whose value is None shows its text, upright, instead.
    """
    shown = [column.value for column in columns if column.value is not None]
    top = _nice_ceiling(max(shown, default=0))
    width = AXIS_WIDTH + COLUMN_STEP * max(len(columns), 1) + 8
    baseline = PLOT_TOP + PLOT_HEIGHT
    body: list[Markup] = []
    # Grid lines and their values; only the baseline when no column is drawn.
    for fraction in (0, 0.5, 1) if shown else (0,):
        y = baseline - PLOT_HEIGHT * fraction
        body.append(Markup('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" '
                           'stroke-width="1"/>').format(AXIS_WIDTH - 4, width, _number(y),
                                                        _number(y), LINE if fraction else INK))
        if shown:
            body.append(_text(str(AXIS_WIDTH - 8), y + 4, axis_format(top * fraction),
                              size=SMALL_FONT_SIZE, fill=MUTED, anchor="end"))
    for index, column in enumerate(columns):
        left = AXIS_WIDTH + COLUMN_STEP * index + (COLUMN_STEP - COLUMN_WIDTH) / 2
        middle = left + COLUMN_WIDTH / 2
        if column.value is None:
            body.append(_text("0", 0, column.text, size=SMALL_FONT_SIZE, fill=MUTED,
                              extra=Markup(' transform="translate({} {}) rotate(-90)" '
                                           'dy="4"').format(_number(middle),
                                                            _number(baseline - 6))))
        else:
            height = PLOT_HEIGHT * column.value / top
            body.append(Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>').format(
                _number(left), _number(baseline - height), COLUMN_WIDTH, _number(height),
                BRAND))
        body.append(_text(_number(middle), baseline + 18, column.label, size=SMALL_FONT_SIZE,
                          anchor="middle"))
        if column.sublabel:
            body.append(_text(_number(middle), baseline + 34, column.sublabel,
                              size=SMALL_FONT_SIZE, fill=MUTED, anchor="middle"))
    height = baseline + 42
    return _svg(chart_id, title, description, str(width), height, body,
                view_box=f"0 0 {width} {height}")


SCALE_LEFT, SCALE_SPAN = 12, 76  # % of the width where the rating scale starts, and its span


def dumbbell_chart(chart_id: str, title: str, description: str, rows: Sequence[Dumbbell], *,
                   scale: tuple[int, int] = (1, 5),
                   legend: tuple[str, str] = ("Before", "After")) -> Markup:
    """For each statement, the mean before (hollow dot) and after (filled dot), joined by a
    line, on a shared scale; a row that is not shown says why in place of its dots."""
    low, high = scale

    def position(value: float) -> float:
        return SCALE_LEFT + SCALE_SPAN * (value - low) / (high - low)

    body: list[Markup] = []
    y = 0.0
    if any(row.before is not None and row.after is not None for row in rows):
        # The legend, and the scale's points once at the top.
        # One legend item a line, so that longer translations never collide.
        body += [
            Markup('<circle cx="8" cy="10" r="6" fill="{}" stroke="{}" '
                   'stroke-width="3"/>').format(PAPER, BRAND),
            _text("22", 15, legend[0]),
            Markup('<circle cx="8" cy="32" r="6" fill="{}"/>').format(BRAND),
            _text("22", 37, legend[1]),
        ]
        body += [_text(f"{_number(position(tick))}%", 66, str(tick), size=SMALL_FONT_SIZE,
                       fill=MUTED, anchor="middle") for tick in range(low, high + 1)]
        y = 72.0
    marks: list[Markup] = []
    for row in rows:
        for line in _lines(row.label):
            y += LINE_HEIGHT
            marks.append(_text("0", y - 4, line))
        track = y + 14
        if row.before is None or row.after is None:
            marks.append(_text("0", track + 5, row.note, fill=MUTED))
            y = track + 18
            continue
        # The scale under each row (a light line with a tick at each point), so that no
        # grid line crosses the statements' text.
        marks.append(Markup('<line x1="{}%" x2="{}%" y1="{}" y2="{}" stroke="{}" '
                            'stroke-width="1"/>').format(SCALE_LEFT, SCALE_LEFT + SCALE_SPAN,
                                                         _number(track), _number(track), LINE))
        for tick in range(low, high + 1):
            marks.append(Markup('<line x1="{x}%" x2="{x}%" y1="{top}" y2="{bottom}" '
                                'stroke="{line}" stroke-width="1"/>').format(
                x=_number(position(tick)), top=_number(track - 4), bottom=_number(track + 4),
                line=LINE))
        first, second = position(row.before), position(row.after)
        falling = row.after < row.before
        marks.append(Markup('<line x1="{}%" x2="{}%" y1="{}" y2="{}" stroke="{}" '
                            'stroke-width="4"/>').format(_number(first), _number(second),
                                                         _number(track), _number(track),
                                                         ACCENT))
        marks.append(Markup('<circle cx="{}%" cy="{}" r="7" fill="{}" stroke="{}" '
                            'stroke-width="3"/>').format(_number(first), _number(track),
                                                         PAPER, BRAND))
        marks.append(Markup('<circle cx="{}%" cy="{}" r="7" fill="{}"/>').format(
            _number(second), _number(track), BRAND))
        marks.append(_text(f"{_number(first)}%", track + 5, row.before_text, fill=MUTED,
                           anchor="start" if falling else "end",
                           extra=DX_AFTER_DOT if falling else DX_BEFORE_DOT))
        marks.append(_text(f"{_number(second)}%", track + 5, row.after_text, weight="bold",
                           anchor="end" if falling else "start",
                           extra=DX_BEFORE_DOT if falling else DX_AFTER_DOT))
        y = track + 18
    return _svg(chart_id, title, description, "100%", y + 4, body + marks)


def describe(items: Sequence[tuple[str, str]]) -> str:
    """A chart's description for screen readers: each label with its figure."""
    return "; ".join(f"{label}: {text}" for label, text in items)
