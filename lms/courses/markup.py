"""The lesson format: colon-fenced blocks (`::: name {#id}` ... `:::`) and knowledge checks.

Parsing works on raw lines so that every problem can be reported with its line number; the
Markdown inside blocks is rendered later by content.py with Python-Markdown.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

BLOCK_NAMES = ("objectives", "keypoints", "callout", "caution", "case", "instructor",
               "reflection", "quiz", "hint", "explanation", "diagram")
QUIZ_PARTS = ("hint", "explanation")
NEEDS_ID = ("quiz", "reflection")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# What a knowledge check asks of the learner (`::: quiz {#id kind=scenario}`): apply the ideas
# to a situation, explain an idea, or remember a fact. Authors' bookkeeping, never shown.
CHECK_KINDS = ("scenario", "concept", "recall")
# The `key=value` attributes each block accepts besides its {#id}.
BLOCK_ATTRIBUTES: dict[str, dict[str, tuple[str, ...]]] = {"quiz": {"kind": CHECK_KINDS}}

_OPEN = re.compile(r"^(?P<colons>:{3,})\s*(?P<name>[A-Za-z][\w-]*)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$")
_CLOSE = re.compile(r"^(?P<colons>:{3,})\s*$")
_OPTION = re.compile(
    r"^ {0,3}[-*+]\s+(?:\((?P<radio>[ xX])\)|\[(?P<check>[ xX])\])(?:\s+(?P<text>.*))?$")
_ANSWER = re.compile(r"^ {0,3}(?P<alternative>or)?=\s*(?P<text>.*)$")
_FEEDBACK = re.compile(r"^\s{2,}>\s?(?P<text>.*)$")
_CONTINUATION = re.compile(r"^\s{2,}\S")


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about content, printed as `path:line: severity [tag] message`."""

    path: str
    line: int
    severity: str
    tag: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity} [{self.tag}] {self.message}"


