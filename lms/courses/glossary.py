"""A course's glossary (`glossary.yml`): its check, its page, and links from lessons to it.

Each term has a permanent id (the anchor on the glossary page) and, in every course language,
the term, other forms of it (plurals...) and a Markdown definition. In a lesson, the first
occurrence of each term or form in the prose links to its definition; that is done on the
rendered tree, so that headings, links, code, quizzes and objectives stay as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import yaml
from markdown.treeprocessors import Treeprocessor

from lms.courses.markup import ID_PATTERN, Reporter, did_you_mean, read_yaml

FILE_NAME = "glossary.yml"
TERM_KEYS = ("id", "see")
ENTRY_KEYS = ("term", "forms", "definition")
# Where a term is never linked: it would nest links, or change what a heading or code says.
_NOT_LINKED = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "samp", "script",
               "style"}
_APOSTROPHES = "'’"
# The glossary's own words, in the language it is read in (the course's languages may be more
# than the interface's).
_LABELS = {
    "title": {"en": "Glossary", "fr": "Glossaire", "es": "Glosario"},
    "see_also": {"en": "See also:", "fr": "Voir aussi\u00a0:", "es": "Véase también:"},
}


@dataclass(frozen=True)
class Entry:
    """A term in one language."""

    term: str
    forms: tuple[str, ...]
    definition: str  # Markdown
    definition_html: str = ""

    @property
    def all_forms(self) -> tuple[str, ...]:
        return (self.term, *self.forms)


@dataclass(frozen=True)
class Term:
    term_id: str
    see: tuple[str, ...]
    entries: dict[str, Entry]


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]

    def term(self, term_id: str) -> Term | None:
        return next((term for term in self.terms if term.term_id == term_id), None)

    @staticmethod
    def label(name: str, language: str) -> str:
        """One of the glossary's own words ("title", "see_also") in `language`."""
        return _LABELS[name].get(language, _LABELS[name]["en"])

    def related(self, term: Term, language: str) -> list[tuple[Term, Entry]]:
        """The terms `term` sees, as written in `language`."""
        found = [self.term(other) for other in term.see]
        return [(other, other.entries[language]) for other in found
                if other is not None and language in other.entries]

    def in_language(self, language: str) -> list[tuple[Term, Entry]]:
        """The terms that have an entry in `language`, in that language's alphabetical order."""
        found = [(term, term.entries[language]) for term in self.terms if language in term.entries]
        return sorted(found, key=lambda pair: sort_key(pair[1].term))


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order that ignores case and accents ('énergie' between 'eau' and 'fer'),
    then tells 'cote' from 'côte'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^\w ]", "", bare), text


def fold(text: str) -> str:
    """A form as compared with others: case, apostrophes and spacing folded."""
    return " ".join(text.replace("’", "'").casefold().split())


# --- checking ------------------------------------------------------------------------------------

def load_glossary(folder: Path, languages: list[str], report: Reporter) -> Glossary | None:
    """Read and check `glossary.yml` if the course has one (None if it has none or is broken)."""
    path = folder / FILE_NAME
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    parsed = read_yaml(text, 1, report)
    if parsed is None:
        return None
    values, node = parsed
    before = len(report.problems)
    if not isinstance(values, dict) or not isinstance(values.get("terms"), list):
        report.error(1, "glossary", "glossary.yml needs 'terms:', a list of terms")
        return None
    assert isinstance(node, yaml.MappingNode)
    top = _key_lines(node)
    for key in values:
        if key != "terms":
            report.error(top.get(key, 1), "unknown-key", f"unknown key '{key}' in glossary.yml"
                         f"{did_you_mean(str(key), ['terms'])}")
    items = next(value for key, value in node.value if key.value == "terms")
    terms: list[Term] = []
    for index, raw in enumerate(values["terms"]):
        item_node = items.value[index]
        line = item_node.start_mark.line + 1
        lines = _key_lines(item_node) if isinstance(item_node, yaml.MappingNode) else {}
        term = _check_term(raw, line, lines, languages, report)
        if term is not None:
            terms.append(term)
    _check_together(terms, values["terms"], items, languages, report)
    if len(report.problems) > before:
        return None
    return Glossary(tuple(terms))


def _key_lines(node: yaml.Node) -> dict[str, int]:
    return {key.value: key.start_mark.line + 1 for key, _ in node.value}


def _check_term(raw: object, line: int, lines: dict[str, int], languages: list[str],
                report: Reporter) -> Term | None:
    if not isinstance(raw, dict):
        report.error(line, "glossary", "each term must be a mapping with id, see and one entry "
                     "per language")
        return None
    term_id = str(raw.get("id") or "")
    name = term_id or "?"
    ok = True
    if not term_id:
        report.error(line, "glossary", "term without an id")
        ok = False
    elif not ID_PATTERN.match(term_id):
        report.error(lines.get("id", line), "invalid-id", f"term id '{term_id}' must use "
                     "lower-case letters, digits and hyphens")
        ok = False
    for key in raw:
        if key not in TERM_KEYS and key not in languages:
            known = [*TERM_KEYS, *languages]
            report.error(lines.get(key, line), "unknown-key", f"unknown key '{key}' in term "
                         f"'{name}'{did_you_mean(str(key), known)}")
            ok = False
    see = raw.get("see") or []
    if not isinstance(see, list) or not all(isinstance(item, str) for item in see):
        report.error(lines.get("see", line), "glossary", f"see in term '{name}' must be a list "
                     "of term ids")
        ok = False
        see = []
    entries: dict[str, Entry] = {}
    for language in languages:
        entry = _check_entry(raw.get(language), name, language, lines.get(language, line), report)
        if entry is None:
            ok = False
        else:
            entries[language] = entry
    return Term(term_id, tuple(see), entries) if ok else None


