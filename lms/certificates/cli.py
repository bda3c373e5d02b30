"""`flask lms generate-signing-key`: the issuer's Ed25519 key, kept outside the repository."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext

from lms.certificates import credentials
from lms.config import Config


@click.command("generate-signing-key")
@click.option("--if-missing", is_flag=True, help="Do nothing when the key already exists.")
def generate_signing_key(if_missing: bool) -> None:
    """Create the key that signs certificates (at LMS_SIGNING_KEY_PATH).

    Runs without building the app, which refuses to start in production without the key.
    """
    path = Path(current_app.config["LMS_SIGNING_KEY_PATH"] if has_app_context()
                else Config().LMS_SIGNING_KEY_PATH)
    if path.exists():
        if if_missing:
            click.echo(f"Signing key already present at {path}.")
            return
        raise click.ClickException(f"{path} already exists: certificates signed with it would "
                                   "no longer verify if it were replaced. Move it away first.")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = credentials.generate_key()
    credentials.key_to_file(key, path)
    click.echo(f"Signing key written to {path} (public key {credentials.public_multikey(key)}).")


@click.command("render-certificates")
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores).")
@with_appcontext
def render_certificates(workers: int | None) -> None:
    """Make, on every core, the PDFs of certificates issued but not rendered yet (workers
    render each one after issuing: this catches up with a backlog or older certificates)."""
    from lms.certificates import rendering

    pending = rendering.unrendered()
    done = rendering.render_all(pending, workers) if pending else 0
    click.echo(f"{done} certificate PDFs rendered.")
