"""Certificates: the rule, issuing (one active certificate per learner and course), PDFs,
verification, revocation and reissue."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext, ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import mail, records
from lms.accounts.models import User
from lms.accounts.services import normalise_email
from lms.certificates import codes, credentials
from lms.certificates.models import (
    ACTIVE,
    REVOKED,
    SUPERSEDED,
    Certificate,
    CertificateEvent,
    CertificatePdf,
)
from lms.certificates.pdf import CertificateView, render_certificate
from lms.cohorts.models import Cohort, Membership
from lms.courses import services as courses
from lms.courses.content import Course
from lms.courses.models import LessonProgress, QuizAttempt
from lms.database import begin_transaction
from lms.db import utcnow
from lms.extensions import db
from lms.i18n import name_key
from lms.jobs import queue
from lms.jobs.models import QUEUED, RUNNING, Job
from lms.live import attendance
from lms.live.attendance import Shortfall
from lms.xapi import services as xapi

VALID, EXPIRED, NOT_FOUND = "valid", "expired", "not-found"
RENDER_JOB = "certificates.render_pdf"  # lms/certificates/tasks.py
log = logging.getLogger(__name__)
HOLDER_NAME_MAX_LENGTH = 120  # as long as an account's name (Certificate.holder_name)


class CertificateError(Exception):
    """A request about a certificate that cannot be carried out; the message is shown."""


# --- the rule ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Eligibility:
    """What a learner still needs for a course's certificate."""

    lessons_remaining: int
    checks_remaining: int
    signoff_missing_in: str | None  # the cohort whose facilitator has not signed off yet
    cohort: Cohort | None  # the cohort the certificate will name
    # Live sessions (lms.live.attendance): a cohort's minimum attendance not reached yet.
    attendance_missing: Shortfall | None = None
    # The course asks for an approved reform project (lms.capstone) and there is none yet.
    capstone_missing: bool = False

    @property
    def eligible(self) -> bool:
        return not (self.lessons_remaining or self.checks_remaining or self.signoff_missing_in
                    or self.attendance_missing or self.capstone_missing)

    def _missing(self, signoff: str) -> str:
        parts = []
        if self.lessons_remaining:
            parts.append(ngettext("%(num)d lesson", "%(num)d lessons", self.lessons_remaining))
        if self.checks_remaining:
            parts.append(ngettext("%(num)d knowledge check", "%(num)d knowledge checks",
                                  self.checks_remaining))
        if self.signoff_missing_in:
            parts.append(signoff)
        if self.attendance_missing:
            parts.append(self.attendance_missing.explain())
        if self.capstone_missing:
            parts.append(gettext("an approved reform project"))
        if len(parts) < 2:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " " + gettext("and") + " " + parts[-1]

    def explain(self) -> str:
        """In words, for the learner: '2 lessons and your facilitator's sign-off remain'."""
        missing = self._missing(gettext("your facilitator's sign-off"))
        if not missing:
            return gettext("You have met every condition for the certificate.")
        return gettext("%(what)s remain before your certificate.", what=missing)

    def explain_to_facilitator(self) -> str:
        """In words, for the cohort's facilitators: 'Still needed: 2 lessons'."""
        # Not nested in the call below: Babel would not extract a gettext inside a gettext.
        signoff = gettext("your sign-off of their participation")
        return gettext("Still needed: %(what)s.", what=self._missing(signoff))


def eligibility(user_id: int, course: Course) -> Eligibility:
    """Check the certificate rule for one learner."""
    return eligibilities([user_id], course)[user_id]


