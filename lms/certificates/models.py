"""Certificates: what was certified, frozen at issue time, with an append-only history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model

ACTIVE = "active"
REVOKED = "revoked"
SUPERSEDED = "superseded"


class Certificate(Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # A learner never holds two active certificates for the same course.
        Index("uq_certificates_active_holder", "user_id", "course_id", unique=True,
              sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(13), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # What is certified, exactly as printed, frozen when issued.
    holder_name: Mapped[str] = mapped_column(String(120))
    course_id: Mapped[str] = mapped_column(String(100))
    course_title: Mapped[str] = mapped_column(String(200))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"))
    cohort_name: Mapped[str | None] = mapped_column(String(160))
    language: Mapped[str] = mapped_column(String(5))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revocation_reason: Mapped[str | None] = mapped_column(String(300))  # public
    revocation_note: Mapped[str | None] = mapped_column(Text)  # internal
    credential_id: Mapped[str] = mapped_column(String(60), unique=True)
    credential: Mapped[str] = mapped_column(Text)  # the signed Open Badges 3.0 JSON
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))


class CertificatePdf(Model):
    """The rendered PDF, stored once rendered and served from here afterwards."""

    __tablename__ = "certificate_pdfs"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CertificateEvent(Model):
    """The append-only history of a certificate: issued, downloaded, revoked, reissued."""

    __tablename__ = "certificate_events"
    __table_args__ = (Index("ix_certificate_events_certificate_id", "certificate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="")
