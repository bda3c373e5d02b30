"""Certificates as PDF/A-3b documents, rendered by WeasyPrint from a Jinja template.

Everything here is a pure function of plain values: callers translate and look up what they
need first and hand over a `CertificateView`. The same view and credential JSON always give
the same bytes (no clock, no random identifier), so a certificate can be re-rendered on demand
and compared, cached or signed.

The renderer never reaches the network or the file system on behalf of a template: its URL
fetcher serves `data:` URIs and the bundled fonts (`lms-font:NAME.ttf`) and refuses the rest.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TypedDict
from urllib.parse import unquote_to_bytes

import pydyf
import segno
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import CSS, HTML, Attachment, Document
from weasyprint.css import ColorProfile
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIR = ROOT / "templates" / "certificates"
FONT_DIR = ROOT / "static" / "fonts"
FONT_SCHEME = "lms-font"
PDF_VARIANT = "pdf/a-3b"
OUTPUT_INTENT = "--lms-srgb"
ATTACHMENT_NAME = "credential.json"
ATTACHMENT_DESCRIPTION = "Open Badges 3.0 credential"

# Babel locale for each certificate language: British English writes "26 November 2026",
# Spanish "26 de noviembre de 2026" (the same in Spain and Latin America).
DATE_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es"}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Certificate of completion",
        "certifies": "This certifies that",
        "completed": "has completed",
        "cohort": "Cohort",
        "issued_on": "Issued on",
        "valid_until": "Valid until",
        "verify_at": "Verify at",
        "verification_code": "Verification code",
        "qr_title": "QR code: open the verification page",
        "capstone": "Reform project approved",
    },
    "fr": {
        "title": "Certificat de réussite",
        "certifies": "Nous certifions que",
        "completed": "a suivi avec succès",
        "cohort": "Cohorte",
        "issued_on": "Délivré le",
        "valid_until": "Valable jusqu’au",
        "verify_at": "Vérifier sur",
        "verification_code": "Code de vérification",
        "qr_title": "Code QR : ouvrir la page de vérification",
        "capstone": "Projet de réforme approuvé",
    },
    "es": {
        "title": "Certificado de aprobación",
        "certifies": "Se certifica que",
        "completed": "ha completado con éxito",
        "cohort": "Cohorte",
        "issued_on": "Expedido el",
        "valid_until": "Válido hasta el",
        "verify_at": "Verificar en",
        "verification_code": "Código de verificación",
        "qr_title": "Código QR: abrir la página de verificación",
        "capstone": "Proyecto de reforma aprobado",
    },
}

_FONT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.(?:ttf|otf|woff2?)")
_FONT_TYPES = {"ttf": "font/ttf", "otf": "font/otf", "woff": "font/woff", "woff2": "font/woff2"}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9.+-]*):")


class CertificateRenderError(RuntimeError):
    """The certificate could not be rendered, e.g. its template asked for a refused URL."""


@dataclass(frozen=True)
class CertificateView:
    """What a certificate shows, as plain, already translated values."""

    holder_name: str
    programme: str
    course_title: str
    cohort_name: str | None
    language: str
    issued_on: date
    expires_on: date | None
    code: str
    verify_url: str
    signatories: tuple[tuple[str, str], ...]
    issuer_name: str
    capstone: str | None = None  # the approved reform project the course required


def labels_for(language: str) -> dict[str, str]:
    """The fixed wording of a certificate in `language` ("en", "fr" or "es")."""
    try:
        return dict(LABELS[language])
    except KeyError:
        raise ValueError(f"no certificate wording for language {language!r}") from None


def format_day(day: date, language: str) -> str:
    """A date as written in `language`: "26 November 2026", "26 novembre 2026",
    "26 de noviembre de 2026"."""
    labels_for(language)
    return format_date(day, format="long", locale=DATE_LOCALES[language])


# --- URL fetching -----------------------------------------------------------------------------

class Fetched(TypedDict, total=False):
    """What a URL fetcher returns to WeasyPrint."""

    string: bytes
    mime_type: str
    redirected_url: str
    encoding: str


def safe_url_fetcher(url: str) -> Fetched:
    """Serve `data:` URIs and the bundled fonts; refuse everything else with ValueError.

    Returns {"string": bytes, "mime_type": str, "redirected_url": str}.
    """
    match = _SCHEME.match(url)
    scheme = match[1].lower() if match else ""
    if scheme == "data":
        return _fetch_data_uri(url)
    if match and scheme == FONT_SCHEME:
        return _fetch_font(url, url[match.end():])
    raise ValueError(f"refused to fetch {url!r}: certificates may only use data: URIs "
                     f"and the bundled fonts ({FONT_SCHEME}:NAME.ttf)")


def _fetch_font(url: str, name: str) -> Fetched:
    if not _FONT_NAME.fullmatch(name):
        raise ValueError(f"refused to fetch {url!r}: not the name of a bundled font")
    path = (FONT_DIR / name).resolve()
    if path.parent != FONT_DIR.resolve() or not path.is_file():
        raise ValueError(f"refused to fetch {url!r}: no such bundled font in {FONT_DIR}")
    extension = name.rsplit(".", 1)[1].lower()
    return {"string": path.read_bytes(), "mime_type": _FONT_TYPES[extension],
            "redirected_url": url}


def _fetch_data_uri(url: str) -> Fetched:
    header, comma, payload = url[len("data:"):].partition(",")
    if not comma:
        raise ValueError("refused to fetch a malformed data: URI (no comma)")
    params = [part.strip() for part in header.split(";")]
    is_base64 = len(params) > 1 and params[-1].lower() == "base64"
    if is_base64:
        params.pop()
    mime_type = params[0].lower() or "text/plain"
    raw = unquote_to_bytes(payload)
    if is_base64:
        try:
            raw = base64.b64decode(raw, validate=False)
        except binascii.Error as error:
            raise ValueError(f"refused to fetch a malformed base64 data: URI ({error})") from None
    result: Fetched = {"string": raw, "mime_type": mime_type, "redirected_url": url}
    for param in params[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value:
            result["encoding"] = value.strip()
    return result


class SafeFetcher(URLFetcher):
    """WeasyPrint's fetcher interface around `safe_url_fetcher`; a refusal stops rendering."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        result = safe_url_fetcher(url)
        content_type = result["mime_type"]
        if "encoding" in result:
            content_type += f"; charset={result['encoding']}"
        return URLFetcherResponse(result["redirected_url"], body=result["string"],
                                  headers={"Content-Type": content_type})


