"""Courses from content/: loading, checking and rendering, cached per content version.

The whole catalogue is read once; the rendered HTML of every lesson is kept in memory and reused
until a file under content/ changes (its size or modification time).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import yaml
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from lms.courses.assessment import FILE_NAME as ASSESSMENT_FILE
from lms.courses.assessment import SelfAssessment, load_self_assessment
from lms.courses.capstone_content import CapstoneSpec, check_capstone, read_capstone
from lms.courses.diagrams import check_svg, diagram_path
from lms.courses.editorial import check_correct_counts, check_lesson, read_editorial
from lms.courses.glossary import FILE_NAME as GLOSSARY_FILE
from lms.courses.glossary import Glossary, TermLinks, load_glossary
from lms.courses.markup import (
    ID_PATTERN,
    NEEDS_ID,
    QUIZ_PARTS,
    Block,
    Problem,
    Quiz,
    Reporter,
    Text,
    did_you_mean,
    parse_blocks,
    parse_quiz,
    read_yaml,
)
from lms.courses.models import PRIVATE, VISIBILITIES
from lms.courses.stats import LessonStats, lesson_stats
from lms.courses.style import FILE_NAME as STYLE_FILE
from lms.courses.style import YAML_FILES, Rule, check_lines, load_style, unquoted_lines, yaml_lines

COURSE_KEYS = ("id", "default_language", "languages", "title", "summary", "objectives",
               "licence", "pass_mark", "lessons", "certificate", "reflections", "quizzes",
               "capstone", "editorial")
CERTIFICATE_KEYS = ("programme", "signatories", "valid_years", "alumni")
REFLECTIONS_KEYS = ("default_visibility",)
QUIZZES_KEYS = ("explanation_after_wrong",)
# Wrong answers after which a check's explanation shows anyway: enough to try the options,
# not so many that a stuck learner gives up.
EXPLANATION_AFTER_WRONG = 3
REQUIRED_COURSE_KEYS = ("id", "default_language", "languages", "title", "summary", "licence",
                        "pass_mark", "lessons")
FRONT_MATTER_KEYS = ("title", "minutes", "summary", "sources")
STATIC_BLOCKS = ("objectives", "keypoints", "callout", "caution", "case")
# The label of a case study, in the lesson's language (the page's language may differ).
CASE_LABELS = {"en": "Case", "fr": "Cas", "es": "Caso"}
# Blocks whose prose may link glossary terms (never objectives, quizzes or reflections).
LINKED_BLOCKS = ("keypoints", "callout", "caution", "case")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s")
_SOURCE_LINK = re.compile(r"\]\(\s*<?https?://|<https?://")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+\"[^\"]*\")?\)")


class ContentError(RuntimeError):
    """The content has errors; the app must not serve it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        listing = "\n".join(str(problem) for problem in problems)
        super().__init__(f"course content has {len(problems)} error(s):\n{listing}")


# --- what the rest of the app sees ---------------------------------------------------------------

@dataclass(frozen=True)
class RenderedOption:
    label_html: str
    feedback_html: str


@dataclass(frozen=True)
class RenderedQuiz:
    quiz: Quiz
    question_html: str
    options: tuple[RenderedOption, ...]
    hint_html: str
    explanation_html: str

    @property
    def quiz_id(self) -> str:
        return self.quiz.quiz_id

    @property
    def kind(self) -> str:
        return self.quiz.kind


@dataclass(frozen=True)
class Segment:
    """A piece of a lesson page: static HTML, an aside block, or a quiz/reflection to fill in."""

    kind: str  # "html", "block", "quiz" or "reflection"
    html: str = ""
    name: str = ""
    label: str = ""  # a block's own label, in the lesson's language (a case study's)


@dataclass
class LessonVersion:
    """One lesson in one language, rendered."""

    lesson_id: str
    language: str
    title: str
    minutes: int
    summary: str
    sources_html: list[str]
    segments: list[Segment]
    quizzes: dict[str, RenderedQuiz]
    reflections: dict[str, str]  # id -> prompt HTML
    words: int
    stats: LessonStats = field(default_factory=lambda: LessonStats(0))


@dataclass
class Lesson:
    lesson_id: str
    position: int
    versions: dict[str, LessonVersion]
    default_language: str

    def version(self, language: str) -> tuple[LessonVersion, bool]:
        """The lesson in `language`, or in the default language (second value True) if missing."""
        if language in self.versions:
            return self.versions[language], False
        return self.versions[self.default_language], True

    @property
    def quiz_ids(self) -> list[str]:
        return list(self.versions[self.default_language].quizzes)

    @property
    def reflection_ids(self) -> list[str]:
        return list(self.versions[self.default_language].reflections)