def eligibilities(user_ids: list[int], course: Course) -> dict[int, Eligibility]:
    """Check the certificate rule for many learners at once, in three queries."""
    done: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    for user_id, lesson_id in db.session.execute(select(
            LessonProgress.user_id, LessonProgress.lesson_id).where(
            LessonProgress.user_id.in_(user_ids), LessonProgress.course_id == course.course_id,
            LessonProgress.completed_at.is_not(None))):
        done[user_id].add(lesson_id)
    passed: dict[int, set[tuple[str, str]]] = {user_id: set() for user_id in user_ids}
    for user_id, lesson_id, quiz_id in db.session.execute(select(
            QuizAttempt.user_id, QuizAttempt.lesson_id, QuizAttempt.quiz_id).distinct().where(
            QuizAttempt.user_id.in_(user_ids), QuizAttempt.course_id == course.course_id,
            QuizAttempt.correct.is_(True))):
        passed[user_id].add((lesson_id, quiz_id))
    memberships: dict[int, list[tuple[Cohort, datetime | None]]] = {uid: [] for uid in user_ids}
    for user_id, cohort, signed_off_at in db.session.execute(
            select(Membership.user_id, Cohort, Membership.signed_off_at)
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .where(Membership.user_id.in_(user_ids), Cohort.course_id == course.course_id)
            .order_by(Cohort.starts_on.desc())):
        memberships[user_id].append((cohort, signed_off_at))
    lesson_ids = {lesson.lesson_id for lesson in course.lessons}
    attendance_missing = attendance.shortfalls(user_ids, course.course_id)
    approved = _approved_capstones(user_ids, course)
    result = {}
    for user_id in user_ids:
        # Checks of lessons still to do are counted with those lessons, not twice.
        checks = {(lesson.lesson_id, quiz_id) for lesson in course.lessons
                  if lesson.lesson_id in done[user_id] for quiz_id in lesson.quiz_ids}
        cohorts = memberships[user_id]
        result[user_id] = Eligibility(
            lessons_remaining=len(lesson_ids - done[user_id]),
            checks_remaining=len(checks - passed[user_id]),
            signoff_missing_in=next((cohort.name for cohort, signed in cohorts
                                     if cohort.requires_signoff and signed is None), None),
            cohort=cohorts[0][0] if cohorts else None,
            attendance_missing=attendance_missing.get(user_id),
            capstone_missing=approved is not None and user_id not in approved)
    return result


def _approved_capstones(user_ids: list[int], course: Course) -> set[int] | None:
    """Who holds an approved reform project, when the course requires one (None if not)."""
    if course.capstone is None or not course.capstone.required_for_certificate:
        return None
    from lms.capstone.services import approved_among  # the capstone area builds on this one

    return approved_among(user_ids, course.course_id)


# --- keys and identity ---------------------------------------------------------------------------

_key_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load_key(path: str) -> credentials.Ed25519PrivateKey:
    return credentials.key_from_file(Path(path))


def signing_key() -> credentials.Ed25519PrivateKey:
    """The issuer's Ed25519 key (generated by `flask lms generate-signing-key`)."""
    path = Path(current_app.config["LMS_SIGNING_KEY_PATH"])
    if not path.is_file():
        raise CertificateError(gettext("Certificates cannot be signed: the signing key is "
                                       "missing. An administrator must create it."))
    with _key_lock:
        return _load_key(str(path))


def base_url() -> str:
    return current_app.config["LMS_BASE_URL"].rstrip("/")


def issuer_id() -> str:
    return f"{base_url()}/issuer"


def key_id() -> str:
    """The verification method that signs credentials: a URL of its own, so that any verifier
    loads the key with a plain GET (a '#key-1' fragment needs a loader that selects it)."""
    return f"{base_url()}/issuer/keys/1"


def legacy_key_id() -> str:
    """The verification method that credentials issued before December 2026 name (same key)."""
    return f"{base_url()}/issuer#key-1"


def issuer() -> dict[str, object]:
    """The issuer profile embedded in every credential."""
    return {"id": issuer_id(), "type": ["Profile"],
            "name": current_app.config["LMS_ISSUER_NAME"], "url": base_url()}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- issuing -------------------------------------------------------------------------------------