# --- Rendering --------------------------------------------------------------------------------

_environment = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                           undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _timestamp(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _stylesheet_text() -> str:
    return (TEMPLATE_DIR / "certificate.css").read_text(encoding="utf-8")


def _qr_svg(url: str, title: str) -> Markup:
    # A fixed mask: choosing the "best" of eight costs more than the rest of the code.
    qr = segno.make(url, error="m", mask=0, boost_error=False)
    # As an image (a data: URI): the HTML parser then never reads the long path character by
    # character. The size comes from the stylesheet.
    uri = qr.svg_data_uri(scale=3, dark="#1b1f24", omitsize=True, xmldecl=False)
    return Markup('<img class="qr" src="{}" alt="{}">').format(uri, title)


def render_html(html: str, attachments: Sequence[Attachment] = ()) -> bytes:
    """Turn certificate HTML into PDF/A-3b bytes with the certificate stylesheet and fetcher.

    Every PDF this module makes goes through here, so the settings are the same for all.
    Dates come only from the HTML (<meta name="dcterms.created">) and the attachments, never
    from the clock. A refused URL raises CertificateRenderError.
    """
    fetcher = SafeFetcher()
    try:
        # One render at a time per process: the font set-up is shared and not thread-safe.
        with render_lock:
            font_config, stylesheet = _stylesheet()
            document = HTML(string=html, url_fetcher=fetcher)
            return document.write_pdf(
                stylesheets=[stylesheet], font_config=font_config, pdf_variant=PDF_VARIANT,
                attachments=list(attachments), finisher=_list_attachments_once,
                output_intent=OUTPUT_INTENT, color_profiles=_color_profiles())
    except FatalURLFetchingError as error:
        raise CertificateRenderError(f"{error}: {error.__cause__}") from error


render_lock = threading.Lock()


@cache
def _stylesheet() -> tuple[FontConfiguration, CSS]:
    """The stylesheet and its fonts, loaded once per process (loading fonts is most of the
    cost of a small document)."""
    font_config = FontConfiguration()
    stylesheet = CSS(string=_stylesheet_text(), url_fetcher=SafeFetcher(),
                     font_config=font_config)
    return font_config, stylesheet


@cache
def _srgb_profile() -> bytes:
    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _color_profiles() -> dict[str, ColorProfile]:
    """The sRGB output intent that PDF/A asks for: WeasyPrint's own profile, read from memory.

    With output_intent="srgb" WeasyPrint 70 opens the profile and never closes the file
    (a ResourceWarning at each render). A profile object is filled in by each render, so a
    new one is made every time.
    """
    profile = ColorProfile(io.BytesIO(_srgb_profile()), "sRGB2014.icc",
                           "relative-colorimetric", (["r"], ["g"], ["b"]))
    return {OUTPUT_INTENT: profile}


def _list_attachments_once(document: Document, pdf: pydyf.PDF) -> None:
    """WeasyPrint 70 puts each PDF/A-3 attachment twice in the catalogue's /AF: keep one."""
    associated = pdf.catalog.get("AF")
    if associated:
        associated[:] = list(dict.fromkeys(associated))


def render_certificate(view: CertificateView, credential_json: bytes) -> bytes:
    """The certificate as a one-page A4 landscape PDF/A-3b, with the credential attached."""
    labels = labels_for(view.language)
    stamp = _timestamp(view.issued_on)
    context = {field.name: getattr(view, field.name) for field in fields(view)}
    context.update(
        labels=labels,
        issued_on_text=format_day(view.issued_on, view.language),
        expires_on_text=(format_day(view.expires_on, view.language)
                         if view.expires_on else None),
        created=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        qr_svg=_qr_svg(view.verify_url, labels["qr_title"]),
        # The address may wrap before the code, never inside it (see certificate.css).
        verify_prefix=view.verify_url.removesuffix(view.code),
        verify_code=view.code if view.verify_url.endswith(view.code) else "",
    )
    html = _environment.get_template("certificate.html").render(context)
    attachment = Attachment(string=bytes(credential_json), name=ATTACHMENT_NAME,
                            description=ATTACHMENT_DESCRIPTION, relationship="Data",
                            created=stamp, modified=stamp)
    return render_html(html, attachments=[attachment])


_BLANK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Blank page</title>
<meta name="dcterms.created" content="2000-01-01T00:00:00Z">
<meta name="dcterms.modified" content="2000-01-01T00:00:00Z"></head>
<body></body></html>"""


def blank_page_pdf() -> bytes:
    """An empty A4 landscape page through the same pipeline: the baseline for benchmarks."""
    return render_html(_BLANK_PAGE)
