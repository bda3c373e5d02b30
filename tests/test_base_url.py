"""The site's address in links: in development it follows where `make run` serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms import create_app, mail
from lms.certificates import services as certificates
from lms.config import Config, ConfigError


def test_development_links_follow_host_and_port(tmp_path: Path) -> None:
    app = create_app(Config({"PORT": "5077", "LMS_INSTANCE_PATH": str(tmp_path)}))
    with app.test_request_context("/", base_url="http://127.0.0.1:5077"):
        assert mail.link("pages.home") == "http://127.0.0.1:5077/"
        assert mail.link("cohorts.join", code="abc") == "http://127.0.0.1:5077/cohorts/join/abc"
        assert certificates.issuer_id() == "http://127.0.0.1:5077/issuer"
        assert certificates.key_id() == "http://127.0.0.1:5077/issuer/keys/1"
    other = create_app(Config({"HOST": "192.0.2.7", "PORT": "8080",
                               "LMS_INSTANCE_PATH": str(tmp_path)}))
    assert other.config["LMS_BASE_URL"] == "http://192.0.2.7:8080"
    default = create_app(Config({"LMS_INSTANCE_PATH": str(tmp_path)}))
    assert default.config["LMS_BASE_URL"] == "http://127.0.0.1:5000"


def test_lms_base_url_wins_over_host_and_port(tmp_path: Path) -> None:
    app = create_app(Config({"PORT": "5077", "LMS_BASE_URL": "https://learn.example.org",
                             "LMS_INSTANCE_PATH": str(tmp_path)}))
    with app.test_request_context("/"):
        assert mail.link("pages.home") == "https://learn.example.org/"


def test_production_still_needs_lms_base_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LMS_BASE_URL"):
        create_app(Config({"LMS_ENV": "production", "LMS_SECRET_KEY": "k" * 40, "PORT": "5077",
                           "LMS_INSTANCE_PATH": str(tmp_path)}))
