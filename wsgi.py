"""WSGI entry point: `flask --app wsgi ...` and `gunicorn 'wsgi:app'`."""

import gc
import os
import sys

from lms import create_app, startup

app = create_app()

# A serving process (gunicorn, `flask run`) builds what searches need before its first request;
# other commands (`flask db upgrade`, `lms demo`) have no use for it.
if os.path.basename(sys.argv[0]) != "flask" or "run" in sys.argv[1:]:
    startup.warm_up(app)

# What the app built at start-up (the course catalogue with its rendered lessons, compiled
# templates, configuration) lives as long as the process: take it out of the garbage
# collector's way, so that big pages (a 2,000-learner dashboard) do not re-scan it on every
# collection. Worker processes forked by gunicorn inherit this.
gc.collect()
gc.freeze()
