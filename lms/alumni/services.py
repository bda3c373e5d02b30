"""Alumni: who may use the network, profiles and consent, messages between alumni, and each
person's own data (export, deletion)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import delete, func, select

from lms import mail
from lms.accounts.models import User
from lms.alumni import directory
from lms.alumni.models import (
    HIDDEN,
    LISTED,
    VISIBILITIES,
    AlumniMessage,
    AlumniProfile,
    OutcomeStory,
)
from lms.capstone.profile import export as capstone_export
from lms.certificates.models import ACTIVE, Certificate
from lms.cohorts.models import Cohort, FacilitatorNote, Membership, Reminder
from lms.courses.models import LessonProgress, QuizAttempt, Reflection
from lms.db import utcnow
from lms.extensions import db

MESSAGES_PER_DAY = 10


class AlumniError(Exception):
    """A request about the alumni network that cannot be carried out (shown to the user)."""


class NotAllowed(AlumniError):
    """Not for this user (403)."""


class NotFound(AlumniError):
    """No such listed alumnus or message, as far as this user may know (404)."""


class MessagesOff(AlumniError):
    """The recipient does not accept messages (409)."""


class TooManyMessages(AlumniError):
    """The sender reached the daily limit (429)."""


# --- Who may use the network --------------------------------------------------------------------

def can_use_directory(user: User) -> bool:
    """Alumni, facilitators and admins may open the directory and profiles."""
    return user.has_role("facilitator") or directory.is_alumnus(user.id)


def ensure_directory_access(user: User) -> None:
    """Refuse learners who have not graduated (403)."""
    if not can_use_directory(user):
        raise NotAllowed(gettext("The alumni network is open to programme graduates, "
                                 "facilitators and the programme team.") + " " + gettext(
            "You become an alumnus when you graduate from a cohort: complete every lesson of "
            "its course before the cohort closes. A valid certificate of a programme course "
            "counts too."))


def ensure_alumnus(user: User) -> None:
    """Refuse anyone who is not an alumnus (a profile is for alumni only)."""
    if not directory.is_alumnus(user.id):
        raise NotAllowed(gettext("Profiles are for programme graduates: you can create one "
                                 "once you graduate from a cohort."))


# --- Profiles -----------------------------------------------------------------------------------

@dataclass
class ProfileDetails:
    headline: str
    organisation: str
    country: str | None
    languages: list[str]
    themes: list[str]
    bio: str
    website: str | None
    open_to_exchange: bool
    accepts_messages: bool
    visibility: str


def my_profile(user: User) -> AlumniProfile:
    """The user's profile, or a new hidden one filled in from their account (not yet saved)."""
    profile = db.session.get(AlumniProfile, user.id)
    if profile is None:
        profile = AlumniProfile(user_id=user.id, organisation=user.organisation,
                                country=user.country, languages=[], themes=[], bio="",
                                open_to_exchange=False, accepts_messages=True,
                                visibility=HIDDEN)
    return profile


def save_profile(user: User, details: ProfileDetails) -> AlumniProfile:
    """Save an alumnus's profile; a change of visibility is recorded with its time."""
    ensure_alumnus(user)
    if details.visibility not in VISIBILITIES:
        raise AlumniError(gettext("Choose who can see your profile."))
    profile = db.session.get(AlumniProfile, user.id)
    now = utcnow()
    if profile is None:
        profile = AlumniProfile(user_id=user.id, created_at=now)
        db.session.add(profile)
        profile.visibility = HIDDEN
    if details.visibility != profile.visibility or profile.visibility_changed_at is None:
        profile.visibility_changed_at = now
    for name, value in vars(details).items():
        setattr(profile, name, value)
    profile.updated_at = now
    return profile


def delete_profile(user: User) -> None:
    """Remove the profile and the messages its owner sent; learning records and certificates
    stay."""
    db.session.execute(delete(AlumniMessage).where(AlumniMessage.sender_id == user.id))
    profile = db.session.get(AlumniProfile, user.id)
    if profile is not None:
        db.session.delete(profile)


@dataclass
class PublicProfile:
    """What a listed alumnus shows to the network, and nothing else."""

    user_id: int
    name: str
    headline: str
    organisation: str
    country: str | None
    languages: list[str]
    themes: list[str]
    bio: str
    website: str | None
    open_to_exchange: bool
    accepts_messages: bool
    cohorts: list[Cohort]
    certificates: list[Certificate]


