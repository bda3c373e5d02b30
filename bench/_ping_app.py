"""The app with one extra, trivial route: the framework's ceiling for bench/lessons.py."""

from lms import create_app
from lms.access import public

app = create_app()


@public
def ping() -> str:
    """Nothing but the app's own request handling (hooks, access check, headers)."""
    return "ok"


app.add_url_rule("/bench/ping", "bench_ping", ping)
