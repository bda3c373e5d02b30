"""The production app (wsgi.py) with one extra, trivial route: the ceiling for bench/lessons.py."""

from lms.access import public
from wsgi import app


@public
def ping() -> str:
    """Nothing but the app's own request handling (hooks, access check, headers)."""
    return "ok"


app.add_url_rule("/bench/ping", "bench_ping", ping)
