"""A Spanish-speaking learner's certificate: Spanish wording, Spanish dates, the course's Spanish
title, and a credential whose criteria are written in Spanish."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
import yaml
from babel.dates import format_date
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from lms.certificates import codes
from lms.certificates.models import Certificate
from lms.config import ROOT
from lms.extensions import db
from tests.certificates.helpers import COURSE, complete

ENGLISH_MONTHS = re.compile(r"January|February|March|April|May|June|July|August|September|"
                            r"October|November|December")


@pytest.fixture
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The shipped content, with Spanish among the course's languages (lessons not yet
    translated are read in English; a reform project without its Spanish is left out)."""
    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(ROOT / "content", content)
    course_file = content / COURSE / "course.yml"
    settings = yaml.safe_load(course_file.read_text(encoding="utf-8"))
    if "es" not in settings["languages"]:
        settings["languages"].append("es")
        if "es" not in settings.get("capstone", {}).get("title", {}):
            settings.pop("capstone", None)
    course_file.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False),
                           encoding="utf-8")
    return {"LMS_CONTENT_PATH": content}


def test_a_spanish_learners_certificate_is_in_spanish(client: FlaskClient, login_as) -> None:
    learner = login_as(name="Lucía Mendoza", locale="es")
    complete(learner)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate is not None
    assert certificate.language == "es" and certificate.course_title == "Gobierno Abierto 101"

    response = client.get(f"/certificates/{codes.display(certificate.code)}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    issued = format_date(certificate.issued_at.date(), "long", locale="es")
    assert re.fullmatch(r"\d{1,2} de [a-z]+ de \d{4}", issued)  # "3 de diciembre de 2026"
    for shown in ("Lucía Mendoza", "Gobierno Abierto 101", issued,
                  "Programa de Liderazgo en Gobierno Abierto", "Directora del Programa",
                  "Facilitadora principal"):
        assert shown in text, shown
    folded = text.casefold()
    for label in ("Certificado de aprobación", "Se certifica que", "ha completado con éxito",
                  "Expedido el", "Código de verificación", "Verificar en"):
        assert label.casefold() in folded, label
    assert not ENGLISH_MONTHS.search(text) and "certifies" not in text

    criteria = json.loads(certificate.credential)["credentialSubject"]["achievement"][
        "criteria"]["narrative"]
    assert criteria.startswith("Todas las lecciones completadas")

    page = client.get("/certificates/").text
    assert '<html lang="es">' in page and "Gobierno Abierto 101" in page
    assert issued in page or format_date(certificate.issued_at.date(), "medium",
                                         locale="es") in page
