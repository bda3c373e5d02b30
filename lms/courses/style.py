"""The course's style sheet (`style.yml`): per language, wordings to avoid and what to use.

`check-content` reports each occurrence of an "avoid" phrase in that language's texts: its
lessons, and the entries under that language's key in course.yml (the capstone included),
glossary.yml and self-assessment.yml. Whole words; apostrophes ' and ’ alike; case matters
only for all-capital acronyms (and for a phrase that differs from its "use" form only by case,
such as "OGP local" for "OGP Local"). Quotations (« ... » and blockquote lines) are the words of
others and are not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from lms.courses.markup import Reporter, did_you_mean, read_yaml

FILE_NAME = "style.yml"
RULE_KEYS = ("avoid", "use", "why")
YAML_FILES = ("course.yml", "glossary.yml", "self-assessment.yml")
_QUOTATION = re.compile(r"«[^»]*»", re.S)


@dataclass(frozen=True)
class Rule:
    avoid: str
    use: str
    why: str
    pattern: re.Pattern[str]

    def message(self) -> str:
        because = f" ({self.why})" if self.why else ""
        return f"'{self.avoid}': write '{self.use}' instead{because}"


def _pattern(avoid: str, use: str) -> re.Pattern[str]:
    words = []
    for word in avoid.split():
        words.append("".join("['’]" if char in "'’" else re.escape(char) for char in word))
    exact = avoid.isupper() or avoid.casefold() == use.casefold()
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", 0 if exact else re.I)


def load_style(folder: Path, languages: list[str], report: Reporter) -> dict[str, list[Rule]]:
    """Read and check `style.yml` if the course has one: its rules by language."""
    path = folder / FILE_NAME
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    parsed = read_yaml(text, 1, report)
    if parsed is None:
        return {}
    values, node = parsed
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        report.error(1, "style", "style.yml must map each language to a list of "
                     "{avoid: ..., use: ..., why: ...}")
        return {}
    rules: dict[str, list[Rule]] = {}
    for key_node, value_node in node.value:
        language = key_node.value
        line = key_node.start_mark.line + 1
        if language not in languages:
            report.error(line, "unknown-key", f"'{language}' in style.yml is not a course "
                         f"language{did_you_mean(str(language), languages)}")
            continue
        items = values[language]
        if not isinstance(items, list):
            report.error(line, "style", f"style.yml: {language} must be a list of "
                         "{avoid: ..., use: ..., why: ...}")
            continue
        rules[language] = []
        for index, item in enumerate(items):
            item_line = value_node.value[index].start_mark.line + 1
            rule = _rule(item, item_line, report)
            if rule is not None:
                rules[language].append(rule)
    return rules


def _rule(item: object, line: int, report: Reporter) -> Rule | None:
    if not isinstance(item, dict):
        report.error(line, "style", "each rule must be a mapping {avoid: ..., use: ..., why: ...}")
        return None
    ok = True
    for key in item:
        if key not in RULE_KEYS:
            report.error(line, "unknown-key", f"unknown key '{key}' in style.yml"
                         f"{did_you_mean(str(key), RULE_KEYS)}")
            ok = False
    avoid, use, why = (item.get(key) for key in RULE_KEYS)
    for key, value in (("avoid", avoid), ("use", use)):
        if not isinstance(value, str) or not value.strip():
            report.error(line, "style", f"a rule needs '{key}', a text")
            ok = False
    if why is not None and not isinstance(why, str):
        report.error(line, "style", "'why' must be a text")
        ok = False
    if not ok:
        return None
    assert isinstance(avoid, str) and isinstance(use, str)
    return Rule(avoid.strip(), use.strip(), (why or "").strip(), _pattern(avoid.strip(), use))


def check_lines(lines: list[tuple[int, str]], rules: list[Rule], report: Reporter) -> None:
    """Report each avoided phrase in numbered lines; a longer phrase hides a shorter one
    found inside it ("des marges au courant dominant" and "courant dominant")."""
    by_length = sorted(rules, key=lambda rule: len(rule.avoid), reverse=True)
    for number, text in lines:
        taken: list[tuple[int, int]] = []
        for rule in by_length:
            for match in rule.pattern.finditer(text):
                if any(start < match.end() and match.start() < end for start, end in taken):
                    continue
                taken.append(match.span())
                report.error(number, "style", rule.message())


def unquoted_lines(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Numbered lines with « quotations » blanked (line breaks kept) and blockquotes left out."""
    blanked = _QUOTATION.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)
    return [(first_line + index, line) for index, line in enumerate(blanked.splitlines())
            if not re.match(r"^\s?>", line)]


def yaml_lines(text: str, language: str) -> list[tuple[int, str]]:
    """The lines of a YAML file that hold text under a `<language>:` key (at any depth)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []  # reported by the file's own check
    raw = text.splitlines()
    found: list[tuple[int, str]] = []

    def visit(current: yaml.Node | None, inside: bool) -> None:
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                visit(value, inside or key.value == language)
        elif isinstance(current, yaml.SequenceNode):
            for item in current.value:
                visit(item, inside)
        elif isinstance(current, yaml.ScalarNode) and inside:
            start, end = current.start_mark, current.end_mark
            if start.line == end.line:
                found.extend(unquoted_lines(raw[start.line][start.column:end.column],
                                            start.line + 1))
                return
            last = end.line if end.column else end.line - 1  # a block scalar ends on the next line
            for number in range(start.line, min(last, len(raw) - 1) + 1):
                part = raw[number][start.column:] if number == start.line else raw[number]
                found.extend(unquoted_lines(part, number + 1))

    visit(node, False)
    return found