def _credential(certificate: Certificate, course: Course, email: str) -> str:
    language = certificate.language
    with force_locale(language):
        criteria = gettext("Every lesson completed and every knowledge check answered correctly.")
        if course.capstone is not None and course.capstone.required_for_certificate:
            criteria += " " + gettext("A reform project (“%(project)s”) reviewed by peers and "
                                      "approved by a facilitator.",
                                      project=course.capstone.title(language))
    unsigned = credentials.open_badge_credential(
        credential_id=certificate.credential_id, issuer=issuer(),
        valid_from=_iso(certificate.issued_at),
        valid_until=_iso(certificate.expires_at) if certificate.expires_at else None,
        name=certificate.course_title,
        # OB 3.0: the subject has an id or an identifier. A salted hash of the address lets
        # the holder show the credential is theirs, without the credential publishing it.
        subject={"type": ["AchievementSubject"], "name": certificate.holder_name,
                 "identifier": [credentials.identity_object(normalise_email(email),
                                                            secrets.token_hex(16))]},
        achievement={
            "id": f"{base_url()}/courses/{course.course_id}/",
            "type": ["Achievement"], "name": certificate.course_title,
            "description": course.summary(language),
            "criteria": {"narrative": criteria},
        },
        status={"id": f"{base_url()}/credentials/status/1#{certificate.status_index}",
                "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": str(certificate.status_index),
                "statusListCredential": f"{base_url()}/credentials/status/1"},
    )
    signed = credentials.sign(unsigned, signing_key(), key_id(), _iso(certificate.issued_at),
                              proof_set=True)
    return json.dumps(signed, ensure_ascii=False, sort_keys=True)


def _record(certificate: Certificate, kind: str, actor_id: int | None, detail: str = "") -> None:
    """Every change to a certificate (issued, downloaded, revoked, reissued) is an event; the
    holder's pages show its state, so their records change too."""
    db.session.add(CertificateEvent(certificate_id=certificate.id, kind=kind,
                                    actor_id=actor_id, detail=detail))
    records.changed([certificate.user_id])


def active_certificate(user_id: int, course_id: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id,
        Certificate.status == ACTIVE))


# A certificate is "new" on its holder's home page for this many days, until they download it.
NEW_FOR_DAYS = 30


@dataclass(frozen=True)
class NewCertificate:
    code: str
    course_title: str
    issued_at: datetime


def new_certificates(user_id: int) -> list[NewCertificate]:
    """The holder's active certificates issued in the last NEW_FOR_DAYS days that they have
    not downloaded yet, newest first (one query)."""
    downloaded = select(CertificateEvent.id).where(
        CertificateEvent.certificate_id == Certificate.id, CertificateEvent.kind == "downloaded",
        CertificateEvent.actor_id == user_id).exists()
    return [NewCertificate(*row) for row in db.session.execute(
        select(Certificate.code, Certificate.course_title, Certificate.issued_at).where(
            Certificate.user_id == user_id, Certificate.status == ACTIVE,
            Certificate.issued_at >= utcnow() - timedelta(days=NEW_FOR_DAYS), ~downloaded)
        .order_by(Certificate.issued_at.desc()))]