def _check_entry(raw: object, name: str, language: str, line: int,
                 report: Reporter) -> Entry | None:
    if raw is None:
        report.error(line, "missing-language", f"term '{name}' has no {language} entry")
        return None
    if not isinstance(raw, dict):
        report.error(line, "glossary", f"term '{name}' in {language} must be a mapping "
                     "{term: ..., forms: [...], definition: ...}")
        return None
    ok = True
    for key in raw:
        if key not in ENTRY_KEYS:
            report.error(line, "unknown-key", f"unknown key '{key}' in term '{name}' ({language})"
                         f"{did_you_mean(str(key), ENTRY_KEYS)}")
            ok = False
    term = raw.get("term")
    if not isinstance(term, str) or not term.strip():
        report.error(line, "glossary", f"term '{name}' has no {language} term")
        ok = False
    forms = raw.get("forms") or []
    if not isinstance(forms, list) or not all(isinstance(form, str) and form.strip()
                                              for form in forms):
        report.error(line, "glossary", f"forms of term '{name}' ({language}) must be a list of "
                     "texts")
        ok = False
    definition = raw.get("definition")
    if not isinstance(definition, str) or not definition.strip():
        report.error(line, "glossary", f"term '{name}' has an empty {language} definition")
        ok = False
    if not ok:
        return None
    assert isinstance(term, str) and isinstance(definition, str)
    return Entry(term.strip(), tuple(form.strip() for form in forms), definition.strip(),
                 markdown.markdown(definition.strip(), extensions=["sane_lists"],
                                   output_format="html"))


def _check_together(terms: list[Term], raw: list[Any], items: yaml.Node, languages: list[str],
                    report: Reporter) -> None:
    lines = {term.term_id: items.value[index].start_mark.line + 1
             for index, term in reversed(list(enumerate(terms)))}
    ids = [str(item.get("id")) for item in raw if isinstance(item, dict) and item.get("id")]
    seen: set[str] = set()
    for index, term_id in enumerate(ids):
        if term_id in seen:
            report.error(items.value[index].start_mark.line + 1, "duplicate-id",
                         f"term id '{term_id}' is used twice")
        seen.add(term_id)
    for term in terms:
        for other in term.see:
            if other not in seen:
                report.error(lines[term.term_id], "glossary", f"term '{term.term_id}' sees "
                             f"'{other}', which is not a term{did_you_mean(other, sorted(seen))}")
            elif other == term.term_id:
                report.error(lines[term.term_id], "glossary",
                             f"term '{term.term_id}' sees itself")
    for language in languages:
        owners: dict[str, str] = {}
        for term in terms:
            for form in dict.fromkeys(fold(form) for form in term.entries[language].all_forms):
                if form in owners and owners[form] != term.term_id:
                    report.error(lines[term.term_id], "glossary", f"'{form}' ({language}) is a "
                                 f"form of both '{owners[form]}' and '{term.term_id}'")
                owners.setdefault(form, term.term_id)


# --- links from lessons --------------------------------------------------------------------------

def _form_pattern(form: str) -> str:
    parts = []
    for word in form.split():
        parts.append("".join(f"[{_APOSTROPHES}]" if char in _APOSTROPHES else re.escape(char)
                             for char in word))
    return r"\s+".join(parts)


class TermLinks(Treeprocessor):
    """Link the first occurrence of each glossary term in a lesson's prose to its definition.

    One instance serves a whole lesson (several Markdown conversions): it remembers which
    terms it has linked. Linking happens only while `active` (the renderer switches it off for
    quizzes, reflections, objectives and sources).
    """

    def __init__(self, md: markdown.Markdown, glossary: Glossary, language: str,
                 href: Callable[[str], str]) -> None:
        super().__init__(md)
        self.active = False
        self.linked: set[str] = set()
        self.href = href
        self.owner: dict[str, str] = {}
        for term in glossary.terms:
            if language in term.entries:
                for form in term.entries[language].all_forms:
                    self.owner.setdefault(fold(form), term.term_id)
        forms = sorted({form for term in glossary.terms if language in term.entries
                        for form in term.entries[language].all_forms}, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(_form_pattern(form) for form in forms) + r")(?!\w)",
            re.IGNORECASE) if forms else None

    def run(self, root: Element) -> None:
        if self.active and self.pattern is not None:
            self._visit(root)

    def _visit(self, element: Element) -> None:
        if element.tag in _NOT_LINKED:
            return
        index = 0
        if element.text:
            element.text, index = self._split(element.text, element, 0)
        while index < len(element):
            child = element[index]
            self._visit(child)
            index += 1
            if child.tail:
                child.tail, added = self._split(child.tail, element, index)
                index += added

    def _split(self, text: str, parent: Element, position: int) -> tuple[str, int]:
        """Link the terms of `text`, which sits just before parent[position]: insert the links
        there and return the text that stays in place and how many links were inserted."""
        assert self.pattern is not None
        kept: str | None = None
        added = 0
        start = 0
        last: Element | None = None
        for match in self.pattern.finditer(text):
            term_id = self.owner.get(fold(match.group(0)))
            if term_id is None or term_id in self.linked:
                continue
            self.linked.add(term_id)
            before = text[start:match.start()]
            if last is None:
                kept = before
            else:
                last.tail = before
            link = Element("a", {"class": "term", "href": self.href(term_id)})
            link.text = match.group(0)
            parent.insert(position + added, link)
            added += 1
            last = link
            start = match.end()
        if last is None:
            return text, 0
        last.tail = text[start:]
        return kept or "", added