@dataclass(frozen=True)
class CertificateRule:
    """What a course's certificate says beyond the course: programme, signatories, validity.

    Earning it always takes every lesson done (each with its checks answered correctly) and, for
    members of a cohort that requires it, the facilitator's sign-off.
    """

    programme: dict[str, str]
    signatories: tuple[tuple[str, dict[str, str]], ...]  # (name, title by language)
    valid_years: int | None
    # Whether a valid certificate of this course makes its holder an alumnus (a programme
    # course); cohort graduates are alumni whatever this says.
    alumni: bool = False


@dataclass
class Course:
    course_id: str
    default_language: str
    languages: list[str]
    titles: dict[str, str]
    summaries: dict[str, str]
    objectives: dict[str, list[str]]
    licence: str
    pass_mark: int
    lessons: list[Lesson]
    folder: Path
    certificate: CertificateRule = CertificateRule({}, (), None)
    self_assessment: SelfAssessment | None = None
    # Who reads a new reflection unless the learner chooses otherwise (models.VISIBILITIES).
    reflection_default: str = PRIVATE
    # Wrong answers to a check after which its explanation is shown (None: only once answered
    # correctly); the explanation usually gives the answer away.
    explanation_after_wrong: int | None = EXPLANATION_AFTER_WRONG
    # The reform project the course asks for (lms.capstone), if it declares one.
    capstone: CapstoneSpec | None = None
    # Its glossary (glossary.yml), if it has one: a page, and links from lessons.
    glossary: Glossary | None = None

    def glossary_language(self, language: str) -> str:
        """The language the glossary is read in: the reader's, or the course's default."""
        return language if language in self.languages else self.default_language

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles[self.default_language]

    def summary(self, language: str) -> str:
        return self.summaries.get(language) or self.summaries[self.default_language]

    def objectives_in(self, language: str) -> list[str]:
        return self.objectives.get(language) or self.objectives.get(self.default_language, [])

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.lesson_id == lesson_id), None)

    @property
    def minutes(self) -> int:
        return sum(lesson.versions[self.default_language].minutes for lesson in self.lessons)


@dataclass
class Catalogue:
    courses: dict[str, Course]
    problems: list[Problem] = field(default_factory=list)
    version: str = ""  # changes whenever a file under content/ changes

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]


# --- loading -------------------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple[Any, ...], Catalogue]] = {}
_cache_lock = threading.Lock()


def _fingerprint(root: Path) -> tuple[Any, ...]:
    return tuple(sorted((str(path), path.stat().st_mtime_ns, path.stat().st_size)
                        for path in root.rglob("*") if path.is_file()))


def load_catalogue(root: Path) -> Catalogue:
    """Every course under `root`, checked and rendered; reused until a file changes."""
    root = root.resolve()
    fingerprint = _fingerprint(root) if root.is_dir() else ()
    with _cache_lock:
        cached = _cache.get(root)
        if cached and cached[0] == fingerprint:
            return cached[1]
    catalogue = check_and_load(root)
    catalogue.version = hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:16]
    with _cache_lock:
        _cache[root] = (fingerprint, catalogue)
    return catalogue


def check_and_load(root: Path) -> Catalogue:
    """Read every course folder (one with a course.yml, or any folder) under `root`."""
    problems: list[Problem] = []
    courses: dict[str, Course] = {}
    if not root.is_dir():
        problems.append(Problem(str(root), 1, "error", "content", "content folder not found"))
        return Catalogue(courses, problems)
    folders = [root] if (root / "course.yml").is_file() else sorted(
        path for path in root.iterdir() if path.is_dir() and not path.name.startswith("."))
    display_base = root.parent if folders != [root] else root.parent.parent
    for folder in folders:
        course = _CourseLoader(folder, display_base, problems).load()
        if course is not None:
            courses[course.course_id] = course
    problems.sort(key=lambda problem: (problem.path, problem.line, problem.tag))
    return Catalogue(courses, problems)


