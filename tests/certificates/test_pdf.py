"""The certificate PDF: what it shows, that it is PDF/A-3b and the same bytes every time."""

from __future__ import annotations

import dataclasses
import io
import json
import socket
import subprocess
import sys
from datetime import date

import pytest
from pypdf import PdfReader

from lms.certificates.pdf import (
    CertificateRenderError,
    CertificateView,
    blank_page_pdf,
    render_certificate,
    render_html,
    safe_url_fetcher,
)
from lms.config import ROOT

CREDENTIAL = json.dumps({
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "credentialSubject": {"name": "Nguyễn Thị Anh"},
}, ensure_ascii=False).encode()

VIEW = CertificateView(
    holder_name="Nguyễn Thị Anh",
    programme="Open Government Leadership Programme",
    course_title="Co-creating National Action Plans with Civil Society",
    cohort_name="Spring 2026",
    language="en",
    issued_on=date(2026, 11, 26),
    expires_on=date(2029, 11, 26),
    code="7K3M-9QXD-2H4N-P",
    verify_url="https://learn.example.org/verify/7K3M-9QXD-2H4N-P",
    signatories=(("Amina Diallo", "Programme Director"), ("Jonathan Reyes", "Head of Learning")),
    issuer_name="Open Government Learning Partnership",
)

# Renders VIEW in a fresh interpreter (its own hash seed, font cache, temporary folders).
SUBPROCESS_RENDER = """
import sys
from tests.certificates.test_pdf import CREDENTIAL, VIEW
from lms.certificates.pdf import render_certificate
sys.stdout.buffer.write(render_certificate(VIEW, CREDENTIAL))
"""


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return reader(pdf).pages[0].extract_text()


@pytest.mark.parametrize("name", ["Nguyễn Thị Anh", "Łukasz Nowak", "Marta Ñúñez",
                                  "Ørsted Jensen"])
def test_one_a4_landscape_page_shows_the_holder_and_the_code(name: str) -> None:
    pdf = render_certificate(dataclasses.replace(VIEW, holder_name=name), CREDENTIAL)
    document = reader(pdf)
    assert len(document.pages) == 1
    box = document.pages[0].mediabox
    assert float(box.width) == pytest.approx(841.89, abs=0.5)
    assert float(box.height) == pytest.approx(595.28, abs=0.5)
    text = text_of(pdf)
    assert name in text
    assert "7K3M-9QXD-2H4N-P" in text
    for shown in ("Co-creating National Action Plans with Civil Society", "Spring 2026",
                  "Open Government Leadership Programme", "Amina Diallo", "Head of Learning",
                  "26 November 2026", "26 November 2029"):
        assert shown in text


def test_the_french_certificate_is_written_in_french() -> None:
    view = dataclasses.replace(
        VIEW, language="fr", programme="Programme de leadership pour le gouvernement ouvert",
        signatories=(("Amina Diallo", "Directrice du programme"),))
    text = text_of(render_certificate(view, CREDENTIAL))
    assert "26 novembre 2026" in text and "26 novembre 2029" in text
    folded = text.casefold()
    for label in ("Certificat de réussite", "Nous certifions que", "a suivi avec succès",
                  "Cohorte", "Délivré le", "Valable jusqu’au", "Code de vérification",
                  "Vérifier sur"):
        assert label.casefold() in folded, label
    assert "November" not in text and "certifies" not in text


def test_the_spanish_certificate_is_written_in_spanish() -> None:
    view = dataclasses.replace(
        VIEW, language="es", programme="Programa de Liderazgo en Gobierno Abierto",
        signatories=(("Amina Diallo", "Directora del Programa"),))
    text = text_of(render_certificate(view, CREDENTIAL))
    assert "26 de noviembre de 2026" in text and "26 de noviembre de 2029" in text
    folded = text.casefold()
    for label in ("Certificado de aprobación", "Se certifica que", "ha completado con éxito",
                  "Cohorte", "Expedido el", "Válido hasta el", "Código de verificación",
                  "Verificar en", "Programa de Liderazgo en Gobierno Abierto",
                  "Directora del Programa"):
        assert label.casefold() in folded, label
    assert "November" not in text and "certifies" not in text and "novembre" not in text


def test_optional_parts_may_be_missing() -> None:
    view = dataclasses.replace(VIEW, cohort_name=None, expires_on=None, signatories=())
    pdf = render_certificate(view, CREDENTIAL)
    text = text_of(pdf)
    assert len(reader(pdf).pages) == 1
    assert "Cohort".casefold() not in text.casefold()
    assert "Valid until".casefold() not in text.casefold()
    assert "26 November 2026" in text


