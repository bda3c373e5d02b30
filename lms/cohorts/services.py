"""Cohorts: creating them, who may see and run them, members, schedule, join links, closing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import delete, func, select

from lms import errors, records
from lms.accounts.models import Role, User
from lms.cohorts.focus import REGIONAL, REGIONS, THEMATIC, THEMES
from lms.cohorts.models import (
    Cohort,
    CohortFacilitator,
    CohortInvitation,
    DueDate,
    FacilitatorNote,
    Membership,
)
from lms.courses import services as courses
from lms.courses.content import Course
from lms.database import insert_or_ignore
from lms.db import utcnow
from lms.events import course_standing_changed
from lms.extensions import db
from lms.i18n import format_date, name_key


class CohortError(Exception):
    """A request about a cohort that cannot be carried out; the message is shown to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(CohortError, errors.NotAllowed):
    """The user may not do this with this cohort (a 403)."""


class NotFound(CohortError, errors.NotFound):
    """No such cohort, or no such learner in it (a 404)."""


def today() -> date:
    """Today's date in UTC: due dates and inactivity are counted in whole UTC days."""
    return utcnow().date()


# --- who may do what (one function per rule) -----------------------------------------------------

def get_cohort(slug: str) -> Cohort:
    """A cohort by its slug, or NotFound."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise NotFound(slug)
    return cohort


def facilitates(user: User, cohort: Cohort) -> bool:
    """Admins run every cohort; facilitators only those they are assigned to."""
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.FACILITATOR):
        return False
    return db.session.scalar(select(CohortFacilitator.user_id).where(
        CohortFacilitator.cohort_id == cohort.id, CohortFacilitator.user_id == user.id)) is not None


def reads_shared_reflections(user: User, cohort: Cohort) -> bool:
    """Whether the user reads the reflections this cohort's members shared with its
    facilitators: only its assigned facilitators, never an admin who does not run it."""
    return db.session.scalar(select(CohortFacilitator.user_id).where(
        CohortFacilitator.cohort_id == cohort.id, CohortFacilitator.user_id == user.id)) is not None


def is_member(user_id: int, cohort: Cohort) -> bool:
    """Whether the user is a learner in the cohort."""
    return db.session.scalar(select(Membership.id).where(
        Membership.cohort_id == cohort.id, Membership.user_id == user_id)) is not None


def ensure_facilitates(user: User, cohort: Cohort) -> None:
    """NotAllowed unless the user runs this cohort (its facilitator, or an admin)."""
    if not facilitates(user, cohort):
        raise NotAllowed(gettext("Only this cohort's facilitators can do this."))


def ensure_can_view(user: User, cohort: Cohort) -> None:
    """NotAllowed unless the user is a member, a facilitator of it or an admin."""
    if not (is_member(user.id, cohort) or facilitates(user, cohort)):
        raise NotAllowed(gettext("This cohort's page is open to its members and facilitators."))


def ensure_learner_in(cohort: Cohort, learner_id: int) -> User:
    """The learner, if they are a member of the cohort; NotFound otherwise."""
    learner = db.session.get(User, learner_id)
    if learner is None or not is_member(learner_id, cohort):
        raise NotFound(str(learner_id))
    return learner


# --- listing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    members: int
    role: str  # "facilitator" or "member", from the viewer's side


def my_cohorts(user: User) -> list[CohortSummary]:
    """The cohorts a user runs (all of them for an admin) and those they belong to."""
    counts = dict(db.session.execute(
        select(Membership.cohort_id, func.count()).group_by(Membership.cohort_id)).all())
    if user.has_role(Role.ADMIN):
        run = db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc())).all()
    else:
        run = db.session.scalars(
            select(Cohort).join(CohortFacilitator, CohortFacilitator.cohort_id == Cohort.id)
            .where(CohortFacilitator.user_id == user.id).order_by(Cohort.starts_on.desc())).all()
    joined = db.session.scalars(
        select(Cohort).join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id).order_by(Cohort.starts_on.desc())).all()
    summaries = [CohortSummary(cohort, counts.get(cohort.id, 0), "facilitator") for cohort in run]
    summaries += [CohortSummary(cohort, counts.get(cohort.id, 0), "member")
                  for cohort in joined if cohort not in run]
    return summaries


def facilitators_of(cohort: Cohort) -> list[User]:
    """The cohort's facilitators, by name."""
    return sorted(db.session.scalars(
        select(User).join(CohortFacilitator, CohortFacilitator.user_id == User.id)
        .where(CohortFacilitator.cohort_id == cohort.id)), key=lambda user: name_key(user.name))