def public_profile(user_id: int) -> PublicProfile:
    """A listed alumnus's profile (NotFound for anyone hidden, unknown or not an alumnus)."""
    entry = directory.listing(user_id)
    profile = db.session.get(AlumniProfile, user_id)
    if entry is None or profile is None or profile.visibility != LISTED:
        raise NotFound(gettext("There is no such profile in the alumni network."))
    cohorts = list(db.session.scalars(
        select(Cohort).join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user_id, Membership.graduated_at.is_not(None))
        .order_by(Cohort.ends_on.desc())))
    certificates = list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.status == ACTIVE)
        .order_by(Certificate.issued_at.desc())))
    now = utcnow()
    return PublicProfile(
        user_id=user_id, name=entry.name, headline=profile.headline,
        organisation=profile.organisation, country=profile.country,
        languages=list(profile.languages or []), themes=list(profile.themes or []),
        bio=profile.bio, website=profile.website, open_to_exchange=profile.open_to_exchange,
        accepts_messages=profile.accepts_messages, cohorts=cohorts,
        certificates=[certificate for certificate in certificates
                      if certificate.expires_at is None or certificate.expires_at > now])


# --- Messages -----------------------------------------------------------------------------------

def messages_sent_today(sender_id: int) -> int:
    """How many messages the sender sent in the last 24 hours."""
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(select(func.count()).select_from(AlumniMessage).where(
        AlumniMessage.sender_id == sender_id, AlumniMessage.sent_at > since)) or 0


def send_message(sender: User, recipient_id: int, body: str) -> AlumniMessage:
    """Store a message to a listed alumnus and email it to them, with a link that shows them
    the sender's address; the sender never learns the recipient's."""
    ensure_directory_access(sender)
    profile = public_profile(recipient_id)
    if recipient_id == sender.id:
        raise AlumniError(gettext("This is your own profile: you cannot send yourself a "
                                  "message."))
    if not profile.accepts_messages:
        raise MessagesOff(gettext("%(name)s does not accept messages at the moment.",
                                  name=profile.name))
    # One sender's messages are counted one at a time (a row lock on PostgreSQL; SQLite
    # writes one transaction at a time), so parallel requests cannot pass the limit together.
    db.session.execute(select(User.id).where(User.id == sender.id).with_for_update())
    if messages_sent_today(sender.id) >= MESSAGES_PER_DAY:
        raise TooManyMessages(gettext(
            "You have sent %(limit)d messages in the last 24 hours, the most the network "
            "allows. Please try again tomorrow.", limit=MESSAGES_PER_DAY))
    message = AlumniMessage(sender_id=sender.id, recipient_id=recipient_id, body=body,
                            sent_at=utcnow())
    db.session.add(message)
    db.session.flush()
    recipient = db.session.get_one(User, recipient_id)
    with force_locale(recipient.locale):
        link = mail.link("alumni.message", message_id=message.id)
        settings = mail.link("alumni.me")
        subject = gettext("%(name)s sent you a message through the alumni network",
                          name=sender.name)
        text = gettext(
            "%(name)s wrote to you through the Open Government alumni network:\n\n"
            "%(body)s\n\n"
            "To reply, open this page: it shows you their email address.\n%(link)s\n\n"
            "Your own address has not been shared with them. You can stop receiving messages "
            "from your profile page: %(settings)s",
            name=sender.name, body=body, link=link, settings=settings)
    mail.queue(mail.compose(recipient.email, subject, text), kind="alumni_message",
               user_id=recipient.id)
    return message


def message_for_recipient(user: User, message_id: int) -> tuple[AlumniMessage, User]:
    """A message and its sender, for its recipient only (NotFound for anyone else)."""
    message = db.session.get(AlumniMessage, message_id)
    if message is None or message.recipient_id != user.id:
        raise NotFound(gettext("There is no such message."))
    return message, db.session.get_one(User, message.sender_id)


# --- Export -------------------------------------------------------------------------------------

def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(statement: Any) -> list[dict[str, Any]]:
    return [{key: _iso(value) for key, value in row._mapping.items()}
            for row in db.session.execute(statement)]