class Reporter:
    """Collects problems for one file."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def error(self, line: int, tag: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, "error", tag, message))

    def warning(self, line: int, tag: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, "warning", tag, message))


def read_yaml(text: str, first_line: int, report: Reporter) -> tuple[Any, Any] | None:
    """Parse YAML into its values and its node tree (which knows each key's line). A syntax
    error is reported at its line, with where the unfinished part started, and gives None."""
    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        context = getattr(error, "context", None)
        context_mark = getattr(error, "context_mark", None)
        if context and context_mark is not None:
            problem = f"{problem} ({context} started on line {first_line + context_mark.line})"
        report.error(first_line + (mark.line if mark else 0), "yaml", f"invalid YAML: {problem}")
        return None


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class Text:
    """Consecutive Markdown lines; `line` is the file line of the first one."""

    lines: list[str]
    line: int

    def source(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Block:
    name: str
    block_id: str | None
    colons: int
    line: int
    children: list[Text | Block] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)

    def blocks(self) -> list[Block]:
        return [child for child in self.children if isinstance(child, Block)]

    def text_source(self) -> str:
        """The Markdown directly inside this block (its text children, joined)."""
        return "\n".join(child.source() for child in self.children if isinstance(child, Text))


def parse_blocks(lines: list[str], first_line: int, report: Reporter) -> list[Text | Block]:
    """Split lesson lines into Markdown text and (nested) blocks, reporting structural errors."""
    root = Block("", None, 0, first_line)
    stack = [root]
    fence: str | None = None

    def add_text(raw: str, number: int) -> None:
        children = stack[-1].children
        if children and isinstance(children[-1], Text):
            children[-1].lines.append(raw)
        else:
            children.append(Text([raw], number))

    for index, raw in enumerate(lines):
        number = first_line + index
        stripped = raw.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            add_text(raw, number)
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            add_text(raw, number)
            continue
        opening = _OPEN.match(raw)
        if opening:
            stack.append(_open_block(opening, number, stack[-1], report))
            continue
        closing = _CLOSE.match(raw)
        if closing:
            _close_block(len(closing.group("colons")), number, stack, report)
            continue
        add_text(raw, number)
    for block in reversed(stack[1:]):
        _report_unclosed(block, report)
    return root.children


def _open_block(match: re.Match[str], number: int, parent: Block, report: Reporter) -> Block:
    colons = len(match.group("colons"))
    name = match.group("name")
    if name not in BLOCK_NAMES:
        report.error(number, "unknown-block",
                     f"unknown block '{name}'{did_you_mean(name, BLOCK_NAMES)}")
    if parent.name and colons <= parent.colons:
        report.error(number, "nested-colons",
                     f"block '{name}' is inside '{parent.name}' (line {parent.line}) and must use "
                     f"more colons than it: '{':' * (parent.colons + 1)} {name}'")
    block_id = None
    attributes: dict[str, str] = {}
    allowed = BLOCK_ATTRIBUTES.get(name, {})
    for token in (match.group("attrs") or "").split():
        key, equals, value = token.partition("=")
        if token.startswith("#") and block_id is None:
            block_id = token[1:]
        elif equals and key in allowed and key not in attributes:
            attributes[key] = value
            if value not in allowed[key]:
                report.error(number, "block-attribute",
                             f"{key} '{value}' on block '{name}' must be one of "
                             f"{', '.join(allowed[key])}{did_you_mean(value, allowed[key])}")
        else:
            accepted = " ".join(["{#id", *(f"{key}=..." for key in allowed)]) + "}"
            report.error(number, "block-attribute", f"unsupported attribute '{token}' on block "
                         f"'{name}': only {accepted} is allowed")
    if block_id is not None and not ID_PATTERN.match(block_id):
        report.error(number, "invalid-id",
                     f"id '{block_id}' must use lower-case letters, digits and hyphens")
    block = Block(name, block_id, colons, number, attributes=attributes)
    parent.children.append(block)
    return block


def _report_unclosed(block: Block, report: Reporter) -> None:
    fence = ":" * block.colons
    report.error(block.line, "unclosed-block",
                 f"block '{block.name}' opened here is never closed (add a line '{fence}')")


def _close_block(colons: int, number: int, stack: list[Block], report: Reporter) -> None:
    if len(stack) == 1:
        report.error(number, "stray-close", "closing fence without an open block")
        return
    depth = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].colons == colons), None)
    if depth is None:
        report.error(number, "stray-close",
                     f"closing fence '{':' * colons}' matches no open block "
                     f"(the innermost, '{stack[-1].name}' on line {stack[-1].line}, uses "
                     f"{stack[-1].colons} colons)")
        depth = len(stack) - 1
    for block in stack[depth + 1:]:
        _report_unclosed(block, report)
    del stack[depth:]


# --- knowledge checks ----------------------------------------------------------------------------

@dataclass
class Option:
    text: str
    correct: bool
    feedback: str
    line: int


@dataclass
class Quiz:
    """A knowledge check as written: question and parts in Markdown, options or accepted answers."""

    quiz_id: str
    line: int
    kind: str  # "single", "multiple" or "text"
    question: str
    options: list[Option]
    answers: list[str]
    hint: str | None
    explanation: str | None
    # What it asks of the learner (CHECK_KINDS), from `kind=` on its fence; None if not said.
    # Not to be confused with `kind`, the form of the answer.
    check_kind: str | None = None

    @property
    def correct_positions(self) -> tuple[int, ...]:
        return tuple(index for index, option in enumerate(self.options) if option.correct)


def parse_quiz(block: Block, report: Reporter) -> Quiz:
    """Read a quiz block and report every problem with it."""
    if not block.block_id:
        report.error(block.line, "missing-id", "quiz needs an id: '::: quiz {#some-id}'")
    parts: dict[str, str] = {}
    for child in block.blocks():
        if child.name in QUIZ_PARTS:
            if child.name in parts:
                report.error(child.line, "duplicate-block",
                             f"quiz '{block.block_id}' has more than one '{child.name}'")
            parts[child.name] = child.text_source().strip()
            for inner in child.blocks():
                report.error(inner.line, "misplaced-block",
                             f"block '{inner.name}' cannot be inside a '{child.name}'")
        elif child.name in BLOCK_NAMES:
            report.error(child.line, "misplaced-block", f"block '{child.name}' cannot be inside "
                         "a quiz (only hint and explanation)")

    question: list[str] = []
    options: list[Option] = []
    answers: list[str] = []
    markers: set[str] = set()
    for text in (child for child in block.children if isinstance(child, Text)):
        for offset, raw in enumerate(text.lines):
            number = text.line + offset
            option = _OPTION.match(raw)
            answer = _ANSWER.match(raw)
            if option:
                marker = "radio" if option.group("radio") is not None else "check"
                markers.add(marker)
                ticked = (option.group("radio") or option.group("check")).lower() == "x"
                options.append(Option((option.group("text") or "").strip(), ticked, "", number))
            elif answer:
                markers.add("text")
                if not answer.group("alternative") and answers:
                    report.error(number, "quiz-answer",
                                 "a second '=' answer: write other accepted answers as 'or= ...'")
                if answer.group("text").strip():
                    answers.append(answer.group("text").strip())
                else:
                    report.error(number, "quiz-answer", "empty accepted answer")
            elif options and _FEEDBACK.match(raw):
                feedback = _FEEDBACK.match(raw).group("text")  # type: ignore[union-attr]
                options[-1].feedback = f"{options[-1].feedback}\n{feedback}".strip()
            elif options and _CONTINUATION.match(raw) and not options[-1].feedback:
                options[-1].text = f"{options[-1].text} {raw.strip()}".strip()
            elif not raw.strip():
                if not options and not answers:
                    question.append(raw)
            elif options or answers:
                report.error(number, "quiz-text",
                             "text after the options of a quiz; put it in an explanation block")
            else:
                question.append(raw)
    kind = _quiz_kind(block, markers, options, answers, report)
    check_kind = block.attributes.get("kind")
    quiz = Quiz(block.block_id or "", block.line, kind, "\n".join(question).strip(), options,
                answers, parts.get("hint"), parts.get("explanation"),
                check_kind if check_kind in CHECK_KINDS else None)
    _check_quiz(quiz, block, report)
    return quiz


def _quiz_kind(block: Block, markers: set[str], options: list[Option], answers: list[str],
               report: Reporter) -> str:
    if len(markers) > 1:
        what = " and ".join(sorted({"radio": "single-choice ( )", "check": "multiple-choice [ ]",
                                    "text": "text answers ="}[m] for m in markers))
        report.error(block.line, "quiz-mixed", f"quiz '{block.block_id}' mixes {what}")
    if "text" in markers and not options:
        return "text"
    if "check" in markers and "radio" not in markers:
        return "multiple"
    return "single"


def _check_quiz(quiz: Quiz, block: Block, report: Reporter) -> None:
    name = quiz.quiz_id or "?"
    if not quiz.question:
        report.error(block.line, "quiz-question", f"quiz '{name}' has no question text")
    if quiz.kind == "text":
        return
    if not quiz.options:
        report.error(block.line, "quiz-options",
                     f"quiz '{name}' has no options: write '- ( ) ...' or '- [ ] ...' lines, "
                     "or '= answer'")
        return
    for option in quiz.options:
        if not option.text:
            report.error(option.line, "quiz-empty-option", f"empty option in quiz '{name}'")
    if len(quiz.options) == 1:
        report.error(block.line, "quiz-options", f"quiz '{name}' has only one option")
    correct = len(quiz.correct_positions)
    if correct == 0:
        mark = "(x)" if quiz.kind == "single" else "[x]"
        report.error(block.line, "quiz-no-correct",
                     f"quiz '{name}' has no correct answer: mark it with {mark}")
    elif quiz.kind == "single" and correct > 1:
        report.error(block.line, "quiz-single-correct",
                     f"single-choice quiz '{name}' has {correct} correct options; use [ ] and [x] "
                     "for a multiple-choice quiz")


def normalise_answer(text: str) -> str:
    """Fold case, accents, punctuation and spacing: 'Côte d’Ivoire' matches "cote d'ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    without_apostrophes = re.sub(r"['’‘`]", "", bare.casefold())
    kept = "".join(" " if char in string.punctuation or char in "“”«»–—" else char
                   for char in without_apostrophes)
    return " ".join(kept.split())


def answer_is_correct(quiz: Quiz, choice: list[int] | str) -> bool:
    """Whether a submitted answer is right: the exact set of correct options, or a text match."""
    if quiz.kind == "text":
        given = normalise_answer(str(choice))
        return bool(given) and given in {normalise_answer(answer) for answer in quiz.answers}
    if isinstance(choice, str):
        return False  # a text answer to a question with options
    return sorted(set(choice)) == list(quiz.correct_positions)
