"""`flask lms check-content`: check every course and print one line per problem."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app, has_app_context

from lms.config import Config
from lms.courses.content import check_and_load


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
