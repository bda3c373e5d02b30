"""Diagrams: `::: diagram {#name}` inlines `diagrams/<lang>/<name>.svg` into the lesson page.

The files are the repository's own, but they land inside our pages, so each is checked like
untrusted input (nothing that runs, loads or links outside the drawing) and the page gets a copy
serialised from the parsed tree, never the file's text. It must be accessible (role="img", a
title and a description named by aria-labelledby) and scale to a phone (a viewBox; its width
and height are dropped so that CSS sizes it). Its ids start with the diagram's name, so that two
diagrams can share a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from markupsafe import escape

from lms.courses.markup import Reporter

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
_PREFIXES = {XLINK: "xlink", XML: "xml"}
# Elements that run code, load other documents or restyle the whole page.
FORBIDDEN = {
    "script": "scripts are not allowed",
    "foreignObject": "foreignObject (HTML inside SVG) is not allowed",
    "image": "images inside a diagram are not allowed: draw it in SVG",
    "style": "a <style> element would restyle the whole page: use attributes (fill=, style=)",
    "animate": "animation is not allowed", "set": "animation is not allowed",
    "animateMotion": "animation is not allowed", "animateTransform": "animation is not allowed",
}
# Text between elements is kept (as one space) only where it is part of what the drawing says.
_TEXT_ELEMENTS = {"text", "tspan", "textPath", "title", "desc", "a"}
_EXTERNAL_URL = re.compile(r"url\(\s*(?!['\"]?#)", re.I)


def diagram_path(folder: Path, language: str, name: str) -> Path:
    return folder / "diagrams" / language / f"{name}.svg"


@dataclass
class _Element:
    namespace: str
    tag: str
    attributes: dict[tuple[str, str], str]  # (namespace, name) -> value
    line: int
    children: list[_Element | str] = field(default_factory=list)

    def elements(self) -> list[_Element]:
        return [child for child in self.children if isinstance(child, _Element)]

    def walk(self) -> list[_Element]:
        found = [self]
        for child in self.elements():
            found.extend(child.walk())
        return found


class _Refused(Exception):
    pass


def _parse(text: str) -> _Element:
    """Build a tree with line numbers; comments, processing instructions and the XML
    declaration are dropped; a DOCTYPE (and so any entity) is refused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[_Element] = []
    roots: list[_Element] = []

    def split(name: str) -> tuple[str, str]:
        namespace, _, local = name.rpartition(" ")
        return namespace, local

    def start(name: str, attributes: dict[str, str]) -> None:
        element = _Element(*split(name), {split(key): value for key, value in attributes.items()},
                           parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(name: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if stack:
            children = stack[-1].children
            if children and isinstance(children[-1], str):
                children[-1] += data
            else:
                children.append(data)

    def doctype(*args: object) -> None:
        raise _Refused("a DOCTYPE is not allowed (nor entities)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    parser.Parse(text.encode("utf-8"), True)
    return roots[0]


def _name(namespace: str, local: str) -> str:
    return f"{_PREFIXES[namespace]}:{local}" if namespace in _PREFIXES else local


def check_svg(path: Path, name: str, report: Reporter) -> str | None:
    """Check a diagram file, reporting each problem; its markup for the page if it is sound."""
    try:
        root = _parse(path.read_text(encoding="utf-8"))
    except _Refused as refusal:
        report.error(1, "diagram", str(refusal))
        return None
    except (expat.ExpatError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", 1)
        report.error(line, "diagram", f"not well-formed XML: {error}")
        return None
    before = len(report.problems)
    if (root.namespace, root.tag) != (SVG, "svg"):
        report.error(root.line, "diagram", f"the root element must be <svg> in the SVG "
                     f"namespace (xmlns=\"{SVG}\"), not <{root.tag}>")
        return None
    _check_root(root, report)
    prefix = f"{name}-"
    ids: set[str] = set()
    for element in root.walk():
        _check_element(element, prefix, ids, report)
    if len(report.problems) > before:
        return None
    return _serialise(root, top=True)


def _check_root(root: _Element, report: Reporter) -> None:
    attributes = {key: value for (namespace, key), value in root.attributes.items()
                  if not namespace}
    if "viewBox" not in attributes:
        report.error(root.line, "diagram", "<svg> needs a viewBox (e.g. viewBox=\"0 0 640 400\") "
                     "so that it can scale to a phone")
    if attributes.get("role") != "img":
        report.error(root.line, "diagram", "<svg> needs role=\"img\"")
    labelled_by = attributes.get("aria-labelledby", "").split()
    for part in ("title", "desc"):
        child = next((element for element in root.elements()
                      if (element.namespace, element.tag) == (SVG, part)), None)
        child_id = child.attributes.get(("", "id")) if child is not None else None
        if child is None or not "".join(text for text in child.children
                                        if isinstance(text, str)).strip():
            report.error(root.line, "diagram", f"<svg> needs a <{part}> child with text "
                         "(what screen readers say)")
        elif child_id is None or child_id not in labelled_by:
            report.error(root.line, "diagram", f"<svg> needs aria-labelledby listing the id of "
                         f"its <{part}> (aria-labelledby=\"<title id> <desc id>\")")


def _check_element(element: _Element, prefix: str, ids: set[str], report: Reporter) -> None:
    line = element.line
    if element.namespace != SVG:
        report.error(line, "diagram", f"<{element.tag}> is not an SVG element")
    elif element.tag in FORBIDDEN:
        report.error(line, "diagram", f"<{element.tag}>: {FORBIDDEN[element.tag]}")
    for (namespace, key), value in element.attributes.items():
        shown = _name(namespace, key)
        if namespace and namespace not in _PREFIXES:
            report.error(line, "diagram", f"attribute '{key}' from another namespace "
                         f"({namespace}) is not allowed")
        elif key.lower().startswith("on"):
            report.error(line, "diagram", f"event attribute '{shown}' is not allowed")
        elif key == "href" and not value.startswith("#"):
            report.error(line, "diagram", f"{shown}=\"{value}\": links may only point inside "
                         "the diagram ('#id')")
        if _EXTERNAL_URL.search(value):
            report.error(line, "diagram", f"{shown}: url(...) may only point inside the diagram "
                         "(url(#id))")
        if (namespace, key) == ("", "id"):
            if not value.startswith(prefix):
                report.error(line, "diagram", f"id '{value}' must start with '{prefix}' (ids "
                             "must stay unique when two diagrams share a page)")
            elif value in ids:
                report.error(line, "diagram", f"id '{value}' is used twice")
            ids.add(value)
    for text in element.children:
        if isinstance(text, str) and _EXTERNAL_URL.search(text):
            report.error(line, "diagram", "url(...) may only point inside the diagram (url(#id))")


def _serialise(element: _Element, top: bool = False) -> str:
    attributes = "".join(
        f' {_name(namespace, key)}="{escape(value)}"'
        for (namespace, key), value in element.attributes.items()
        if not (top and not namespace and key in ("width", "height")))
    inner: list[str] = []
    for child in element.children:
        if isinstance(child, _Element):
            inner.append(_serialise(child))
        elif child.strip():
            inner.append(str(escape(child)))
        elif element.tag in _TEXT_ELEMENTS:
            inner.append(" ")
    if not inner:
        return f"<{element.tag}{attributes}/>"
    return f"<{element.tag}{attributes}>{''.join(inner)}</{element.tag}>"
