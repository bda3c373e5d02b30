"""Open Government learning platform: the application factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.config import ROOT, Config


def create_app(config: Config | Mapping[str, object] | None = None) -> Flask:
    """Build the app from a Config (environment by default): extensions, blueprints, CLI."""
    config = Config() if config is None else config
    if isinstance(config, Config):
        config.check()
        instance_path = config.INSTANCE_PATH
    else:
        instance_path = Path(str(config.get("INSTANCE_PATH", ROOT / "instance")))
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=False,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_object(config) if isinstance(config, Config) else app.config.update(config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("LMS_TRUSTED_PROXIES"):
        proxies = int(app.config["LMS_TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    _init_logging(app)
    _init_extensions(app)

    import lms.live
    from lms import accounts, alumni, certificates, cohorts, courses, insights, jobs, pages, web
    from lms.cli import lms_cli

    web.init_app(app)
    _load_content(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(courses.bp)
    app.register_blueprint(cohorts.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(alumni.bp)
    app.register_blueprint(insights.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(lms.live.bp)
    _init_jobs(app)
    app.cli.add_command(lms_cli)
    return app


def _load_content(app: Flask) -> None:
    """Read, check and render every course; refuse to start on content with errors."""
    from lms.courses.content import ContentError, load_catalogue

    catalogue = load_catalogue(Path(app.config["LMS_CONTENT_PATH"]))
    if catalogue.errors:
        raise ContentError(catalogue.errors)
    app.extensions["lms.catalogue"] = catalogue


def _init_jobs(app: Flask) -> None:
    """The queue, and every area's background jobs and periodic duties."""
    import lms.tasks  # noqa: F401  (each area's tasks.py registers its handlers)
    from lms.jobs import queue

    queue.init_app(app)


def _init_logging(app: Flask) -> None:
    """Our own INFO messages (such as where an email was written) reach the console."""
    logger = logging.getLogger("lms")
    if not logger.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _init_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from lms import access, database
    from lms.accounts.sessions import load_user
    from lms.db import include_object
    from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
    from lms.i18n import N_, select_locale

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, include_object=include_object)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = N_("Please sign in to see this page.")
    login_manager.localize_callback = gettext
    login_manager.user_loader(load_user)
    # Before CSRF: who may use a route is decided before a form is looked at.
    app.before_request(access.enforce)
    csrf.init_app(app)
    limiter.init_app(app)