def export(user: User) -> dict[str, Any]:
    """Everything the platform holds about a person, as plain JSON-ready values."""
    profile = db.session.get(AlumniProfile, user.id)
    sender = User.__table__.alias("sender")
    recipient = User.__table__.alias("recipient")
    return {
        "exported_at": _iso(utcnow()),
        "account": {
            "name": user.name, "email": user.email, "role": user.role.value,
            "country": user.country, "organisation": user.organisation,
            "language": user.locale, "created_at": _iso(user.created_at),
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "last_sign_in_at": _iso(user.last_sign_in_at)},
        "alumni_profile": None if profile is None else {
            "headline": profile.headline, "organisation": profile.organisation,
            "country": profile.country, "languages": profile.languages,
            "themes": profile.themes, "bio": profile.bio, "website": profile.website,
            "open_to_exchange": profile.open_to_exchange,
            "accepts_messages": profile.accepts_messages, "visibility": profile.visibility,
            "visibility_changed_at": _iso(profile.visibility_changed_at),
            "created_at": _iso(profile.created_at), "updated_at": _iso(profile.updated_at)},
        "cohorts": _rows(
            select(Cohort.name.label("cohort"), Cohort.slug, Membership.joined_at,
                   Membership.signed_off_at, Membership.graduated_at)
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .where(Membership.user_id == user.id).order_by(Membership.joined_at)),
        "lesson_progress": _rows(
            select(LessonProgress.course_id, LessonProgress.lesson_id,
                   LessonProgress.started_at, LessonProgress.completed_at)
            .where(LessonProgress.user_id == user.id).order_by(LessonProgress.id)),
        "knowledge_check_answers": _rows(
            select(QuizAttempt.course_id, QuizAttempt.lesson_id, QuizAttempt.quiz_id,
                   QuizAttempt.attempt, QuizAttempt.answer, QuizAttempt.correct,
                   QuizAttempt.created_at)
            .where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id)),
        "reflections": _rows(
            select(Reflection.course_id, Reflection.lesson_id, Reflection.reflection_id,
                   Reflection.text, Reflection.visibility, Reflection.created_at,
                   Reflection.updated_at)
            .where(Reflection.user_id == user.id).order_by(Reflection.id)),
        "certificates": _rows(
            select(Certificate.code, Certificate.holder_name, Certificate.course_title,
                   Certificate.cohort_name, Certificate.language, Certificate.issued_at,
                   Certificate.expires_at, Certificate.status, Certificate.revoked_at,
                   Certificate.revocation_reason)
            .where(Certificate.user_id == user.id).order_by(Certificate.id)),
        "facilitator_notes_about_you": _rows(
            select(Cohort.name.label("cohort"), FacilitatorNote.text, FacilitatorNote.created_at)
            .join(Cohort, Cohort.id == FacilitatorNote.cohort_id)
            .where(FacilitatorNote.learner_id == user.id).order_by(FacilitatorNote.id)),
        "reminders_received": _rows(
            select(Reminder.subject, Reminder.body, Reminder.sent_at)
            .where(Reminder.learner_id == user.id).order_by(Reminder.id)),
        "outcome_stories": _rows(
            select(OutcomeStory.what_changed, OutcomeStory.who_changed, OutcomeStory.happened_on,
                   OutcomeStory.contribution, OutcomeStory.theme, OutcomeStory.country,
                   OutcomeStory.evidence, OutcomeStory.visibility, OutcomeStory.verified_at,
                   OutcomeStory.created_at)
            .where(OutcomeStory.user_id == user.id).order_by(OutcomeStory.id)),
        "messages_sent": _rows(
            select(recipient.c.name.label("to"), AlumniMessage.body, AlumniMessage.sent_at)
            .join(recipient, recipient.c.id == AlumniMessage.recipient_id)
            .where(AlumniMessage.sender_id == user.id).order_by(AlumniMessage.id)),
        "messages_received": _rows(
            select(sender.c.name.label("from"), AlumniMessage.body, AlumniMessage.sent_at)
            .join(sender, sender.c.id == AlumniMessage.sender_id)
            .where(AlumniMessage.recipient_id == user.id).order_by(AlumniMessage.id)),
        **capstone_export(user.id),
    }