def test_long_values_still_fit_on_one_page() -> None:
    view = dataclasses.replace(
        VIEW,
        holder_name="Maria Fernanda de los Ángeles Rodríguez-Castellanos y Villanueva",
        course_title="Designing, delivering and evaluating ambitious Open Government "
                     "commitments together with civil society and parliament",
        verify_url="https://learn.open-government.example.org/certificates/verify/"
                   "7K3M-9QXD-2H4N-P?language=en",
        signatories=(("Amina Diallo-Konaté", "Director of the Leadership Programme"),
                     ("Jonathan Reyes", "Head of Learning"),
                     ("Dr. Ingrid Østergaard-Hansen", "Chair of the Scientific Committee")),
    )
    assert len(reader(render_certificate(view, CREDENTIAL)).pages) == 1


def test_rendering_is_deterministic_within_and_across_processes() -> None:
    first = render_certificate(VIEW, CREDENTIAL)
    assert render_certificate(VIEW, CREDENTIAL) == first
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", SUBPROCESS_RENDER], cwd=ROOT, capture_output=True,
        check=True, timeout=120)
    assert result.stdout == first
    assert b"CreationDate (D:20261126000000Z)" in first


def test_the_credential_is_embedded_as_credential_json() -> None:
    document = reader(render_certificate(VIEW, CREDENTIAL))
    assert list(document.attachments) == ["credential.json"]
    assert document.attachments["credential.json"] == [CREDENTIAL]
    [reference] = document.trailer["/Root"]["/AF"]
    filespec = reference.get_object()
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/Desc"] == "Open Badges 3.0 credential"


def test_the_pdf_declares_pdf_a_3b_and_its_metadata() -> None:
    document = reader(render_certificate(VIEW, CREDENTIAL))
    xmp = document.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "<xmp:CreateDate>2026-11-26T00:00:00Z</xmp:CreateDate>" in xmp
    assert document.metadata.title == "Certificate of completion – Nguyễn Thị Anh"
    assert document.metadata.author == "Open Government Learning Partnership"
    assert document.trailer["/Root"]["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"


def test_the_qr_code_links_to_the_verification_page() -> None:
    page = reader(render_certificate(VIEW, CREDENTIAL)).pages[0]
    targets = {annotation.get_object()["/A"]["/URI"] for annotation in page["/Annots"]}
    assert targets == {VIEW.verify_url}


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render_certificate(dataclasses.replace(VIEW, language="de"), CREDENTIAL)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "FILE:///etc/passwd", "http://example.org/x.png",
    "https://example.org/x.png", "ftp://example.org/x", "lms-font:../../wsgi.py",
    "lms-font:..%2F..%2Fwsgi.py", "lms-font:/etc/passwd", "lms-font:LICENSE-DejaVu.txt",
    "lms-font:Missing.ttf", "javascript:alert(1)", "/etc/passwd", "x.png",
])
def test_the_url_fetcher_refuses_everything_but_data_and_bundled_fonts(url: str) -> None:
    with pytest.raises(ValueError, match="refused"):
        safe_url_fetcher(url)


def test_the_url_fetcher_serves_data_uris_and_the_bundled_fonts() -> None:
    font = safe_url_fetcher("lms-font:DejaVuSerif.ttf")
    assert font["string"] == (ROOT / "static/fonts/DejaVuSerif.ttf").read_bytes()
    assert font["mime_type"] == "font/ttf"
    assert safe_url_fetcher("data:text/plain;base64,aMOpbGxv")["string"] == "héllo".encode()
    plain = safe_url_fetcher("data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E")
    assert plain["string"] == b"<svg/>" and plain["mime_type"] == "image/svg+xml"


@pytest.mark.parametrize("markup", [
    '<img src="http://127.0.0.1:9/x.png" alt="">',
    '<img src="file:///etc/passwd" alt="">',
    '<link rel="stylesheet" href="https://example.org/x.css">',
    '<div class="x"></div><link rel="attachment" href="file:///etc/passwd">',
])
def test_html_asking_for_an_outside_resource_is_not_rendered(
        markup: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the renderer tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    html = f"<!doctype html><html lang='en'><head><title>x</title></head><body>{markup}</body>"
    with pytest.raises(CertificateRenderError, match="refused"):
        render_html(html)


def test_the_blank_page_uses_the_same_settings() -> None:
    pdf = blank_page_pdf()
    document = reader(pdf)
    assert len(document.pages) == 1
    assert float(document.pages[0].mediabox.width) == pytest.approx(841.89, abs=0.5)
    assert 'pdfaid:part="3"' in document.xmp_metadata.stream.get_data().decode()
    assert blank_page_pdf() == pdf


def test_the_template_has_no_inline_style_or_script() -> None:
    text = (ROOT / "templates/certificates/certificate.html").read_text(encoding="utf-8")
    assert "<style" not in text and "<script" not in text and ' style="' not in text
