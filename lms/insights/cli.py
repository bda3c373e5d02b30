"""`flask --app wsgi lms report --cohort SLUG`: a cohort's report as a PDF."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.config import LANGUAGES

FORMATS = ("pdf",)


@click.command("report")
@click.option("--cohort", "slug", required=True, help="The cohort's address, as in its URL.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="pdf",
              show_default=True, help="The report's format (PDF only, for now).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write it [default: report-SLUG.pdf in the current folder].")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="The report's language.")
@with_appcontext
def report_command(slug: str, output_format: str, output: Path | None, language: str) -> None:
    """Write a cohort's report (figures and charts) for a funder or a steering committee."""
    from lms.insights import report, services

    try:
        document = report.render_report(slug, language)
    except services.NotFound:
        raise click.BadParameter(f"no cohort has the address {slug!r}.",
                                 param_hint="'--cohort'") from None
    except report.ReportError as error:
        raise click.ClickException(f"The report could not be made: {error}") from error
    path = output or Path(f"report-{slug}.{output_format}")
    try:
        path.write_bytes(document)
    except OSError as error:
        raise click.ClickException(f"Could not write {path}: {error.strerror}") from error
    click.echo(f"Report written to {path} ({len(document) / 1000:.0f} kB).")
