"""The verification code is printed on one line, whatever its check character."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from lms.certificates import pdf


@pytest.mark.parametrize("check", list("*~$=U"))
def test_the_code_never_wraps(check: str) -> None:
    code = f"H8SM-QWZ7-CZ07-{check}"
    view = pdf.CertificateView(
        holder_name="Nguyễn Thị Anh", programme="Open Government Leadership Programme",
        course_title="Open Government 101", cohort_name="Western Balkans 2026", language="en",
        issued_on=date(2026, 11, 26), expires_on=None, code=code,
        verify_url=f"http://localhost/verify/{code}", signatories=(("Ana Pop", "Director"),),
        issuer_name="Open Government Learning")

    document = PdfReader(io.BytesIO(pdf.render_certificate(view, b"{}")))

    assert code in document.pages[0].extract_text()


@pytest.mark.parametrize("base", ["http://127.0.0.1:5000", "https://learning.example.org",
                                  "https://learning.open-government-partnership.example.org"])
def test_the_verify_at_line_breaks_before_the_code_never_inside(base: str) -> None:
    code = "H8SM-QWZ7-CZ07-U"
    view = pdf.CertificateView(
        holder_name="Ana Pop", programme="Open Government Leadership Programme",
        course_title="Open Government 101", cohort_name=None, language="en",
        issued_on=date(2026, 11, 26), expires_on=None, code=code,
        verify_url=f"{base}/verify/{code}", signatories=(("Ana Pop", "Director"),),
        issuer_name="Open Government Learning")

    text = PdfReader(io.BytesIO(pdf.render_certificate(view, b"{}"))).pages[0].extract_text()

    verify_line = text.split("VERIFY AT", 1)[1]
    assert code in verify_line, verify_line
    assert verify_line.replace("\n", "").strip() == f"{base}/verify/{code}"
