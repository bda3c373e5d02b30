"""`flask --app wsgi lms ...`: the platform's commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from lms import backup, demo
from lms.accounts.cli import create_admin
from lms.certificates.cli import generate_signing_key, render_certificates
from lms.courses.cli import check_content, content_stats
from lms.jobs.cli import worker
from lms.xapi.cli import xapi_backfill

# Also registered as a Flask plugin command (pyproject.toml), so that `flask lms check-content`
# works when the app itself refuses to start because of broken content.
lms_cli = AppGroup("lms", help="Open Government learning platform commands.")
lms_cli.add_command(create_admin)
lms_cli.add_command(check_content)
lms_cli.add_command(content_stats)
lms_cli.add_command(generate_signing_key)
lms_cli.add_command(render_certificates)
lms_cli.add_command(worker)
lms_cli.add_command(xapi_backfill)


@lms_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no account yet.")
def load_demo_command(if_empty: bool) -> None:
    """Load demo accounts (and, later, cohorts and progress). Never use in production."""
    if if_empty and not demo.database_is_empty():
        click.echo("Demo data not loaded: the database already has accounts.")
        return
    created = demo.load_demo()
    if not created:
        click.echo("Demo data is already loaded.")
        return
    click.echo(f"Loaded {len(created)} demo accounts. Password for all: {demo.DEMO_PASSWORD}")
    for person in created[:5]:
        click.echo(f"  {person.email:<28} {person.role.value}")


def _echo_report(report: backup.Report, verb: str) -> None:
    summary = report.summary
    click.echo(f"{verb} {report.path} ({report.method}, {report.size / 1_000_000:.1f} MB).")
    click.echo("Rows: " + ", ".join(f"{name} {count}" for name, count in summary.counts.items()))
    click.echo(f"Schema revision: {summary.revision or 'none'}")
    click.echo(f"Checksum of {', '.join(backup.CHECKSUM_TABLES)}: {summary.checksum}")


@lms_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent backup of the database to PATH while the site runs."""
    try:
        report = backup.backup(path)
    except backup.BackupError as error:
        raise click.ClickException(f"Backup failed: {error}") from error
    _echo_report(report, "Backup written to")


@lms_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore the backup at PATH into the configured database, which must be empty."""
    try:
        report = backup.restore(path)
    except backup.BackupError as error:
        raise click.ClickException(f"Restore failed: {error}") from error
    _echo_report(report, "Restored from")
    click.echo("Compare the checksum with the one the backup printed. If this version of the "
               "app is newer than the backup, run: flask --app wsgi db upgrade")


# Programme insights: a cohort's report as a PDF.
from lms.insights.cli import report_command  # noqa: E402 - appended with the insights area

lms_cli.add_command(report_command)
