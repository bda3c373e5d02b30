"""`flask --app wsgi lms worker`: a worker process (Huey's consumer) for background work."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.jobs import queue


@click.command("worker")
@click.option("--threads", default=1, show_default=True, help="Jobs run at once in this process.")
@click.option("--once", is_flag=True, help="Run what is due now, then stop (no queue needed).")
@with_appcontext
def worker(threads: int, once: bool) -> None:
    """Deliver mail and run background jobs and periodic duties until stopped: Ctrl-C
    (SIGINT) lets the jobs in hand finish first; SIGTERM stops at once (what it had in hand
    is taken up again once its claim lapses)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        queue.drain(app)
        return
    from lms import startup

    startup.warm_up(app)
    click.echo(f"worker: queue {app.config.get('LMS_QUEUE_URL') or 'sqlite (instance folder)'}, "
               f"{threads} thread(s), a tick every {app.config.get('LMS_TICK_SECONDS')} s")
    queue.consumer(app, workers=threads).run()
