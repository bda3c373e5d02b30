"""A course's capstone (the reform project), as declared in the `capstone:` block of course.yml.

Kept apart from content.py, which loads everything else: the block is checked here (with
check-content's errors) and read into a `CapstoneSpec` the capstone area works from.

    capstone:
      title: {en: ..., fr: ...}
      intro: {en: Markdown, fr: Markdown}
      fields:                      # the template the learner fills in; the first field names
        - id: title                # the project (one line); "commitment" (or the second field)
          label: {en: ..., fr: ...}  # summarises it on the alumni profile
          help: {en: ..., fr: ...}
          max_length: 160
      rubric:
        - id: ambition
          label: {en: ..., fr: ...}
          levels:                  # scores increasing
            - {score: 1, label: {en: ..., fr: ...}}
      peer_review: {required: true, reviewers: 2, due_days: 7}
      required_for_certificate: true
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import markdown
import nh3
from markupsafe import Markup

from lms.courses.markup import ID_PATTERN, Reporter, did_you_mean

CAPSTONE_KEYS = ("title", "intro", "fields", "rubric", "peer_review",
                 "required_for_certificate")
FIELD_KEYS = ("id", "label", "help", "max_length")
CRITERION_KEYS = ("id", "label", "levels")
LEVEL_KEYS = ("score", "label")
PEER_REVIEW_KEYS = ("required", "reviewers", "due_days")
# A field's answer is never longer than this, whatever the course says (the forms' limit).
MAX_FIELD_LENGTH = 20_000
# Up to this length a field is one line of text; longer ones are a text area.
ONE_LINE = 200
_INTRO_TAGS = {"p", "br", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code"}


def _pick(texts: dict[str, str], language: str, default: str) -> str:
    return texts.get(language) or texts.get(default) or next(iter(texts.values()), "")


@dataclass(frozen=True)
class CapstoneField:
    field_id: str
    labels: dict[str, str]
    helps: dict[str, str]
    max_length: int

    @property
    def one_line(self) -> bool:
        return self.max_length <= ONE_LINE


@dataclass(frozen=True)
class Level:
    score: int
    labels: dict[str, str]


@dataclass(frozen=True)
class Criterion:
    criterion_id: str
    labels: dict[str, str]
    levels: tuple[Level, ...]

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(level.score for level in self.levels)


@dataclass(frozen=True)
class CapstoneSpec:
    """What a course's capstone asks: its template, its rubric, and how it is reviewed."""

    titles: dict[str, str]
    intros: dict[str, str]
    fields: tuple[CapstoneField, ...]
    rubric: tuple[Criterion, ...]
    default_language: str
    peer_review: bool = True
    reviewers: int = 2
    due_days: int = 7
    required_for_certificate: bool = False

    def title(self, language: str) -> str:
        return _pick(self.titles, language, self.default_language)

    def intro_html(self, language: str) -> Markup:
        """The intro's Markdown as safe HTML (content is trusted, but sanitised all the same)."""
        html = markdown.markdown(_pick(self.intros, language, self.default_language))
        return Markup(nh3.clean(html, tags=_INTRO_TAGS, attributes={"a": {"href"}},  # noqa: S704
                                url_schemes={"http", "https", "mailto"},
                                link_rel="nofollow noopener noreferrer"))

    def label(self, texts: dict[str, str], language: str) -> str:
        return _pick(texts, language, self.default_language)

    @property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(item.field_id for item in self.fields)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(item.criterion_id for item in self.rubric)


# --- checking --------------------------------------------------------------------------------

