"""Settings, read from environment variables, with safe development defaults."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105 - refused in production
LANGUAGES = ("en", "fr", "es")  # the partnership's working languages


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


@dataclass(frozen=True)
class OIDCProvider:
    """One OpenID Connect provider people may sign in with (LMS_OIDC_<NAME>_...)."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    label: str
    allowed_domains: tuple[str, ...] = ()
    # The claim that says the email address is verified: `email_verified` in the standard;
    # Microsoft Entra ID sends none by default and offers the optional claim `xms_edov`.
    email_verified_claim: str = "email_verified"

    @property
    def metadata_url(self) -> str:
        """Where the provider publishes its endpoints and keys (OpenID Connect Discovery)."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _words(raw: str) -> list[str]:
    return [word.strip() for word in raw.split(",") if word.strip()]


def oidc_providers(env: Mapping[str, str]) -> dict[str, OIDCProvider]:
    """The providers LMS_OIDC_PROVIDERS names, in its order, each from its own variables."""
    providers: dict[str, OIDCProvider] = {}
    for name in _words(env.get("LMS_OIDC_PROVIDERS", "")):
        name = name.lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", name) or name == "link":  # /login/oidc/link
            raise ConfigError(f"LMS_OIDC_PROVIDERS: {name!r} is not a provider name (letters, "
                              "digits and _, starting with a letter; not 'link')")
        prefix = f"LMS_OIDC_{name.upper()}_"
        missing = [f"{prefix}{key}" for key in ("ISSUER", "CLIENT_ID") if not env.get(prefix + key)]
        if missing:
            raise ConfigError(f"OpenID Connect provider {name!r} needs {' and '.join(missing)}")
        providers[name] = OIDCProvider(
            name=name, issuer=env[prefix + "ISSUER"], client_id=env[prefix + "CLIENT_ID"],
            client_secret=env.get(prefix + "CLIENT_SECRET", ""),
            label=env.get(prefix + "LABEL") or name.title(),
            allowed_domains=tuple(domain.lower()
                                  for domain in _words(env.get(prefix + "ALLOWED_DOMAINS", ""))),
            email_verified_claim=env.get(prefix + "EMAIL_VERIFIED_CLAIM") or "email_verified")
    return providers


def database_url(raw: str | None, instance_path: Path) -> str:
    """Turn DATABASE_URL into an SQLAlchemy URL; PostgreSQL always goes through psycopg 3."""
    if not raw:
        return f"sqlite:///{instance_path / 'lms.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


class Config:
    """Settings for a running site; every value can come from the environment."""

    TESTING = False

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self._env = env
        self.LMS_ENV = env.get("LMS_ENV", "development")
        self.INSTANCE_PATH = Path(env.get("LMS_INSTANCE_PATH", ROOT / "instance"))
        self.SECRET_KEY = env.get("LMS_SECRET_KEY") or env.get("SECRET_KEY") or DEV_SECRET_KEY
        self.SQLALCHEMY_DATABASE_URI = database_url(
            env.get("LMS_DATABASE_URL") or env.get("DATABASE_URL"), self.INSTANCE_PATH
        )
        # Pre-ping: a connection dropped by a database restart is replaced, not handed out.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.LMS_MAIL_URL = env.get("LMS_MAIL_URL", "")
        self.LMS_MAIL_FROM = env.get(
            "LMS_MAIL_FROM", "Open Government Learning <no-reply@localhost>"
        )
        self.LMS_OUTBOX = Path(env.get("LMS_OUTBOX", self.INSTANCE_PATH / "outbox"))
        self.LMS_LESSON_CACHE_SIZE = int(env.get("LMS_LESSON_CACHE_SIZE", "512"))
        self.LMS_INACTIVE_DAYS = int(env.get("LMS_INACTIVE_DAYS", "14"))
        # Background work (lms.jobs): the queue's store, empty for SQLite in the instance
        # folder (make run), redis://host:6379/0 in production.
        self.LMS_QUEUE_URL = env.get("LMS_QUEUE_URL", "")
        self.LMS_QUEUE_NAME = env.get("LMS_QUEUE_NAME", "lms")
        self.LMS_TICK_SECONDS = int(env.get("LMS_TICK_SECONDS", "60"))
        # Periodic duties this site does not run, by name (e.g. "cohorts.digest").
        self.LMS_DUTIES_OFF = env.get("LMS_DUTIES_OFF", "")
        self.LMS_CLAIM_SECONDS = int(env.get("LMS_CLAIM_SECONDS", "300"))
        self.LMS_RETRY_SECONDS = float(env.get("LMS_RETRY_SECONDS", "30"))
        self.LMS_MAX_ATTEMPTS = int(env.get("LMS_MAX_ATTEMPTS", "8"))
        self.LMS_MAIL_TIMEOUT = float(env.get("LMS_MAIL_TIMEOUT", "30"))
        # Learning records (lms.xapi): statements go to this LRS (its xAPI base, e.g.
        # https://lrs.example.org/xAPI) with HTTP basic auth; nothing is recorded without it.
        self.LMS_XAPI_ENDPOINT = env.get("LMS_XAPI_ENDPOINT", "")
        self.LMS_XAPI_USERNAME = env.get("LMS_XAPI_USERNAME", "")
        self.LMS_XAPI_PASSWORD = env.get("LMS_XAPI_PASSWORD", "")
        # "account" (an opaque id on this site) or "mbox" (the learner's email).
        self.LMS_XAPI_ACTOR = env.get("LMS_XAPI_ACTOR", "account")
        self.LMS_XAPI_TIMEOUT = float(env.get("LMS_XAPI_TIMEOUT", "30"))
        self.LMS_XAPI_BATCH = int(env.get("LMS_XAPI_BATCH", "50"))
        self.LMS_CONTENT_PATH = Path(env.get("LMS_CONTENT_PATH", ROOT / "content"))
        self.LMS_SIGNING_KEY_PATH = Path(env.get("LMS_SIGNING_KEY_PATH",
                                                 self.INSTANCE_PATH / "signing-key.json"))
        # In development, links follow where `make run` serves (HOST, PORT); production
        # must name its public address (check() refuses to start without it).
        self.LMS_BASE_URL = env.get("LMS_BASE_URL") or (
            f"http://{env.get('HOST') or '127.0.0.1'}:{env.get('PORT') or '5000'}")
        self.LMS_ISSUER_NAME = env.get("LMS_ISSUER_NAME", "Open Government Learning")
        self.LMS_VERIFY_LIMIT = env.get("LMS_VERIFY_LIMIT", "30 per minute; 300 per hour")
        # Per signed-in account, not per address: a whole office may join from one address.
        self.LMS_JOIN_LIMIT = env.get("LMS_JOIN_LIMIT", "20 per minute; 100 per hour")
        self.LMS_REGISTRATION = env.get("LMS_REGISTRATION", "open")
        self.LMS_PASSWORD_RESET_MAX_AGE = int(env.get("LMS_PASSWORD_RESET_MAX_AGE", "3600"))
        self.LMS_INVITATION_MAX_AGE = int(env.get("LMS_INVITATION_MAX_AGE", str(14 * 24 * 3600)))
        self.LMS_TRUSTED_PROXIES = int(env.get("LMS_TRUSTED_PROXIES", "0"))
        self.RATELIMIT_STORAGE_URI = env.get("LMS_RATELIMIT_STORAGE_URL", "memory://")
        # Keeps the counters of several sites (or test runs) sharing one Redis apart.
        self.RATELIMIT_KEY_PREFIX = env.get("LMS_RATELIMIT_KEY_PREFIX", "")
        self.RATELIMIT_ENABLED = env.get("LMS_RATELIMIT_ENABLED", "1") != "0"
        self.RATELIMIT_HEADERS_ENABLED = True
        # If the shared store (Redis) is down, count in each process rather than fail: sign-in
        # and verification must keep working, with looser limits, until it is back.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.LMS_SIGNIN_LIMIT = env.get("LMS_SIGNIN_LIMIT", "10 per minute; 50 per hour")
        # Single sign-on (lms.accounts.oidc); "off" leaves the providers as the only way in.
        self.LMS_OIDC_PROVIDERS = oidc_providers(env)
        self.LMS_OIDC_TIMEOUT = float(env.get("LMS_OIDC_TIMEOUT", "5"))
        self.LMS_PASSWORD_LOGIN = env.get("LMS_PASSWORD_LOGIN", "on") != "off"
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_DURATION = timedelta(days=30)
        self.PERMANENT_SESSION_LIFETIME = timedelta(days=14)
        self.MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # uploads (CSV files) are small
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        production = self.LMS_ENV == "production"
        self.SESSION_COOKIE_SECURE = production
        self.REMEMBER_COOKIE_SECURE = production
        self.PREFERRED_URL_SCHEME = "https" if production else "http"

    def check(self) -> None:
        """Refuse settings that would be unsafe in production."""
        if self.LMS_REGISTRATION not in ("open", "invite"):
            raise ConfigError("LMS_REGISTRATION must be 'open' or 'invite'")
        if self.LMS_XAPI_ACTOR not in ("account", "mbox"):
            raise ConfigError("LMS_XAPI_ACTOR must be 'account' or 'mbox'")
        if not self.LMS_PASSWORD_LOGIN and not self.LMS_OIDC_PROVIDERS:
            raise ConfigError("LMS_PASSWORD_LOGIN=off needs at least one sign-in provider "
                              "(LMS_OIDC_PROVIDERS): nobody could sign in")
        if self.LMS_ENV != "production":
            return
        if self.SECRET_KEY == DEV_SECRET_KEY or len(self.SECRET_KEY) < 32:
            raise ConfigError(
                "LMS_ENV=production needs LMS_SECRET_KEY: a random value of 32 characters or more "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if "LMS_BASE_URL" not in self._env:
            raise ConfigError("LMS_ENV=production needs LMS_BASE_URL, the site's public address "
                              "(it is written into every certificate)")
        if not Path(self.LMS_SIGNING_KEY_PATH).is_file():
            raise ConfigError(
                f"LMS_ENV=production needs the certificate signing key at "
                f"{self.LMS_SIGNING_KEY_PATH} (LMS_SIGNING_KEY_PATH): create it once with "
                "'flask --app wsgi lms generate-signing-key' and keep it out of the repository")


class TestConfig(Config):
    """Settings for the test suite: a given database, no CSRF unless a test asks, fast hashes."""

    TESTING = True
    __test__ = False  # not a pytest test class

    def __init__(self, database_uri: str, instance_path: Path, **overrides: object) -> None:
        super().__init__({"LMS_INSTANCE_PATH": str(instance_path)})
        self.SQLALCHEMY_DATABASE_URI = database_url(database_uri, instance_path)
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_ENABLED = False
        self.SERVER_NAME = None
        self.LMS_QUEUE_URL = "memory://"  # tests run the work in-process (queue.drain)
        for key, value in overrides.items():
            setattr(self, key, value)