class _CourseLoader:
    def __init__(self, folder: Path, display_base: Path, problems: list[Problem]) -> None:
        self.folder = folder
        self.display_base = display_base
        self.problems = problems

    def reporter(self, path: Path) -> Reporter:
        try:
            shown = path.relative_to(self.display_base)
        except ValueError:
            shown = path
        return Reporter(str(shown), self.problems)

    def load(self) -> Course | None:
        course_file = self.folder / "course.yml"
        report = self.reporter(course_file)
        if not course_file.is_file():
            report.error(1, "course-file", "missing course.yml")
            return None
        errors_before = self._error_count()
        settings, lines = _read_yaml_mapping(course_file.read_text(encoding="utf-8"), 1, report)
        if settings is None:
            return None
        if not self._check_settings(settings, lines, report):
            return None
        default = settings["default_language"]
        languages = list(settings["languages"])
        listed: list[str] = list(settings["lessons"])
        editorial = read_editorial(settings["editorial"], lines["editorial"], Reporter("", [])) \
            if "editorial" in settings else None
        glossary = load_glossary(self.folder, languages,
                                 self.reporter(self.folder / GLOSSARY_FILE))
        style = load_style(self.folder, languages, self.reporter(self.folder / STYLE_FILE))
        parsed: dict[str, dict[str, _ParsedLesson]] = {}
        for language in languages:
            parsed[language] = {}
            for path in sorted((self.folder / language).glob("*.md")):
                lesson_id = path.stem
                lesson_report = self.reporter(path)
                if lesson_id not in listed:
                    lesson_report.warning(1, "draft", f"lesson '{lesson_id}' is not listed in "
                                          "course.yml lessons: it is a draft and is not shown")
                    continue
                lesson = parsed[language][lesson_id] = _parse_lesson_file(path, lesson_report)
                if editorial is not None and lesson.meta:
                    check_lesson(editorial, lesson.stats, lesson.quizzes, lesson.meta,
                                 lesson_report)
                if style.get(language):
                    check_lines(unquoted_lines(path.read_text(encoding="utf-8")),
                                style[language], lesson_report)
        self._check_style_in_yaml(style)
        diagrams = self._diagrams(parsed, languages)
        if editorial is not None:
            check_correct_counts([quiz for lesson in parsed[default].values()
                                  for quiz in lesson.quizzes], lines["editorial"], report)
        lessons: list[Lesson] = []
        for position, lesson_id in enumerate(listed):
            line = lines.get(("lessons", position), lines.get("lessons", 1))
            if not ID_PATTERN.match(str(lesson_id)):
                report.error(line, "invalid-id", f"lesson id '{lesson_id}' must use lower-case "
                             "letters, digits and hyphens")
                continue
            original = parsed[default].get(lesson_id)
            if original is None:
                report.error(line, "missing-lesson", f"lesson '{lesson_id}' is listed but "
                             f"{default}/{lesson_id}.md does not exist")
                continue
            versions = {default: original}
            for language in languages:
                if language == default:
                    continue
                translation = parsed[language].get(lesson_id)
                if translation is None:
                    report.warning(line, "missing-translation", f"lesson '{lesson_id}' has no "
                                   f"{language} version ({language}/{lesson_id}.md): learners "
                                   f"will see the {default} one")
                    continue
                _compare_quizzes(original, translation, f"{default}/{lesson_id}.md",
                                 self.reporter(translation.path))
                versions[language] = translation
            if all(version.ok for version in versions.values()):
                lessons.append(Lesson(lesson_id, position, {
                    language: version.render(self.folder, language, glossary,
                                             diagrams.get(language, {}))
                    for language, version in versions.items()
                }, default))
        self_assessment = load_self_assessment(
            self.folder, languages, default, self.reporter(self.folder / ASSESSMENT_FILE))
        if self._error_count() > errors_before:
            return None
        return Course(
            course_id=settings["id"], default_language=default, languages=languages,
            titles=dict(settings["title"]), summaries=dict(settings["summary"]),
            objectives={lang: list(items) for lang, items in
                        (settings.get("objectives") or {}).items()},
            licence=str(settings["licence"]), pass_mark=int(settings["pass_mark"]),
            lessons=lessons, folder=self.folder,
            certificate=_certificate_rule(settings.get("certificate") or {}),
            self_assessment=self_assessment,
            reflection_default=(settings.get("reflections") or {}).get("default_visibility",
                                                                       PRIVATE),
            explanation_after_wrong=_explanation_after_wrong(settings.get("quizzes") or {}),
            capstone=read_capstone(settings["capstone"], default) if "capstone" in settings
            else None,
            glossary=glossary,
        )

    def _check_style_in_yaml(self, style: dict[str, list[Rule]]) -> None:
        """The style sheet applies to each language's texts in the course's YAML files too."""
        for name in YAML_FILES:
            path = self.folder / name
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            for language, rules in style.items():
                check_lines(yaml_lines(text, language), rules, self.reporter(path))

    def _diagrams(self, parsed: dict[str, dict[str, _ParsedLesson]],
                  languages: list[str]) -> dict[str, dict[str, str]]:
        """Every diagram the lessons show, checked in every course language: language -> name
        -> the SVG markup for the page."""
        used: dict[str, tuple[_ParsedLesson, int]] = {}
        for by_id in parsed.values():
            for lesson in by_id.values():
                for name, line in lesson.diagrams.items():
                    used.setdefault(name, (lesson, line))
        markup: dict[str, dict[str, str]] = {language: {} for language in languages}
        for name, (lesson, line) in sorted(used.items()):
            for language in languages:
                path = diagram_path(self.folder, language, name)
                if not path.is_file():
                    self.reporter(lesson.path).error(
                        line, "diagram", f"diagram '{name}' has no {language} file: "
                        f"diagrams/{language}/{name}.svg not found")
                    continue
                svg = check_svg(path, name, self.reporter(path))
                if svg is not None:
                    markup[language][name] = svg
        return markup

    def _error_count(self) -> int:
        return sum(problem.severity == "error" for problem in self.problems)

    def _check_settings(self, settings: dict[str, Any], lines: dict[Any, int],
                        report: Reporter) -> bool:
        ok = True
        for key in settings:
            if key not in COURSE_KEYS:
                report.error(lines.get(key, 1), "unknown-key",
                             f"unknown key '{key}' in course.yml{did_you_mean(key, COURSE_KEYS)}")
                ok = False
        for key in REQUIRED_COURSE_KEYS:
            if key not in settings:
                report.error(1, "missing-key", f"course.yml needs '{key}'")
                ok = False
        if not ok:
            return False
        if settings["id"] != self.folder.name:
            report.error(lines["id"], "course-id", f"id '{settings['id']}' does not match the "
                         f"folder name '{self.folder.name}'")
            ok = False
        languages = settings["languages"]
        if not isinstance(languages, list) or not languages:
            report.error(lines["languages"], "languages", "languages must be a list like [en, fr]")
            return False
        if settings["default_language"] not in languages:
            report.error(lines["default_language"], "languages",
                         f"default_language '{settings['default_language']}' is not in languages")
            ok = False
        for key in ("title", "summary"):
            value = settings[key]
            missing = [lang for lang in languages if not isinstance(value, dict)
                       or not str(value.get(lang) or "").strip()]
            if missing:
                report.error(lines[key], "missing-language",
                             f"{key} needs a text for each language; missing: {', '.join(missing)}")
                ok = False
        pass_mark = settings["pass_mark"]
        if not isinstance(pass_mark, int) or isinstance(pass_mark, bool) \
                or not 0 <= pass_mark <= 100:
            report.error(lines["pass_mark"], "pass-mark",
                         "pass_mark must be a whole number from 0 to 100")
            ok = False
        lessons = settings["lessons"]
        if not isinstance(lessons, list) or not lessons:
            report.error(lines["lessons"], "lessons", "lessons must be a list of lesson ids")
            return False
        certificate = settings.get("certificate")
        if certificate is not None:
            ok = _check_certificate(certificate, lines.get("certificate", 1), report) and ok
        if "reflections" in settings:
            ok = _check_reflections(settings["reflections"], lines["reflections"], report) and ok
        if "quizzes" in settings:
            ok = _check_quizzes(settings["quizzes"], lines["quizzes"], report) and ok
        if "capstone" in settings:
            ok = check_capstone(settings["capstone"], languages, lines["capstone"], report) and ok
        if "editorial" in settings:
            ok = read_editorial(settings["editorial"], lines["editorial"], report) is not None \
                and ok
        seen: set[str] = set()
        for position, lesson_id in enumerate(lessons):
            if lesson_id in seen:
                report.error(lines.get(("lessons", position), lines["lessons"]), "duplicate-id",
                             f"lesson '{lesson_id}' is listed twice")
                ok = False
            seen.add(lesson_id)
        return ok


