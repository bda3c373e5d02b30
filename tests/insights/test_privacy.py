"""The fewer-than-5 rule and the protection against subtraction, as plain functions."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from lms.insights import privacy
from lms.insights.privacy import FEWER, SHOWN, WITHHELD, Figure, protect
from lms.insights.tables import COUNT, PERCENT, csv_value, display, safe_cell


def test_protect_marks_figures_about_fewer_than_five_people() -> None:
    assert protect(12, 12) == Figure(12, 12, SHOWN)
    assert protect(5, 5).state == SHOWN
    assert protect(4, 4).state == FEWER
    assert protect(0, 0).state == FEWER  # "a count under 5"
    assert protect(95.0, 4).state == FEWER  # a rate over 4 people
    assert protect(None, 0).state == FEWER
    assert not protect(None, 7).shown  # nothing to show (e.g. no completer yet)


def test_one_small_group_takes_the_smallest_other_with_it() -> None:
    figures = [protect(8, 8), protect(3, 3), protect(6, 6), protect(20, 20)]
    assert privacy.withhold_complement(figures, [8, 3, 6, 20]) == {2}
    # Two small groups already hide each other; none at all needs nothing.
    assert privacy.withhold_complement([protect(3, 3), protect(2, 2), protect(9, 9)],
                                       [3, 2, 9]) == set()
    assert privacy.withhold_complement([protect(8, 8), protect(9, 9)], [8, 9]) == set()
    # A lone small group with nothing else to hide: nothing to withhold.
    assert privacy.withhold_complement([protect(3, 3)], [3]) == set()
    assert privacy.withheld(protect(6, 6)).state == WITHHELD
    assert privacy.withheld(protect(3, 3)).state == FEWER


def test_the_same_words_in_pages_and_csv_files(app: Flask) -> None:
    with app.test_request_context():
        assert display(protect(3, 3), COUNT) == "fewer than 5"
        assert display(privacy.withheld(protect(6, 6)), COUNT) == "not shown"
        assert display(protect(1234, 1234), COUNT) == "1,234"
        assert display(protect(62.5, 8), PERCENT) == "62.5%"
        with force_locale("fr"):
            assert display(protect(3, 3), COUNT) == "moins de 5"
            assert display(privacy.withheld(protect(6, 6)), COUNT) == "non affiché"
            # CSV files keep a stable marker and plain numbers, whatever the language.
            assert csv_value(protect(3, 3), COUNT) == "fewer than 5"
            assert csv_value(protect(62.5, 8), PERCENT) == "62.5"


def test_text_cells_are_neutralised_for_spreadsheets() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Western Balkans") == "Western Balkans"
