"""How figures are published (lms/insights/privacy.py), as plain functions: counts rounded to
the nearest 5, "fewer than 5", coarse rates and means, and the same words in pages and CSVs."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask
from flask_babel import force_locale

from lms.insights import privacy
from lms.insights.privacy import FEWER, SHOWN, Figure, protect, protect_count
from lms.insights.tables import COUNT, PERCENT, csv_value, display, safe_cell, write_csv


def test_counts_are_rounded_to_the_nearest_5_and_small_ones_hidden() -> None:
    assert protect_count(12, 12) == Figure(10, 12, SHOWN)
    assert [privacy.rounded_count(n) for n in (5, 6, 7, 8, 12, 13, 17, 18, 1234)] == \
        [5, 5, 5, 10, 10, 15, 15, 20, 1235]
    assert protect_count(5, 5) == Figure(5, 5, SHOWN)
    # About fewer than 5 people: no value at all, whatever the count (6 stories by 2 people).
    assert protect_count(4, 4) == Figure(None, 4, FEWER)
    assert protect_count(6, 2) == Figure(None, 2, FEWER)
    assert protect_count(0, 0).state == FEWER


def test_rates_means_and_medians_need_5_people_and_are_coarse() -> None:
    # Under 20 people, to the nearest 20 points; from 20, to the nearest 10.
    assert privacy.protect_rate(5, 8, 8) == Figure(60, 8)  # 62.5%
    assert privacy.protect_rate(10, 17, 17).value == 60  # 58.8%
    assert privacy.protect_rate(5, 10, 10).value == 60  # 50%: halves go up
    assert privacy.protect_rate(0, 12, 12).value == 0
    assert privacy.protect_rate(13, 20, 20).value == 70  # 65%
    assert privacy.protect_rate(7, 23, 23).value == 30  # 30.4%
    # A group published as 5 (5 to 7 people): no rate (0% of 7 would be exactly none).
    assert privacy.protect_rate(0, 7, 7) == Figure(None, 7, privacy.WITHHELD)
    assert privacy.protect_rate(3, 4, 4).state == FEWER
    assert privacy.protect_mean(3.33, 6) == Figure(3.5, 6)
    assert privacy.protect_mean(3.2, 6).value == 3.0
    assert privacy.protect_mean(4.9, 4).state == FEWER
    assert privacy.difference(Figure(3.5, 6), Figure(4.0, 6)) == Figure(-0.5, 6)
    assert privacy.difference(Figure(None, 4, FEWER), Figure(None, 4, FEWER)).state == FEWER
    assert protect(22.5, 10) == Figure(22.5, 10)  # a median: as is, over 5 people or more
    assert protect(95.0, 4).state == FEWER
    assert not protect(None, 7).shown  # nothing to show (e.g. no completer yet)


def test_the_same_words_in_pages_and_csv_files(app: Flask) -> None:
    with app.test_request_context():
        assert display(protect_count(3, 3), COUNT) == "fewer than 5"
        assert display(protect_count(1234, 1234), COUNT) == "1,235"
        assert display(privacy.protect_rate(5, 8, 8), PERCENT) == "60%"
        assert display(privacy.protect_rate(5, 6, 6), PERCENT) == "not shown"
        assert "rounded to the nearest 5" in privacy.method_note()
        with force_locale("fr"):
            assert display(protect_count(3, 3), COUNT) == "moins de 5"
            assert "arrondi" in privacy.method_note()
            # CSV files keep a stable marker and plain numbers, whatever the language.
            assert csv_value(protect_count(3, 3), COUNT) == "fewer than 5"
            assert csv_value(privacy.protect_rate(5, 8, 8), PERCENT) == "60.0"


def test_text_cells_are_neutralised_for_spreadsheets() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Western Balkans") == "Western Balkans"


def test_the_csv_ends_with_the_method(app: Flask) -> None:
    from lms.insights.tables import BARS, Column, Row, Table

    table = Table("cohorts", "By cohort", "", "Cohort", "Address",
                  [Column("enrolments", "Enrolments", COUNT)],
                  [Row("x", "X", {"enrolments": protect_count(8, 8)})], BARS, "enrolments")
    with app.test_request_context():
        lines = write_csv(table).splitlines()
        assert lines[1:3] == ["x,X,10", '"' + privacy.method_note() + '"']


def test_a_total_that_would_pin_a_hidden_group_is_not_shown(app: Flask) -> None:
    from lms.insights import breakdowns, queries

    def month(key: str, people: int) -> queries.Participation:
        return queries.Participation(queries.MONTH, key, people, people, 0, 0, 0, 0, None)

    # 7 enrolments read 5, a month of 5 reads 5: the two other months (1 each) would be
    # "at most 7 - 5 - 1 = 1" each, exactly. So the total is withheld.
    rows = [queries.Participation(queries.ALL, "", 7, 7, 0, 0, 0, 0, None),
            month("2026-01", 5), month("2026-02", 1), month("2026-03", 1)]
    # A scope of two cohorts (their own rows left out here).
    cohorts = [SimpleNamespace(id=-1, slug="a", name="A"), SimpleNamespace(id=-2, slug="b",
                                                                           name="B")]
    with app.test_request_context():
        total, _ = breakdowns.participation_tables(rows, cohorts)  # type: ignore[arg-type]
        assert total["enrolments"].state == privacy.WITHHELD and total["enrolments"].value is None
        assert display(total["enrolments"], COUNT) == "not shown"
        with force_locale("fr"):
            assert display(total["enrolments"], COUNT) == "non affiché"
        # With months of 5, 1 and 3 (9, read 10) a hidden month is 1 to 4: shown.
        rows[0] = queries.Participation(queries.ALL, "", 9, 9, 0, 0, 0, 0, None)
        rows[3] = month("2026-03", 3)
        total, _ = breakdowns.participation_tables(rows, cohorts)  # type: ignore[arg-type]
        assert total["enrolments"] == Figure(10, 9)
    # The same arithmetic, plainly: 17 read 15, groups of 8 and 8 read 10: the third is 1.
    assert privacy.pins(protect_count(17, 17), [protect_count(8, 8), protect_count(8, 8),
                                                protect_count(1, 1)], least=1)
    assert not privacy.pins(protect_count(17, 17), [protect_count(8, 8), protect_count(6, 6),
                                                    protect_count(3, 3)], least=1)