def member_count(cohort: Cohort) -> int:
    """How many learners the cohort has."""
    return db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.cohort_id == cohort.id)) or 0


def facilitator_candidates() -> list[User]:
    """Accounts that can be made facilitators of a cohort (facilitators and admins), by name."""
    return sorted(db.session.scalars(select(User).where(
        User.role.in_([Role.FACILITATOR, Role.ADMIN]))), key=lambda user: name_key(user.name))


# --- creating and editing ------------------------------------------------------------------------

@dataclass
class CohortDetails:
    name: str
    slug: str
    focus: str
    course_id: str
    starts_on: date
    ends_on: date
    requires_signoff: bool
    facilitator_ids: list[int]


def kind_of(focus: str) -> str:
    """A focus code belongs to exactly one list: that list is the cohort's kind."""
    if focus in REGIONS:
        return REGIONAL
    if focus in THEMES:
        return THEMATIC
    raise CohortError(gettext("Choose a region or a theme from the list."), "focus")


def _check_details(details: CohortDetails, cohort: Cohort | None) -> Course:
    if details.ends_on < details.starts_on:
        raise CohortError(gettext("The end date must be on or after the start date."), "ends_on")
    kind_of(details.focus)
    try:
        course = courses.get_course(details.course_id)
    except courses.NotFound as error:
        raise CohortError(gettext("Choose a course from the list."), "course_id") from error
    clash = db.session.scalar(select(Cohort.id).where(Cohort.slug == details.slug))
    if clash is not None and (cohort is None or clash != cohort.id):
        raise CohortError(gettext("Another cohort already uses this address."), "slug")
    allowed = {user.id for user in facilitator_candidates()}
    if not set(details.facilitator_ids) <= allowed:
        raise CohortError(gettext("Only facilitators and admins can facilitate a cohort."),
                          "facilitator_ids")
    return course


def default_schedule(course: Course, starts_on: date, ends_on: date) -> dict[str, date]:
    """Due dates spread evenly from the start to the end: the last lesson is due on the end."""
    span = (ends_on - starts_on).days
    count = len(course.lessons)
    return {lesson.lesson_id: starts_on + timedelta(days=round(span * (index + 1) / count))
            for index, lesson in enumerate(course.lessons)}


def create_cohort(details: CohortDetails) -> Cohort:
    """Create a cohort with its facilitators and an evenly spread schedule."""
    course = _check_details(details, None)
    cohort = Cohort(slug=details.slug, name=details.name.strip(), kind=kind_of(details.focus),
                    focus=details.focus, course_id=details.course_id,
                    starts_on=details.starts_on, ends_on=details.ends_on,
                    requires_signoff=details.requires_signoff)
    db.session.add(cohort)
    db.session.flush()
    _set_facilitators(cohort, details.facilitator_ids)
    for lesson_id, due_on in default_schedule(course, details.starts_on, details.ends_on).items():
        db.session.add(DueDate(cohort_id=cohort.id, lesson_id=lesson_id, due_on=due_on))
    db.session.flush()
    records.cohort_changed(cohort.id)
    db.session.commit()
    return cohort