def issue(user: User, course: Course, *, cohort: Cohort | None, actor_id: int | None,
          holder_name: str | None = None, commit: bool = True) -> Certificate:
    """Issue the certificate (idempotent: an active one is returned as it is)."""
    existing = active_certificate(user.id, course.course_id)
    if existing is not None:
        return existing
    signing_key()  # fail before writing anything when the key is missing
    language = user.locale if user.locale in course.languages else course.default_language
    now = utcnow().replace(microsecond=0)
    years = course.certificate.valid_years
    certificate = Certificate(
        code=codes.new_code(), user_id=user.id, holder_name=holder_name or user.name,
        course_id=course.course_id, course_title=course.title(language),
        cohort_id=cohort.id if cohort else None, cohort_name=cohort.name if cohort else None,
        language=language, issued_at=now,
        expires_at=now.replace(year=now.year + years, day=min(now.day, 28)) if years else None,
        credential_id=f"urn:uuid:{uuid.uuid4()}", credential="", status_index=0)
    begin_transaction()  # the savepoint below must not commit a cohort's batch on SQLite
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
            db.session.flush()
            certificate.status_index = certificate.id
            certificate.credential = _credential(certificate, course, user.email)
            _record(certificate, "issued", actor_id)
            xapi.certificate_earned(certificate)
            # Its PDF is made by a worker once this commits: the certificate and its job, or
            # neither.
            queue.enqueue(RENDER_JOB, certificate_id=certificate.id)
            db.session.flush()
    except IntegrityError:
        # Issued at the same moment by another request: keep theirs.
        existing = active_certificate(user.id, course.course_id)
        if existing is None:
            raise
        return existing
    if commit:
        db.session.commit()
    return certificate


def issue_if_eligible(user_id: int, course_id: str) -> Certificate | None:
    """Issue when the last condition of the rule has just been met; None if not yet, or if
    the learner's certificate for the course was revoked."""
    course = courses.get_course(course_id)
    if active_certificate(user_id, course_id) is not None:
        return None
    if revoked_certificate(user_id, course_id) is not None:
        return None  # a revocation is not undone by the next lesson marked done
    rule = eligibility(user_id, course)
    if not rule.eligible:
        return None
    user = db.session.get(User, user_id)
    assert user is not None
    return issue(user, course, cohort=rule.cohort, actor_id=None)


@dataclass(frozen=True)
class ReviewLine:
    learner: User
    rule: Eligibility
    certificate: Certificate | None
    revoked: Certificate | None = None  # their last revoked one, if they hold no active one

    @property
    def ready(self) -> bool:
        """Issuing for the cohort gives them one: eligible, none held, none revoked."""
        return self.certificate is None and self.revoked is None and self.rule.eligible


def cohort_review(cohort: Cohort) -> list[ReviewLine]:
    """For each member: will they get a certificate, and if not, why not."""
    course = courses.get_course(cohort.course_id)
    learners = sorted(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort.id)), key=lambda user: name_key(user.name))
    held: dict[int, Certificate] = {}
    revoked: dict[int, Certificate] = {}
    for certificate in db.session.scalars(
            select(Certificate).where(Certificate.course_id == course.course_id,
                                      Certificate.status.in_((ACTIVE, REVOKED)),
                                      Certificate.user_id.in_([user.id for user in learners]))
            .order_by(Certificate.issued_at)):
        (held if certificate.status == ACTIVE else revoked)[certificate.user_id] = certificate
    rules = eligibilities([learner.id for learner in learners], course)
    return [ReviewLine(learner, rules[learner.id], held.get(learner.id),
                       None if learner.id in held else revoked.get(learner.id))
            for learner in learners]


def issue_for_cohort(cohort: Cohort, actor: User) -> int:
    """Issue every certificate the review allows, in one transaction, with one PDF job each."""
    course = courses.get_course(cohort.course_id)
    issued = 0
    for line in cohort_review(cohort):
        if line.ready:  # a revocation is not undone by issuing for the whole cohort
            issue(line.learner, course, cohort=cohort, actor_id=actor.id, commit=False)
            issued += 1
    db.session.commit()
    return issued


# --- finding, PDFs, verification ---------------------------------------------------------------

def find(typed_code: str) -> Certificate | None:
    """The certificate for a code as typed (any case, dashes, O/0 and I/L/1 confusions)."""
    code = codes.normalise(typed_code)
    # Same query either way, so that an unknown code takes as long as a known one.
    return db.session.scalar(select(Certificate).where(Certificate.code == (code or "-")))


def ensure_holder_or_admin(user: User, certificate: Certificate) -> None:
    if certificate.user_id != user.id and not user.has_role("admin"):
        raise CertificateError(gettext("This certificate belongs to someone else."))


