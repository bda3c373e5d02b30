"""WSGI entry point: `flask --app wsgi ...` and `gunicorn 'wsgi:app'`."""

import gc

from lms import create_app

app = create_app()

# What the app built at start-up (the course catalogue with its rendered lessons, compiled
# templates, configuration) lives as long as the process: take it out of the garbage
# collector's way, so that big pages (a 2,000-learner dashboard) do not re-scan it on every
# collection. Worker processes forked by gunicorn inherit this.
gc.collect()
gc.freeze()