def _check_certificate(certificate: object, line: int, report: Reporter) -> bool:
    if not isinstance(certificate, dict):
        report.error(line, "certificate", "certificate must be a mapping (programme, "
                     "signatories, valid_years, alumni)")
        return False
    ok = True
    for key in certificate:
        if key not in CERTIFICATE_KEYS:
            report.error(line, "unknown-key", f"unknown key '{key}' in certificate"
                         f"{did_you_mean(key, CERTIFICATE_KEYS)}")
            ok = False
    signatories = certificate.get("signatories") or []
    if not isinstance(signatories, list) or not all(
            isinstance(item, dict) and item.get("name") for item in signatories):
        report.error(line, "certificate", "signatories must be a list of {name, title}")
        ok = False
    valid_years = certificate.get("valid_years")
    if valid_years is not None and (not isinstance(valid_years, int) or valid_years <= 0):
        report.error(line, "certificate", "valid_years must be a whole number of years, or left "
                     "out for certificates that do not expire")
        ok = False
    if not isinstance(certificate.get("alumni", False), bool):
        report.error(line, "certificate", "alumni must be true or false")
        ok = False
    return ok


def _check_reflections(reflections: object, line: int, report: Reporter) -> bool:
    """`reflections: {default_visibility: private|facilitators}`; absent means private."""
    if not isinstance(reflections, dict):
        report.error(line, "reflections", "reflections must be a mapping like "
                     "{default_visibility: private}")
        return False
    ok = True
    for key in reflections:
        if key not in REFLECTIONS_KEYS:
            report.error(line, "unknown-key", f"unknown key '{key}' in reflections"
                         f"{did_you_mean(str(key), REFLECTIONS_KEYS)}")
            ok = False
    default = reflections.get("default_visibility", PRIVATE)
    if default not in VISIBILITIES:
        report.error(line, "reflections", f"default_visibility must be one of "
                     f"{', '.join(VISIBILITIES)}, not '{default}'")
        ok = False
    return ok