def update_cohort(cohort: Cohort, details: CohortDetails) -> None:
    """Change a cohort's details (admins); due dates outside the new dates are pulled in."""
    _check_details(details, cohort)
    if details.course_id != cohort.course_id and member_count(cohort):
        raise CohortError(gettext("The course cannot change once the cohort has members."),
                          "course_id")
    course_changed = details.course_id != cohort.course_id
    cohort.name, cohort.slug = details.name.strip(), details.slug
    cohort.kind, cohort.focus = kind_of(details.focus), details.focus
    cohort.course_id, cohort.requires_signoff = details.course_id, details.requires_signoff
    cohort.starts_on, cohort.ends_on = details.starts_on, details.ends_on
    records.changed(facilitator_ids(cohort))  # those no longer facilitating it, too
    _set_facilitators(cohort, details.facilitator_ids)
    if course_changed:
        db.session.execute(delete(DueDate).where(DueDate.cohort_id == cohort.id))
        course = courses.get_course(cohort.course_id)
        for lesson_id, due_on in default_schedule(course, cohort.starts_on,
                                                  cohort.ends_on).items():
            db.session.add(DueDate(cohort_id=cohort.id, lesson_id=lesson_id, due_on=due_on))
    else:
        for due in db.session.scalars(select(DueDate).where(DueDate.cohort_id == cohort.id)):
            due.due_on = min(max(due.due_on, cohort.starts_on), cohort.ends_on)
    db.session.flush()
    records.cohort_changed(cohort.id)
    db.session.commit()


def _set_facilitators(cohort: Cohort, user_ids: list[int]) -> None:
    db.session.execute(delete(CohortFacilitator).where(CohortFacilitator.cohort_id == cohort.id))
    for user_id in sorted(set(user_ids)):
        db.session.add(CohortFacilitator(cohort_id=cohort.id, user_id=user_id))


def facilitator_ids(cohort: Cohort) -> list[int]:
    return list(db.session.scalars(select(CohortFacilitator.user_id)
                                   .where(CohortFacilitator.cohort_id == cohort.id)))


# --- schedule ------------------------------------------------------------------------------------

def schedule(cohort: Cohort) -> dict[str, date]:
    """Each lesson's due date in this cohort, by lesson id."""
    return dict(db.session.execute(select(DueDate.lesson_id, DueDate.due_on)
                                   .where(DueDate.cohort_id == cohort.id)).all())


def due_dates_for(user_id: int, course_id: str) -> dict[str, date]:
    """When each lesson of a course is due for a learner: the earliest date among the open
    cohorts of that course they belong to (empty outside any cohort). One query."""
    due: dict[str, date] = {}
    for lesson_id, due_on in db.session.execute(
            select(DueDate.lesson_id, DueDate.due_on)
            .join(Cohort, Cohort.id == DueDate.cohort_id)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .where(Membership.user_id == user_id, Cohort.course_id == course_id,
                   Cohort.closed_at.is_(None))):
        due[lesson_id] = min(due_on, due.get(lesson_id, due_on))
    return due


def set_schedule(cohort: Cohort, due_dates: dict[str, date]) -> None:
    """Replace the schedule; every date must fall within the cohort's dates."""
    course = courses.get_course(cohort.course_id)
    for lesson in course.lessons:
        due_on = due_dates.get(lesson.lesson_id)
        if due_on is None:
            raise CohortError(gettext("Give every lesson a due date."), lesson.lesson_id)
        if due_on > cohort.ends_on:
            raise CohortError(gettext("This date is after the cohort ends (%(end)s).",
                                      end=format_date(cohort.ends_on)), lesson.lesson_id)
        if due_on < cohort.starts_on:
            raise CohortError(gettext("This date is before the cohort starts (%(start)s).",
                                      start=format_date(cohort.starts_on)), lesson.lesson_id)
    db.session.execute(delete(DueDate).where(DueDate.cohort_id == cohort.id))
    for lesson in course.lessons:
        db.session.add(DueDate(cohort_id=cohort.id, lesson_id=lesson.lesson_id,
                               due_on=due_dates[lesson.lesson_id]))
    records.cohort_changed(cohort.id)
    db.session.commit()


# --- members -------------------------------------------------------------------------------------

def add_member(cohort: Cohort, user_id: int) -> bool:
    """Add a learner (idempotent); True if they were not a member yet. The caller commits."""
    added = insert_or_ignore(Membership, {"cohort_id": cohort.id, "user_id": user_id,
                                          "joined_at": utcnow()}, ["cohort_id", "user_id"])
    if added:
        records.changed([user_id])
    return added


