"""`flask --app wsgi lms ...`: the platform's commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms import demo
from lms.accounts.cli import create_admin
from lms.certificates.cli import generate_signing_key, render_certificates
from lms.courses.cli import check_content

# Also registered as a Flask plugin command (pyproject.toml), so that `flask lms check-content`
# works when the app itself refuses to start because of broken content.
lms_cli = AppGroup("lms", help="Open Government learning platform commands.")
lms_cli.add_command(create_admin)
lms_cli.add_command(check_content)
lms_cli.add_command(generate_signing_key)
lms_cli.add_command(render_certificates)


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