def _check_quizzes(quizzes: object, line: int, report: Reporter) -> bool:
    """`quizzes: {explanation_after_wrong: 1-100 | never}`; absent means 3."""
    if not isinstance(quizzes, dict):
        report.error(line, "quizzes", "quizzes must be a mapping like "
                     "{explanation_after_wrong: 3}")
        return False
    ok = True
    for key in quizzes:
        if key not in QUIZZES_KEYS:
            report.error(line, "unknown-key", f"unknown key '{key}' in quizzes"
                         f"{did_you_mean(str(key), QUIZZES_KEYS)}")
            ok = False
    after = quizzes.get("explanation_after_wrong", EXPLANATION_AFTER_WRONG)
    if after != "never" and (not isinstance(after, int) or isinstance(after, bool)
                             or not 1 <= after <= 100):
        report.error(line, "quizzes", "explanation_after_wrong must be a whole number of wrong "
                     f"answers from 1 to 100, or never, not '{after}'")
        ok = False
    return ok


def _explanation_after_wrong(quizzes: dict[str, Any]) -> int | None:
    after = quizzes.get("explanation_after_wrong", EXPLANATION_AFTER_WRONG)
    return None if after == "never" else int(after)


def _certificate_rule(certificate: dict[str, Any]) -> CertificateRule:
    titles = [(str(item["name"]), dict(item.get("title") or {}))
              for item in certificate.get("signatories") or []]
    return CertificateRule(dict(certificate.get("programme") or {}), tuple(titles),
                           certificate.get("valid_years"), bool(certificate.get("alumni", False)))


def _read_yaml_mapping(text: str, first_line: int,
                       report: Reporter) -> tuple[dict[str, Any] | None, dict[Any, int]]:
    """Parse a YAML mapping; also return the line of each key (and of each list item)."""
    parsed = read_yaml(text, first_line, report)
    if parsed is None:
        return None, {}
    values, node = parsed
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        report.error(first_line, "yaml", "expected a mapping of keys to values")
        return None, {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        lines[key_node.value] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.SequenceNode):
            for index, item in enumerate(value_node.value):
                lines[(key_node.value, index)] = first_line + item.start_mark.line
    return values, lines


# --- lessons -------------------------------------------------------------------------------------

@dataclass
class _ParsedLesson:
    """A lesson file read and checked, before rendering."""

    path: Path
    meta: dict[str, Any]
    tree: list[Text | Block]
    quizzes: list[Quiz]
    reflections: dict[str, Block]
    ok: bool
    diagrams: dict[str, int] = field(default_factory=dict)  # name -> line of its block

    @property
    def stats(self) -> LessonStats:
        return lesson_stats(self.tree, self.quizzes)

    def render(self, folder: Path, language: str, glossary: Glossary | None = None,
               diagrams: dict[str, str] | None = None) -> LessonVersion:
        renderer = _Renderer(folder, language, glossary, diagrams or {})
        quizzes = {quiz.quiz_id: renderer.quiz(quiz) for quiz in self.quizzes}
        reflections = {block_id: renderer.markdown(block.text_source())
                       for block_id, block in self.reflections.items()}
        words = sum(len(text.source().split()) for text in _walk_text(self.tree))
        return LessonVersion(
            lesson_id=self.path.stem, language=language, title=str(self.meta["title"]),
            minutes=int(self.meta["minutes"]), summary=str(self.meta.get("summary") or ""),
            sources_html=[renderer.inline(str(source))
                          for source in self.meta.get("sources") or []],
            segments=renderer.segments(self.tree), quizzes=quizzes, reflections=reflections,
            words=words, stats=self.stats,
        )


def _walk_text(nodes: list[Text | Block]) -> list[Text]:
    found: list[Text] = []
    for node in nodes:
        if isinstance(node, Text):
            found.append(node)
        elif node.name != "instructor":
            found.extend(_walk_text(node.children))
    return found


