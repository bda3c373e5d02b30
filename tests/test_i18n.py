"""English, French and Spanish: the switcher, the account's and the browser's language, and
complete catalogues."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from lms.config import LANGUAGES, ROOT
from lms.extensions import db

TRANSLATED = [language for language in LANGUAGES if language != "en"]


def test_language_switcher_turns_the_site_french(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "fr", "next": "/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    page = client.get("/login").text
    assert '<html lang="fr">' in page
    assert "<h1>Se connecter</h1>" in page
    assert 'lang="en">English</button>' in page


def test_the_switcher_offers_each_other_language_named_in_itself(client: FlaskClient) -> None:
    offered = {"en": ('lang="fr">Français</button>', 'lang="es">Español</button>'),
               "fr": ('lang="en">English</button>', 'lang="es">Español</button>'),
               "es": ('lang="en">English</button>', 'lang="fr">Français</button>')}
    for language, buttons in offered.items():
        client.post("/language", data={"lang": language, "next": "/"})
        page = client.get("/login").text
        assert f'<html lang="{language}">' in page
        assert all(button in page for button in buttons), language
        assert f'value="{language}" lang="{language}"' not in page  # not the page's own


def test_language_switcher_turns_the_site_spanish(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "es", "next": "/login"})
    page = client.get("/login").text
    assert '<html lang="es">' in page
    assert "<h1>Iniciar sesión</h1>" in page


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


@pytest.mark.parametrize(("header", "language"), [
    ("es", "es"), ("es-CO", "es"), ("es-419,es;q=0.9", "es"), ("es-MX,en;q=0.5", "es"),
    ("pt-BR,es;q=0.8,en;q=0.5", "es"), ("en-US,es;q=0.9", "en"), ("de-DE,fr;q=0.7", "fr"),
    ("es;q=0,fr;q=0.5", "fr"), ("de", "en"),
])
def test_the_browsers_languages_are_read_best_first_by_their_primary_tag(
        client: FlaskClient, header: str, language: str) -> None:
    page = client.get("/login", headers={"Accept-Language": header}).text
    assert f'<html lang="{language}">' in page


def test_a_spanish_browser_registers_in_spanish(client: FlaskClient) -> None:
    page = client.get("/register", headers={"Accept-Language": "es-CO,es;q=0.9"}).text
    assert "<h1>Crear una cuenta</h1>" in page
    assert '<option selected value="es">Español</option>' in page


def test_switcher_refuses_unknown_languages_and_other_hosts(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/").text


@pytest.mark.parametrize(("language", "title"), [("fr", "Page introuvable"),
                                               ("es", "Página no encontrada")])
def test_error_pages_are_translated(client: FlaskClient, language: str, title: str) -> None:
    client.post("/language", data={"lang": language, "next": "/"})
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert title in response.text


def test_countries_are_named_in_the_page_language(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "fr", "next": "/"})
    page = client.get("/register").text
    assert '<option value="CI">Côte d’Ivoire</option>' in page
    assert '<option value="DE">Allemagne</option>' in page
    client.post("/language", data={"lang": "es", "next": "/"})
    page = client.get("/register").text
    assert '<option value="DE">Alemania</option>' in page


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalogue_is_complete_and_compiled(language: str) -> None:
    folder = ROOT / "lms" / "translations" / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    # Every form of a plural: Spanish has three (one, many, other), French two.
    missing = [message.id for message in catalogue if message.id and (
        not all(message.string) if isinstance(message.string, list | tuple)
        else not message.string)]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert missing == [] and fuzzy == []
    plurals = [message for message in catalogue if isinstance(message.id, list | tuple)]
    assert plurals and all(len(message.string) == catalogue.num_plurals for message in plurals)
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


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_ui_string_is_in_the_catalogue(language: str) -> None:
    """Strings marked in code and templates must all have an entry in each language."""
    from babel.messages.extract import extract_from_dir

    with (ROOT / f"lms/translations/{language}/LC_MESSAGES/messages.po").open("rb") as handle:
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