def remove_member(cohort: Cohort, learner_id: int) -> None:
    """Take a learner out of a cohort; their learning records stay."""
    ensure_learner_in(cohort, learner_id)
    membership = db.session.scalar(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.user_id == learner_id))
    if membership is not None and membership.graduated_at is not None:
        raise CohortError(gettext("A graduate stays in the cohort's record."))
    db.session.execute(delete(Membership).where(Membership.cohort_id == cohort.id,
                                                Membership.user_id == learner_id))
    records.changed([learner_id])
    db.session.commit()


def rotate_join_code(cohort: Cohort) -> str:
    """A new join code; the old link stops working."""
    cohort.join_code = secrets.token_urlsafe(12)
    db.session.commit()
    return cohort.join_code


def disable_join_code(cohort: Cohort) -> None:
    """Switch the join link off."""
    cohort.join_code = None
    db.session.commit()


def cohort_for_code(code: str) -> Cohort:
    """The open cohort this join code belongs to, or NotFound."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.join_code == code)) if code else None
    if cohort is None or cohort.closed_at is not None:
        raise NotFound(code)
    return cohort


def join(cohort: Cohort, user: User) -> bool:
    """Join by link; True if newly a member (an invitation to the cohort is then answered)."""
    added = add_member(cohort, user.id)
    db.session.execute(delete(CohortInvitation).where(CohortInvitation.cohort_id == cohort.id,
                                                      CohortInvitation.user_id == user.id))
    db.session.commit()
    return added


# --- facilitation --------------------------------------------------------------------------------

def add_note(cohort: Cohort, learner_id: int, author: User, text: str) -> None:
    """A private note about a learner, for the cohort's facilitators."""
    ensure_learner_in(cohort, learner_id)
    text = text.strip()
    if not text:
        raise CohortError(gettext("Write the note before saving it."), "text")
    if len(text) > 5000:
        raise CohortError(gettext("Keep the note under 5,000 characters."), "text")
    db.session.add(FacilitatorNote(cohort_id=cohort.id, learner_id=learner_id,
                                   author_id=author.id, text=text))
    db.session.commit()


def notes_about(cohort: Cohort, learner_id: int) -> list[tuple[FacilitatorNote, str]]:
    """Notes about a learner in this cohort, newest first, with their authors' names."""
    return [(note, name) for note, name in db.session.execute(
        select(FacilitatorNote, User.name).join(User, User.id == FacilitatorNote.author_id)
        .where(FacilitatorNote.cohort_id == cohort.id, FacilitatorNote.learner_id == learner_id)
        .order_by(FacilitatorNote.created_at.desc(), FacilitatorNote.id.desc())).all()]


def membership_of(cohort: Cohort, learner_id: int) -> Membership:
    membership = db.session.scalar(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.user_id == learner_id))
    if membership is None:
        raise NotFound(str(learner_id))
    return membership


def sign_off(cohort: Cohort, learner_id: int, facilitator: User, confirmed: bool) -> None:
    """Record (or withdraw) the facilitator's confirmation of the learner's participation."""
    membership = membership_of(cohort, learner_id)
    if confirmed:
        membership.signed_off_at = membership.signed_off_at or utcnow()
        membership.signed_off_by = membership.signed_off_by or facilitator.id
    else:
        membership.signed_off_at = None
        membership.signed_off_by = None
    records.changed([learner_id])
    db.session.commit()
    course_standing_changed.send(None, user_id=learner_id, course_id=cohort.course_id)


def close_cohort(cohort: Cohort) -> int:
    """Close the cohort: members who completed the course become its graduates. Returns how many."""
    if cohort.closed_at is not None:
        raise CohortError(gettext("This cohort is already closed."))
    course = courses.get_course(cohort.course_id)
    now = utcnow()
    graduates = 0
    members = db.session.scalars(select(Membership).where(Membership.cohort_id == cohort.id))
    completed = courses.completed_learners(course, select(Membership.user_id).where(
        Membership.cohort_id == cohort.id))
    for membership in members:
        if membership.user_id in completed:
            membership.graduated_at = membership.graduated_at or now
            graduates += 1
    cohort.closed_at = now
    cohort.join_code = None
    db.session.flush()
    records.cohort_changed(cohort.id)
    db.session.commit()
    return graduates