def _parse_lesson_file(path: Path, report: Reporter) -> _ParsedLesson:
    lines = path.read_text(encoding="utf-8").splitlines()
    before = len(report.problems)
    meta = _front_matter(lines, report)
    body_start = meta.pop("__body_line", len(lines) + 1) if meta is not None else len(lines) + 1
    body = lines[body_start - 1:]
    tree = parse_blocks(body, body_start, report)
    quizzes, reflections, diagrams = _check_lesson(path, tree, body_start, report)
    ok = meta is not None and not any(problem.severity == "error"
                                      for problem in report.problems[before:])
    return _ParsedLesson(path, meta or {}, tree, quizzes, reflections, ok, diagrams)


def read_lesson_stats(path: Path) -> LessonStats:
    """Count a lesson file (content-stats), whatever problems it may have."""
    parsed = _parse_lesson_file(path, Reporter(str(path), []))
    return parsed.stats


def _front_matter(lines: list[str], report: Reporter) -> dict[str, Any] | None:
    if not lines or lines[0].strip() != "---":
        report.error(1, "front-matter", "missing front matter: the file must start with a '---' "
                     "line, then title and minutes, then '---'")
        return None
    end = next((index for index in range(1, len(lines)) if lines[index].strip() == "---"), None)
    if end is None:
        report.error(1, "front-matter", "front matter is not closed by a '---' line")
        return None
    meta, key_lines = _read_yaml_mapping("\n".join(lines[1:end]), 2, report)
    if meta is None:
        return None
    ok = True
    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            report.error(key_lines.get(key, 2), "unknown-key", f"unknown key '{key}' in front "
                         f"matter{did_you_mean(key, FRONT_MATTER_KEYS)}")
            ok = False
    if not str(meta.get("title") or "").strip():
        report.error(1, "front-matter", "front matter needs a title")
        ok = False
    minutes = meta.get("minutes")
    if minutes is None:
        report.error(1, "front-matter", "front matter needs minutes (reading time)")
        ok = False
    elif not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        report.error(key_lines.get("minutes", 2), "front-matter",
                     f"minutes must be a whole number above 0, not '{minutes}'")
        ok = False
    sources = meta.get("sources")
    if sources is not None and not (isinstance(sources, list)
                                    and all(isinstance(item, str) for item in sources)):
        report.error(key_lines.get("sources", 2), "front-matter", "sources must be a list of texts")
        ok = False
    if not ok:
        return None
    meta["__body_line"] = end + 2
    return meta


def _check_lesson(path: Path, tree: list[Text | Block], body_start: int,
                  report: Reporter) -> tuple[list[Quiz], dict[str, Block], dict[str, int]]:
    first_heading = _check_text(path, tree, report)
    top_blocks = [node for node in tree if isinstance(node, Block)]
    _check_nesting(tree, None, report)

    objectives = [block for block in top_blocks if block.name == "objectives"]
    if not objectives:
        report.error(body_start, "missing-objectives", "lesson has no objectives block "
                     "('::: objectives' before the first heading)")
    elif first_heading is not None and objectives[0].line > first_heading:
        report.error(objectives[0].line, "objectives-position",
                     f"objectives must come before the first heading (line {first_heading})")
    keypoints = [block for block in top_blocks if block.name == "keypoints"]
    if not keypoints:
        report.error(body_start, "missing-keypoints",
                     "lesson has no keypoints block ('::: keypoints' at the end)")
    else:
        after = tree[tree.index(keypoints[-1]) + 1:]
        if any(isinstance(node, Block) or node.source().strip() for node in after):
            report.error(keypoints[-1].line, "keypoints-position",
                         "keypoints must be the last block of the lesson")
    for name, found in (("objectives", objectives), ("keypoints", keypoints)):
        for extra in found[1:]:
            report.error(extra.line, "duplicate-block", f"a second '{name}' block")

    _check_cases(tree, report)
    quizzes: list[Quiz] = []
    reflections: dict[str, Block] = {}
    diagrams: dict[str, int] = {}
    seen: dict[str, int] = {}
    for block in top_blocks:
        if block.name not in (*NEEDS_ID, "diagram"):
            continue
        if block.name == "diagram":
            if not block.block_id:
                report.error(block.line, "missing-id", "diagram needs the name of its file: "
                             "'::: diagram {#name}' shows diagrams/<language>/name.svg")
            else:
                diagrams.setdefault(block.block_id, block.line)
        elif block.name == "quiz":
            quizzes.append(parse_quiz(block, report))
        elif not block.block_id:
            report.error(block.line, "missing-id",
                         "reflection needs an id: '::: reflection {#some-id}'")
        else:
            reflections[block.block_id] = block
        if block.block_id:
            if block.block_id in seen:
                report.error(block.line, "duplicate-id", f"id '{block.block_id}' is already used "
                             f"on line {seen[block.block_id]}")
            else:
                seen[block.block_id] = block.line
    return quizzes, reflections, diagrams


