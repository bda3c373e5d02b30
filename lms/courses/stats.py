"""Counting a lesson: prose words, checks by kind, cases, and overlap with a source text.

One implementation for `check-content`'s editorial rules, `flask lms content-stats` and the
overlap test. Words are runs of letters and digits, lower-cased, with ’ read as '; prose is the
lesson's Markdown outside quiz, reflection and instructor blocks, front matter excluded.

Overlap: the share of a lesson's runs of eight consecutive words that also occur in the source,
quotations excluded (text inside « », and Markdown blockquote lines; an option's indented
feedback, `  > ...`, is not a quotation). The source itself is not in the repository: its runs
are committed as a fingerprint, the first 16 hex digits of each run's SHA-256, one per line.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lms.courses.markup import Block, Quiz, Text

GRAM = 8
NOT_PROSE = ("quiz", "reflection", "instructor")
_WORD = re.compile(r"[^\W_]+")
_QUOTATION = re.compile(r"«[^»]*»", re.S)
_BLOCKQUOTE = re.compile(r"^\s?>")


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, apostrophes folded: "l’OGP" gives ['l', 'ogp']."""
    return _WORD.findall(text.replace("’", "'").lower())


def prose_text(tree: list[Text | Block]) -> str:
    """The lesson's Markdown outside quiz, reflection and instructor blocks."""
    parts: list[str] = []
    for node in tree:
        if isinstance(node, Text):
            parts.append(node.source())
        elif node.name not in NOT_PROSE:
            parts.append(prose_text(node.children))
    return "\n".join(parts)


def prose_words(tree: list[Text | Block]) -> int:
    """How many words a learner reads in the lesson's prose."""
    return len(words(prose_text(tree)))


def case_count(tree: list[Text | Block]) -> int:
    """How many `::: case` blocks the lesson holds, at any depth."""
    return sum((node.name == "case") + case_count(node.children)
               for node in tree if isinstance(node, Block))


def without_quotations(text: str) -> str:
    """The text minus « quotations » and blockquote lines (indented option feedback stays)."""
    text = _QUOTATION.sub(" ", text)
    return "\n".join(line for line in text.splitlines()
                     if not (line.lstrip().startswith(">") and _BLOCKQUOTE.match(line)))


def grams(text: str, n: int = GRAM) -> list[str]:
    """Every run of `n` consecutive words of the text, each as one space-joined string."""
    found = words(text)
    return [" ".join(found[index:index + n]) for index in range(len(found) - n + 1)]


def gram_hash(gram: str) -> str:
    return hashlib.sha256(gram.encode("utf-8")).hexdigest()[:16]


def fingerprint(source: str) -> set[str]:
    """The hashed eight-word runs of a source text."""
    return {gram_hash(gram) for gram in grams(source)}


def read_fingerprint(path: Path) -> set[str]:
    """A committed fingerprint: one hash per line, gzip-compressed if the name ends in .gz."""
    data = path.read_bytes()
    text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("ascii")
    return {line.strip() for line in text.splitlines() if line.strip()}


def write_fingerprint(path: Path, hashes: set[str]) -> None:
    """Write hashes sorted, one a line (reproducible: no time stamp in the gzip header)."""
    data = "".join(f"{value}\n" for value in sorted(hashes)).encode("ascii")
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


@dataclass(frozen=True)
class Overlap:
    shared: int  # the lesson's eight-word runs found in the source
    total: int  # all its eight-word runs outside quotations
    runs: tuple[str, ...] = ()  # the shared runs, in reading order

    @property
    def percent(self) -> float:
        return 100 * self.shared / self.total if self.total else 0.0


def overlap(body: str, source: set[str]) -> Overlap:
    """How much of a lesson body (front matter excluded) repeats the fingerprinted source."""
    runs = grams(without_quotations(body))
    shared = tuple(gram for gram in runs if gram_hash(gram) in source)
    return Overlap(len(shared), len(runs), shared)


def lesson_body(text: str) -> str:
    """A lesson file's text after its front matter."""
    return text.split("---", 2)[2] if text.startswith("---") else text


@dataclass
class LessonStats:
    prose_words: int
    checks: Counter[str] = field(default_factory=Counter)  # check kind ("" if unsaid) -> count
    cases: int = 0

    @property
    def check_count(self) -> int:
        return sum(self.checks.values())


def lesson_stats(tree: list[Text | Block], quizzes: list[Quiz]) -> LessonStats:
    """Prose words, checks by kind ("" for a check that does not say) and cases of a lesson."""
    return LessonStats(prose_words(tree), Counter(quiz.check_kind or "" for quiz in quizzes),
                       case_count(tree))
