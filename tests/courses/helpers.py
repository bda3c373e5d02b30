"""Build small courses in a temporary folder for tests."""

from __future__ import annotations

from pathlib import Path

COURSE_YML = """\
id: demo
default_language: en
languages: [en, fr]
title: {en: Demo course, fr: Cours de démonstration}
summary: {en: A demo., fr: Une démo.}
licence: CC BY 4.0
pass_mark: 100
lessons:
  - first
"""

# Line numbers matter: tests assert the exact line of each problem.
LESSON = """\
---
title: A first lesson
minutes: 5
---

::: objectives
- Learn a thing.
:::

## First section

Some text about the SECTION-SENTINEL topic.

::: quiz {#pick}
Pick the right one.

- ( ) Wrong answer
  > WRONG-FEEDBACK-SENTINEL
- (x) Right answer
  > RIGHT-FEEDBACK-SENTINEL

:::: hint
HINT-SENTINEL
::::

:::: explanation
EXPLANATION-SENTINEL
::::
:::

::: quiz {#name}
Which body reviews commitments?

= Independent Reporting Mechanism
or= IRM
:::

::: reflection {#think}
Think about your own work.
:::

::: keypoints
- A point.
:::
"""

LESSON_FR = LESSON.replace("A first lesson", "Une première leçon").replace(
    "Pick the right one.", "Choisissez la bonne réponse.").replace(
    "= Independent Reporting Mechanism", "= Mécanisme d'évaluation indépendant")


def write_course(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """A course folder `root/content/demo` with defaults; a None value removes a file."""
    contents: dict[str, str | None] = {
        "course.yml": COURSE_YML, "en/first.md": LESSON, "fr/first.md": LESSON_FR,
    }
    contents.update(files or {})
    course = root / "content" / "demo"
    for name, text in contents.items():
        if text is None:
            continue
        path = course / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "content"


def svg(name: str, title: str = "The action-plan cycle", extra: str = "") -> str:
    """A diagram file that passes every check; `extra` goes inside the drawing."""
    return f"""\
<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment the page does not need -->
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" width="800" height="400"
     role="img" aria-labelledby="{name}-title {name}-desc">
  <title id="{name}-title">{title}</title>
  <desc id="{name}-desc">Four steps in a circle.</desc>
  <rect id="{name}-box" x="10" y="10" width="180" height="80" fill="url(#{name}-fill)"/>
  <text x="20" y="50"><tspan>Co-create</tspan> <tspan>&amp; publish</tspan></text>
  {extra}
</svg>
"""

# The same course in the partnership's three languages.
COURSE_YML_3 = COURSE_YML.replace("[en, fr]", "[en, fr, es]").replace(
    "démonstration}", "démonstration, es: Curso de demostración}").replace(
    "fr: Une démo.}", "fr: Une démo., es: Una demostración.}")