def _check_cases(nodes: list[Text | Block], report: Reporter) -> None:
    """A case study is a real one: it links to its source."""
    for node in nodes:
        if isinstance(node, Block):
            if node.name == "case" and not _SOURCE_LINK.search(node.text_source()):
                report.error(node.line, "case-source", "a case needs its source: a link to it, "
                             "such as [OGP, “…” (2019)](https://www.opengovpartnership.org/…)")
            _check_cases(node.children, report)


def _check_nesting(nodes: list[Text | Block], parent: Block | None, report: Reporter) -> None:
    for node in nodes:
        if not isinstance(node, Block):
            continue
        if node.name in QUIZ_PARTS and (parent is None or parent.name != "quiz"):
            report.error(node.line, "misplaced-block", f"block '{node.name}' must be inside a quiz")
        elif node.name in ("quiz", "reflection", "objectives", "keypoints", "diagram") \
                and parent is not None:
            report.error(node.line, "misplaced-block", f"block '{node.name}' must be at the top "
                         f"level of the lesson, not inside '{parent.name}'")
        elif parent is not None and parent.name == "diagram":
            report.error(node.line, "misplaced-block", f"block '{node.name}' cannot be inside a "
                         "diagram (its body is the caption)")
        if node.name != "quiz":  # quiz parts are checked by parse_quiz
            _check_nesting(node.children, node, report)


def _check_text(path: Path, tree: list[Text | Block], report: Reporter) -> int | None:
    """Check headings and images in all text; return the line of the first heading."""
    first_heading = None
    media = path.parent.parent / "media"
    language = path.parent.name
    for text in _walk_text(tree):
        fence = None
        for offset, raw in enumerate(text.lines):
            number = text.line + offset
            stripped = raw.strip()
            if fence:
                fence = None if stripped.startswith(fence) else fence
                continue
            if stripped.startswith(("```", "~~~")):
                fence = stripped[:3]
                continue
            heading = _HEADING.match(raw)
            if heading:
                if len(heading.group("hashes")) == 1:
                    report.error(number, "heading-level", "level-1 heading: headings in a lesson "
                                 "start at '##' (the lesson title is the page's heading)")
                if first_heading is None:
                    first_heading = number
            for image in _IMAGE.finditer(raw):
                source = image.group("src")
                if not image.group("alt").strip():
                    report.error(number, "image-alt", f"image '{source}' has no alt text: "
                                 "write ![what the image shows](file)")
                if re.match(r"^[a-z]+:|^//", source):
                    report.error(number, "image-remote", f"image '{source}' is on another host: "
                                 "put the file in media/")
                elif not ((media / language / source).is_file() or (media / source).is_file()):
                    report.error(number, "image-missing", f"image '{source}' not found in media/")
    return first_heading


def _compare_quizzes(original: _ParsedLesson, translation: _ParsedLesson, where: str,
                     report: Reporter) -> None:
    """A translation's quizzes must match the default language's, so answers mean the same."""
    errors_before = sum(problem.severity == "error" for problem in report.problems)
    mine = [quiz.quiz_id for quiz in translation.quizzes]
    theirs = [quiz.quiz_id for quiz in original.quizzes]
    if mine != theirs:
        report.error(translation.quizzes[0].line if translation.quizzes else 1, "translation",
                     f"quizzes differ from {where}: here {mine or 'none'}, "
                     f"there {theirs or 'none'}")
    else:
        for quiz, source in zip(translation.quizzes, original.quizzes, strict=True):
            if quiz.kind != source.kind:
                report.error(quiz.line, "translation", f"quiz '{quiz.quiz_id}' is {quiz.kind} "
                             f"here but {source.kind} in {where}")
            elif len(quiz.options) != len(source.options):
                report.error(quiz.line, "translation", f"quiz '{quiz.quiz_id}' has "
                             f"{len(quiz.options)} options here but {len(source.options)} in "
                             f"{where}")
            elif quiz.correct_positions != source.correct_positions:
                report.error(quiz.line, "translation", f"quiz '{quiz.quiz_id}': correct options "
                             f"{_positions(quiz)} here but {_positions(source)} in {where}")
            if quiz.check_kind != source.check_kind:
                report.error(quiz.line, "translation", f"quiz '{quiz.quiz_id}' is of kind "
                             f"{quiz.check_kind or 'none'} here but {source.check_kind or 'none'} "
                             f"in {where}")
    for what, mine_ids, theirs_ids in (
            ("reflections", list(translation.reflections), list(original.reflections)),
            ("diagrams", list(translation.diagrams), list(original.diagrams))):
        if mine_ids != theirs_ids:
            report.error(1, "translation", f"{what} differ from {where}: here "
                         f"{mine_ids or 'none'}, there {theirs_ids or 'none'}")
    if sum(problem.severity == "error" for problem in report.problems) > errors_before:
        translation.ok = False


