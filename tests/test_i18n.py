"""English and French: the switcher, the account's language, and complete catalogues."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from lms.config import ROOT
from lms.extensions import db


def test_language_switcher_turns_the_site_french(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "fr", "next": "/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    page = client.get("/login").text
    assert '<html lang="fr">' in page
    assert "<h1>Se connecter</h1>" in page
    assert 'lang="en">English</button>' in page


def test_switcher_saves_the_choice_on_the_account(client: FlaskClient, login_as) -> None:
    user = login_as(locale="en")
    client.post("/language", data={"lang": "fr", "next": "/"})
    db.session.refresh(user)
    assert user.locale == "fr"


def test_account_language_applies_when_signed_in(client: FlaskClient, login_as) -> None:
    login_as(locale="fr", role="admin")
    assert "Utilisateurs" in client.get("/admin/users").text


def test_browser_language_is_the_default(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text
    assert '<html lang="fr">' in page


def test_switcher_refuses_unknown_languages_and_other_hosts(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/").text


def test_error_pages_are_translated(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "fr", "next": "/"})
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_countries_are_named_in_the_page_language(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "fr", "next": "/"})
    page = client.get("/register").text
    assert '<option value="CI">Côte d’Ivoire</option>' in page
    assert '<option value="DE">Allemagne</option>' in page


def test_french_catalogue_is_complete_and_compiled() -> None:
    folder = ROOT / "lms" / "translations" / "fr" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    missing = [message.id for message in catalogue if message.id and not message.string]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert missing == [] and fuzzy == []
    assert _mo_matches_po(folder), "run `make translations` to compile the catalogue"


def _mo_matches_po(folder: Path) -> bool:
    from babel.messages.mofile import read_mo

    def entries(catalogue) -> dict:  # type: ignore[no-untyped-def]
        # Plural ids and strings come back as lists from one reader and tuples from the other.
        return {_frozen(message.id): _frozen(message.string) for message in catalogue
                if message.id}

    with (folder / "messages.mo").open("rb") as handle:
        compiled = entries(read_mo(handle))
    with (folder / "messages.po").open("rb") as handle:
        source = entries(read_po(handle))
    return compiled == source


def _frozen(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_every_ui_string_is_in_the_catalogue() -> None:
    """Strings marked in code and templates must all have a French entry."""
    from babel.messages.extract import extract_from_dir

    with (ROOT / "lms/translations/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        known = {message.id for message in read_po(handle) if message.id}
    method_map = [("lms/**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.txt", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"},
               "templates/**.txt": {"extensions": "jinja2.ext.do"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "_l": None,
                  "lazy_gettext": None, "N_": None},
    ):
        found.add(message)
    missing = sorted(str(m) for m in found if m not in known)
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing)
