"""Account commands: create an admin."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError
from flask.cli import with_appcontext

from lms.accounts import services
from lms.forms import email_address


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True, help="Name shown on pages.")
@click.password_option(help="Asked for at the prompt when not given.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an admin account (or make an existing account admin) with EMAIL."""
    try:
        email_address(email)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    if len(password) < services.PASSWORD_MIN_LENGTH:
        raise click.BadParameter(
            f"use at least {services.PASSWORD_MIN_LENGTH} characters", param_hint="password"
        )
    user = services.create_admin(email=email, password=password, name=name)
    click.echo(f"{user.email} is an admin.")