def _positions(quiz: Quiz) -> str:
    return ", ".join(str(position + 1) for position in quiz.correct_positions) or "none"


# --- rendering -----------------------------------------------------------------------------------

class _MediaLinks(Treeprocessor):
    """Point relative image sources at the course's media route (media/<lang>/ overrides)."""

    def __init__(self, md: markdown.Markdown, folder: Path, language: str) -> None:
        super().__init__(md)
        self.folder = folder
        self.language = language

    def run(self, root: Element) -> None:
        for image in root.iter("img"):
            source = image.get("src", "")
            if re.match(r"^[a-z]+:|^/", source):
                continue
            localised = (self.folder / "media" / self.language / source).is_file()
            image.set("src", f"../media/{self.language + '/' if localised else ''}{source}")
            image.set("loading", "lazy")


class _MediaExtension(Extension):
    def __init__(self, folder: Path, language: str) -> None:
        super().__init__()
        self.folder = folder
        self.language = language

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_MediaLinks(md, self.folder, self.language), "lms_media", 5)


class _Renderer:
    """Renders one lesson in one language (one instance per lesson: term links are made once
    per lesson)."""

    def __init__(self, folder: Path, language: str, glossary: Glossary | None = None,
                 diagrams: dict[str, str] | None = None) -> None:
        self.language = language
        self.diagrams = diagrams or {}
        self.md = markdown.Markdown(
            extensions=["tables", "toc", "attr_list", "fenced_code", "sane_lists",
                        _MediaExtension(folder, language)],
            output_format="html",
        )
        self.terms: TermLinks | None = None
        if glossary is not None:
            course_id = folder.name
            self.terms = TermLinks(self.md, glossary, language,
                                   lambda term_id: f"/courses/{course_id}/glossary#{term_id}")
            # After the inline patterns (20): links, code and emphasis are elements by then.
            self.md.treeprocessors.register(self.terms, "lms_terms", 4)

    def prose(self, source: str) -> str:
        """Markdown of the lesson's prose, where glossary terms link to their definition."""
        if self.terms is None:
            return self.markdown(source)
        self.terms.active = True
        try:
            return self.markdown(source)
        finally:
            self.terms.active = False

    def diagram(self, block: Block) -> str:
        name = block.block_id or ""
        caption = self.inline(block.text_source().strip()) if block.text_source().strip() else ""
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return (f'<figure class="diagram" id="diagram-{name}">{self.diagrams.get(name, "")}'
                f"{figcaption}</figure>")

    def markdown(self, source: str) -> str:
        return self.md.reset().convert(source)

    def inline(self, source: str) -> str:
        html = self.markdown(source)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html

    def quiz(self, quiz: Quiz) -> RenderedQuiz:
        return RenderedQuiz(
            quiz=quiz,
            question_html=self.markdown(quiz.question),
            options=tuple(RenderedOption(self.inline(option.text), self.markdown(option.feedback))
                          for option in quiz.options),
            hint_html=self.markdown(quiz.hint or ""),
            explanation_html=self.markdown(quiz.explanation or ""),
        )

    def segments(self, tree: list[Text | Block]) -> list[Segment]:
        segments: list[Segment] = []
        pending: list[str] = []

        def flush() -> None:
            source = "\n".join(pending).strip()
            if source:
                segments.append(Segment("html", self.prose(source)))
            pending.clear()

        for node in tree:
            if isinstance(node, Text):
                pending.append(node.source())
            elif node.name in STATIC_BLOCKS:
                flush()
                source = node.text_source()
                html = self.prose(source) if node.name in LINKED_BLOCKS else self.markdown(source)
                label = CASE_LABELS.get(self.language, CASE_LABELS["en"]) \
                    if node.name == "case" else ""
                segments.append(Segment("block", html, node.name, label))
            elif node.name == "diagram":
                flush()
                segments.append(Segment("html", self.diagram(node)))
            elif node.name in NEEDS_ID:
                flush()
                segments.append(Segment(node.name, name=node.block_id or ""))
            # instructor notes, and anything else, are never shown to learners
        flush()
        return segments
