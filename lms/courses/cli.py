"""`flask lms check-content`: check every course and print one line per problem;
`flask lms content-stats`: count each lesson (words, checks, cases, overlap with the source)."""

from __future__ import annotations

from pathlib import Path

import click
import yaml
from flask import current_app, has_app_context

from lms.config import ROOT, Config
from lms.courses.content import check_and_load, read_lesson_stats
from lms.courses.stats import lesson_body, overlap, read_fingerprint


@click.command("check-content")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check_content(path: Path | None) -> None:
    """Check the courses under PATH (default: the configured content folder).

    Runs without building the app, which refuses to start on broken content.
    """
    configured = current_app.config["LMS_CONTENT_PATH"] if has_app_context() \
        else Config().LMS_CONTENT_PATH
    root = path or Path(configured)
    catalogue = check_and_load(root)
    for problem in catalogue.problems:
        click.echo(str(problem))
    errors = len(catalogue.errors)
    warnings = len(catalogue.problems) - errors
    lessons = sum(len(course.lessons) for course in catalogue.courses.values())
    click.echo(f"{len(catalogue.courses)} course(s), {lessons} lesson(s): "
               f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        raise SystemExit(1)


# The committed fingerprint of the strategy the course is written from (see lms.courses.stats).
FINGERPRINT = ROOT / "tests" / "content" / "strategy-8grams.txt.gz"
FINGERPRINT_LANGUAGE = "fr"


@click.command("content-stats")
@click.argument("course", required=False)
@click.option("--fingerprint", type=click.Path(path_type=Path), default=FINGERPRINT,
              show_default=True, help="Hashed eight-word runs of the source (French).")
def content_stats(course: str | None, fingerprint: Path) -> None:
    """Per lesson and language: prose words, checks by kind, cases, and (French) the share of
    eight-word runs found in the source outside quotations."""
    configured = current_app.config["LMS_CONTENT_PATH"] if has_app_context() \
        else Config().LMS_CONTENT_PATH
    root = Path(configured)
    folders = [root / course] if course else sorted(
        path for path in root.iterdir() if (path / "course.yml").is_file())
    source = read_fingerprint(fingerprint) if fingerprint.is_file() else None
    for folder in folders:
        settings = yaml.safe_load((folder / "course.yml").read_text(encoding="utf-8"))
        click.echo(f"{folder.name}")
        for lesson_id in settings["lessons"]:
            for language in settings["languages"]:
                path = folder / language / f"{lesson_id}.md"
                if not path.is_file():
                    click.echo(f"  {lesson_id} [{language}]: missing")
                    continue
                stats = read_lesson_stats(path)
                kinds = ", ".join(f"{kind or 'no kind'} {count}"
                                  for kind, count in sorted(stats.checks.items())) or "none"
                line = (f"  {lesson_id} [{language}]: {stats.prose_words} words, "
                        f"checks {stats.check_count} ({kinds}), cases {stats.cases}")
                if language == FINGERPRINT_LANGUAGE and source is not None:
                    shared = overlap(lesson_body(path.read_text(encoding="utf-8")), source)
                    line += f", overlap {shared.percent:.2f}% ({shared.shared}/{shared.total})"
                click.echo(line)