def certificate_view(certificate: Certificate) -> CertificateView:
    """The plain values the PDF template receives (never a database object)."""
    course = courses.get_course(certificate.course_id)
    language = certificate.language
    rule = course.certificate
    return CertificateView(
        holder_name=certificate.holder_name,
        programme=rule.programme.get(language) or rule.programme.get(
            course.default_language, current_app.config["LMS_ISSUER_NAME"]),
        course_title=certificate.course_title, cohort_name=certificate.cohort_name,
        language=language, issued_on=certificate.issued_at.date(),
        expires_on=certificate.expires_at.date() if certificate.expires_at else None,
        code=codes.display(certificate.code),
        verify_url=f"{base_url()}/verify/{codes.display(certificate.code)}",
        signatories=tuple((name, titles.get(language) or next(iter(titles.values()), ""))
                          for name, titles in rule.signatories),
        issuer_name=current_app.config["LMS_ISSUER_NAME"],
        capstone=course.capstone.title(language)
        if course.capstone is not None and course.capstone.required_for_certificate else None)


def render(certificate: Certificate) -> bytes:
    """Render the PDF (deterministic: the same certificate gives the same bytes)."""
    return render_certificate(certificate_view(certificate), certificate.credential.encode())


def store_pdf(certificate: Certificate, document: bytes) -> bytes:
    """Store a rendered PDF unless one is stored already; return the stored one. Its own
    savepoint, so that a worker and a download storing at the same moment keep one (the same
    bytes: rendering is deterministic), and the caller's transaction commits it."""
    begin_transaction()
    try:
        with db.session.begin_nested():
            db.session.add(CertificatePdf(certificate_id=certificate.id, pdf=document))
            certificate.pdf_sha256 = hashlib.sha256(document).hexdigest()
    except IntegrityError:
        stored = db.session.get(CertificatePdf, certificate.id)
        if stored is None:
            raise
        return stored.pdf
    return document


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF: the stored one, or rendered and stored now (idempotent). The
    database holds it, so every web process and worker, on any machine, serves the same file."""
    stored = db.session.get(CertificatePdf, certificate.id)
    if stored is not None:
        return stored.pdf
    return store_pdf(certificate, render(certificate))


def pdf(certificate: Certificate, actor: User | None) -> bytes:
    """The stored PDF (a worker renders it after issuing); rendered and stored now if that job
    has not run yet. Each download is recorded."""
    stored = db.session.get(CertificatePdf, certificate.id)
    if stored is not None:
        document = stored.pdf
    else:
        log.info("PDF of certificate %s not made by a worker yet: rendering it now",
                 certificate.id)
        document = store_pdf(certificate, render(certificate))
    if actor is not None:
        _record(certificate, "downloaded", actor.id)
    db.session.commit()
    return document


def preparing(certificate_ids: list[int]) -> set[int]:
    """Of these certificates, those whose PDF a worker is still to make (its job queued or
    running, nothing stored yet), in one query."""
    if not certificate_ids:
        return set()
    job_certificate = Job.arguments["certificate_id"].as_integer()
    stored = select(CertificatePdf.certificate_id).where(
        CertificatePdf.certificate_id == job_certificate).exists()
    return set(db.session.scalars(select(job_certificate).where(
        Job.name == RENDER_JOB, Job.status.in_((QUEUED, RUNNING)),
        job_certificate.in_(certificate_ids), ~stored)))


def state(certificate: Certificate | None) -> str:
    """valid, expired, revoked, superseded or not-found."""
    if certificate is None:
        return NOT_FOUND
    if certificate.status in (REVOKED, SUPERSEDED):
        return certificate.status
    if certificate.expires_at is not None and certificate.expires_at < utcnow():
        return EXPIRED
    return VALID


def same_pdf(certificate: Certificate, uploaded: bytes) -> bool:
    """Whether an uploaded file is, byte for byte, the PDF issued for this certificate."""
    expected = certificate.pdf_sha256
    if expected is None:
        pdf(certificate, None)
        expected = certificate.pdf_sha256
    return hashlib.sha256(uploaded).hexdigest() == expected


def successor(certificate: Certificate) -> Certificate | None:
    return db.session.get(Certificate, certificate.superseded_by_id) \
        if certificate.superseded_by_id else None


# --- revocation and reissue ----------------------------------------------------------------------

def revoke(certificate: Certificate, actor: User, reason: str, note: str) -> None:
    """Revoke: the record stays, with a public reason and an internal note; the holder is
    emailed (revocation_email). Of two requests at once, only one succeeds."""
    if certificate.status != ACTIVE:
        raise CertificateError(gettext("Only an active certificate can be revoked."))
    if not reason.strip():
        raise CertificateError(gettext("Give the public reason for the revocation."))
    # Only while it is still active: of two requests at once (a double click), one revokes
    # and emails, the other is refused.
    revoked = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.status == ACTIVE)
        .values(status=REVOKED, revoked_at=utcnow(), revocation_reason=reason.strip()[:300],
                revocation_note=note.strip()),
        execution_options={"synchronize_session": False})
    if revoked.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise CertificateError(gettext("Only an active certificate can be revoked."))
    _record(certificate, "revoked", actor.id, reason.strip()[:300])
    db.session.expire(certificate)  # read back what the UPDATE wrote
    xapi.certificate_revoked(certificate)
    # The holder is told in the same transaction: revoked and told, or neither.
    mail.queue(revocation_email(certificate), kind="certificate", user_id=certificate.user_id)
    db.session.commit()


def revocation_email(certificate: Certificate) -> mail.Draft:
    """Tell the holder, in their language, that the certificate was revoked and why."""
    holder = db.session.get(User, certificate.user_id)
    assert holder is not None and certificate.revoked_at is not None
    with force_locale(holder.locale):
        subject = gettext("Your certificate “%(course)s” was revoked",
                          course=certificate.course_title)
        body = render_template(
            "email/certificate_revoked.txt", user=holder, certificate=certificate,
            code=codes.display(certificate.code),
            issued_on=format_date(certificate.issued_at.date(), "long"),
            revoked_on=format_date(certificate.revoked_at.date(), "long"),
            verify_url=mail.link("certificates.verify", code=codes.display(certificate.code)),
            certificates_url=mail.link("certificates.mine"))
    return mail.compose(holder.email, subject, body)


def revoked_certificate(user_id: int, course_id: str) -> Certificate | None:
    """The learner's latest revoked certificate for a course, if any."""
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id,
        Certificate.status == REVOKED).order_by(Certificate.revoked_at.desc()).limit(1))


def reissue(certificate: Certificate, actor: User, holder_name: str) -> Certificate:
    """Correct the name: a new certificate replaces this one, which points to it."""
    if certificate.status != ACTIVE:
        raise CertificateError(gettext("Only an active certificate can be reissued."))
    if not holder_name.strip():
        raise CertificateError(gettext("Enter the name as it should be printed."))
    if len(holder_name.strip()) > HOLDER_NAME_MAX_LENGTH:
        raise CertificateError(gettext("The name is too long: keep it under %(max)d characters.",
                                       max=HOLDER_NAME_MAX_LENGTH))
    user = db.session.get(User, certificate.user_id)
    course = courses.get_course(certificate.course_id)
    cohort = db.session.get(Cohort, certificate.cohort_id) if certificate.cohort_id else None
    certificate.status = SUPERSEDED
    db.session.flush()
    assert user is not None
    replacement = issue(user, course, cohort=cohort, actor_id=actor.id,
                        holder_name=holder_name.strip(), commit=False)
    certificate.superseded_by_id = replacement.id
    _record(certificate, "reissued", actor.id, f"{certificate.holder_name} -> {holder_name}")
    db.session.commit()
    return replacement