class _Checker:
    def __init__(self, languages: list[str], line: int, report: Reporter) -> None:
        self.languages, self.line, self.report = languages, line, report
        self.ok = True

    def error(self, message: str, tag: str = "capstone") -> None:
        self.report.error(self.line, tag, message)
        self.ok = False

    def keys(self, mapping: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(f"unknown key '{key}' in {where}{did_you_mean(str(key), allowed)}",
                           "unknown-key")

    def texts(self, value: object, where: str) -> None:
        missing = [lang for lang in self.languages if not isinstance(value, dict)
                   or not str(value.get(lang) or "").strip()]
        if missing:
            self.error(f"{where} needs a text for each language; missing: {', '.join(missing)}",
                       "missing-language")
        extra = [str(lang) for lang in value if lang not in self.languages] \
            if isinstance(value, dict) else []
        if extra:  # often a comma in a {en: ..., fr: ...} text that needed quotes
            self.error(f"{where} has texts for unknown languages: {', '.join(extra)} (quote a "
                       "text that holds a comma)", "missing-language")

    def whole(self, value: object, where: str, low: int, high: int) -> bool:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.error(f"{where} must be a whole number from {low} to {high}, not '{value}'")
            return False
        return True

    def ids(self, items: list[Any], kind: str) -> None:
        seen: set[str] = set()
        for item in items:
            item_id = str(item.get("id") or "")
            if not ID_PATTERN.match(item_id):
                self.error(f"{kind} id '{item_id}' must use lower-case letters, digits and "
                           "hyphens", "invalid-id")
            elif item_id in seen:
                self.error(f"{kind} '{item_id}' is declared twice", "duplicate-id")
            seen.add(item_id)


def check_capstone(capstone: object, languages: list[str], line: int, report: Reporter) -> bool:
    """Report every problem of a `capstone:` block; True when it can be used."""
    check = _Checker(languages, line, report)
    if not isinstance(capstone, dict):
        check.error("capstone must be a mapping (title, intro, fields, rubric, peer_review, "
                    "required_for_certificate)")
        return False
    check.keys(capstone, CAPSTONE_KEYS, "capstone")
    check.texts(capstone.get("title"), "capstone title")
    check.texts(capstone.get("intro"), "capstone intro")
    _check_fields(capstone.get("fields"), check)
    _check_rubric(capstone.get("rubric"), check)
    peer = capstone.get("peer_review", {})
    if not isinstance(peer, dict):
        check.error("peer_review must be a mapping like {required: true, reviewers: 2, "
                    "due_days: 7}")
    else:
        check.keys(peer, PEER_REVIEW_KEYS, "capstone peer_review")
        if not isinstance(peer.get("required", True), bool):
            check.error("peer_review required must be true or false")
        check.whole(peer.get("reviewers", 2), "peer_review reviewers", 1, 10)
        check.whole(peer.get("due_days", 7), "peer_review due_days", 1, 90)
    if not isinstance(capstone.get("required_for_certificate", False), bool):
        check.error("required_for_certificate must be true or false")
    return check.ok


def _check_fields(fields: object, check: _Checker) -> None:
    if not isinstance(fields, list) or not fields or not all(isinstance(item, dict)
                                                              for item in fields):
        check.error("capstone fields must be a list of {id, label, help, max_length}")
        return
    check.ids(fields, "field")
    for item in fields:
        where = f"field '{item.get('id')}'"
        check.keys(item, FIELD_KEYS, where)
        check.texts(item.get("label"), f"{where} label")
        if "help" in item:
            check.texts(item.get("help"), f"{where} help")
        check.whole(item.get("max_length"), f"{where} max_length", 20, MAX_FIELD_LENGTH)


def _check_rubric(rubric: object, check: _Checker) -> None:
    if not isinstance(rubric, list) or not rubric or not all(isinstance(item, dict)
                                                              for item in rubric):
        check.error("capstone rubric must be a list of criteria {id, label, levels}")
        return
    check.ids(rubric, "criterion")
    for item in rubric:
        where = f"criterion '{item.get('id')}'"
        check.keys(item, CRITERION_KEYS, where)
        check.texts(item.get("label"), f"{where} label")
        levels = item.get("levels")
        if not isinstance(levels, list) or len(levels) < 2 or not all(
                isinstance(level, dict) for level in levels):
            check.error(f"{where} needs at least two levels, each {{score, label}}")
            continue
        scores = []
        for level in levels:
            check.keys(level, LEVEL_KEYS, f"a level of {where}")
            check.texts(level.get("label"), f"a level of {where}")
            if check.whole(level.get("score"), f"a score of {where}", 0, 100):
                scores.append(level["score"])
        if any(later <= earlier for earlier, later in zip(scores, scores[1:], strict=False)):
            check.error(f"the levels of {where} must have increasing scores")


def read_capstone(capstone: dict[str, Any], default_language: str) -> CapstoneSpec:
    """A checked `capstone:` block as a CapstoneSpec."""
    peer = capstone.get("peer_review") or {}
    return CapstoneSpec(
        titles=dict(capstone["title"]), intros=dict(capstone["intro"]),
        fields=tuple(CapstoneField(str(item["id"]), dict(item["label"]),
                                   dict(item.get("help") or {}), int(item["max_length"]))
                     for item in capstone["fields"]),
        rubric=tuple(Criterion(str(item["id"]), dict(item["label"]), tuple(
            Level(int(level["score"]), dict(level["label"])) for level in item["levels"]))
            for item in capstone["rubric"]),
        default_language=default_language,
        peer_review=bool(peer.get("required", True)), reviewers=int(peer.get("reviewers", 2)),
        due_days=int(peer.get("due_days", 7)),
        required_for_certificate=bool(capstone.get("required_for_certificate", False)))
