"""The reform project: who may see what, drafting and submitting, reviews and decisions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import records
from lms.accounts.models import User
from lms.capstone import assignment, notices
from lms.capstone.models import (
    APPROVE,
    APPROVED,
    ASK_CHANGES,
    CHANGES_REQUESTED,
    DRAFT,
    FACILITATOR,
    PEER,
    SUBMITTED,
    Capstone,
    CapstoneCohortSetting,
    CapstoneReview,
    CapstoneVersion,
    PeerAssignment,
)
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, Membership
from lms.cohorts.services import NotAllowed, NotFound
from lms.courses import services as courses
from lms.courses.capstone_content import CapstoneSpec
from lms.courses.content import Course
from lms.db import utcnow
from lms.events import course_standing_changed
from lms.extensions import db
from lms.xapi import services as xapi

__all__ = ["NotAllowed", "NotFound"]
COMMENT_MAX_LENGTH = 20_000
# Control characters other than tab and line breaks: nobody types them, and they break mail
# and spreadsheets.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Links in Markdown (`[a](x:...)`, `<x:...>`, `href="x:..."`) and the scheme they use.
_LINK_SCHEMES = re.compile(r"(?:\]\(\s*<?|<|href\s*=\s*[\"']?\s*)([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = ("http", "https", "mailto")


class CapstoneError(Exception):
    """A request that cannot be carried out; the message is shown, on `field` if given."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class FieldErrors(CapstoneError):
    """Several fields were refused at once (field -> message)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def text_problem(text: str, max_length: int) -> str | None:
    """Why a typed text cannot be kept (too long, control characters, unsafe links), or None."""
    if len(text) > max_length:
        return str(gettext("Keep this under %(num)s characters (it has %(count)s).",
                           num=f"{max_length:,}", count=f"{len(text):,}"))
    if _CONTROL.search(text):
        return str(gettext("Remove the invisible control characters from this text."))
    if any(scheme.lower() not in SAFE_SCHEMES for scheme in _LINK_SCHEMES.findall(text)):
        return str(gettext("Links must start with https://, http:// or mailto:."))
    return None


# --- who may see what (one function per rule) -----------------------------------------------

def spec_of(course_id: str) -> tuple[Course, CapstoneSpec]:
    """The course and its capstone; NotFound if either is missing."""
    try:
        course = courses.get_course(course_id)
    except courses.NotFound as error:
        raise NotFound(course_id) from error
    if course.capstone is None:
        raise NotFound(course_id)
    return course, course.capstone


def capstone_of(user_id: int, course_id: str) -> Capstone | None:
    """The learner's own capstone for a course, if they started one."""
    return db.session.scalar(select(Capstone).where(Capstone.user_id == user_id,
                                                    Capstone.course_id == course_id))


def ensure_assigned(user: User, course_id: str, assignment_id: int) -> PeerAssignment:
    """The user's current assignment to review a capstone of this course; NotFound for anyone
    else, and for an assignment handed to another peer."""
    found = db.session.scalar(
        select(PeerAssignment).join(Capstone, Capstone.id == PeerAssignment.capstone_id)
        .where(PeerAssignment.id == assignment_id, PeerAssignment.reviewer_id == user.id,
               PeerAssignment.replaced_at.is_(None), Capstone.course_id == course_id))
    if found is None:
        raise NotFound(str(assignment_id))
    return found


def ensure_in_cohort(cohort: Cohort, capstone_id: int) -> Capstone:
    """A capstone submitted in this cohort (the caller has checked who runs it); NotFound else."""
    capstone = db.session.get(Capstone, capstone_id)
    if capstone is None or capstone.cohort_id != cohort.id or capstone.state == DRAFT:
        raise NotFound(str(capstone_id))
    return capstone


def current_cohort(user_id: int, course_id: str) -> Cohort | None:
    """The open cohort of this course the learner belongs to (the latest to start)."""
    return db.session.scalar(
        select(Cohort).join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user_id, Cohort.course_id == course_id,
               Cohort.closed_at.is_(None)).order_by(Cohort.starts_on.desc()).limit(1))


def is_anonymous(cohort_id: int | None) -> bool:
    """Whether authors in this cohort see their reviewers' names (anonymous unless set)."""
    if cohort_id is None:
        return True
    setting = db.session.get(CapstoneCohortSetting, cohort_id)
    return True if setting is None else setting.peer_review_anonymous


def set_anonymous(cohort: Cohort, anonymous: bool) -> None:
    """A facilitator's choice: do authors see who reviewed them?"""
    setting = db.session.get(CapstoneCohortSetting, cohort.id)
    if setting is None:
        db.session.add(CapstoneCohortSetting(cohort_id=cohort.id, peer_review_anonymous=anonymous))
    else:
        setting.peer_review_anonymous = anonymous
    db.session.commit()


# --- drafting and submitting ------------------------------------------------------------------

def check_fields(spec: CapstoneSpec, values: dict[str, str], *, complete: bool) -> dict[str, str]:
    """The template's fields, stripped; FieldErrors names each refused one."""
    cleaned = {item.field_id: (values.get(item.field_id) or "").strip() for item in spec.fields}
    errors = {}
    for item in spec.fields:
        text = cleaned[item.field_id]
        problem = text_problem(text, item.max_length)
        if problem is None and complete and not text:
            problem = gettext("Fill in this part before you submit.")
        if problem:
            errors[item.field_id] = problem
    if errors:
        raise FieldErrors(errors)
    return cleaned


def _editable(user: User, course_id: str) -> Capstone:
    capstone = capstone_of(user.id, course_id)
    if capstone is None:
        capstone = Capstone(user_id=user.id, course_id=course_id, state=DRAFT, draft={})
        db.session.add(capstone)
        try:
            db.session.flush()
        except IntegrityError:  # started at the same moment in another tab
            db.session.rollback()
            capstone = capstone_of(user.id, course_id)
            assert capstone is not None
    if capstone.state not in (DRAFT, CHANGES_REQUESTED):
        raise CapstoneError(gettext("This version is with its reviewers: you can edit it again "
                                    "if changes are asked for."))
    return capstone


def save_draft(user: User, course_id: str, values: dict[str, str]) -> Capstone:
    """Keep the draft as typed (empty parts allowed); nothing is saved if a part is refused."""
    _, spec = spec_of(course_id)
    cleaned = check_fields(spec, values, complete=False)
    capstone = _editable(user, course_id)
    capstone.draft = cleaned
    capstone.updated_at = utcnow()
    records.changed([user.id])
    db.session.commit()
    return capstone


def submit(user: User, course_id: str, values: dict[str, str]) -> CapstoneVersion:
    """Submit the draft as a new version: peers are assigned on the first one (and this
    learner picks up peers' capstones waiting for reviewers); later ones go to facilitators."""
    course, spec = spec_of(course_id)
    cleaned = check_fields(spec, values, complete=True)
    cohort = current_cohort(user.id, course_id)
    existing = capstone_of(user.id, course_id)
    if cohort is None and (existing is None or existing.cohort_id is None):
        raise CapstoneError(gettext("Join a cohort of this course to submit your project: "
                                    "its peers and facilitators review it."))
    capstone = _editable(user, course_id)
    number = (db.session.scalar(select(func.max(CapstoneVersion.number))
                                .where(CapstoneVersion.capstone_id == capstone.id)) or 0) + 1
    version = CapstoneVersion(capstone_id=capstone.id, number=number, fields=cleaned)
    db.session.add(version)
    capstone.draft, capstone.state, capstone.updated_at = cleaned, SUBMITTED, utcnow()
    if capstone.cohort_id is None:
        capstone.cohort_id = cohort.id if cohort else None
    try:
        db.session.flush()
    except IntegrityError as error:  # the same draft submitted twice at once
        db.session.rollback()
        raise CapstoneError(gettext("This version was already submitted.")) from error
    if number == 1 and spec.peer_review:
        assignment.assign_reviewers(capstone, version, spec)
        assignment.pick_up_waiting(user.id, capstone, spec)
    notices.submitted(capstone, version, course)
    records.changed([user.id])
    db.session.commit()
    return version


def set_show_on_profile(user: User, course_id: str, show: bool) -> None:
    """The learner's choice to show their approved project on their alumni profile."""
    capstone = capstone_of(user.id, course_id)
    if capstone is None or capstone.state != APPROVED:
        raise CapstoneError(gettext("Only an approved project can be shown on your profile."))
    capstone.show_on_profile = show
    records.changed([user.id])
    db.session.commit()


# --- reading ----------------------------------------------------------------------------------

def versions_of(capstone: Capstone) -> list[CapstoneVersion]:
    """Every submitted version, the latest first."""
    return list(db.session.scalars(select(CapstoneVersion).where(
        CapstoneVersion.capstone_id == capstone.id).order_by(CapstoneVersion.number.desc())))


@dataclass(frozen=True)
class ReviewView:
    review: CapstoneReview
    version_number: int
    reviewer_name: str | None  # None when the cohort keeps peer reviewers anonymous


def reviews_of(capstone: Capstone, *, for_author: bool) -> list[ReviewView]:
    """The reviews of every version, newest first; peers' names hidden from the author when
    the cohort keeps them anonymous (facilitators' names are always shown)."""
    anonymous = for_author and is_anonymous(capstone.cohort_id)
    return [ReviewView(review, number, None if anonymous and review.role == PEER else name)
            for review, number, name in db.session.execute(
                select(CapstoneReview, CapstoneVersion.number, User.name)
                .join(CapstoneVersion, CapstoneVersion.id == CapstoneReview.version_id)
                .join(User, User.id == CapstoneReview.reviewer_id)
                .where(CapstoneReview.capstone_id == capstone.id)
                .order_by(CapstoneReview.created_at.desc(), CapstoneReview.id.desc()))]


def peer_assignments_of(capstone: Capstone) -> list[tuple[PeerAssignment, str]]:
    """Every peer asked to review the capstone (replaced ones too), with their names."""
    return [(row, name) for row, name in db.session.execute(
        select(PeerAssignment, User.name).join(User, User.id == PeerAssignment.reviewer_id)
        .where(PeerAssignment.capstone_id == capstone.id).order_by(PeerAssignment.id))]


@dataclass(frozen=True)
class Assigned:
    assignment: PeerAssignment
    title: str
    overdue: bool


def my_assignments(user: User, course_id: str) -> list[Assigned]:
    """The capstones I am asked to review in this course (current assignments only)."""
    now = utcnow()
    return [Assigned(row, str((version.fields or {}).get("title") or ""),
                     row.done_at is None and row.due_at < now)
            for row, version in db.session.execute(
                select(PeerAssignment, CapstoneVersion)
                .join(Capstone, Capstone.id == PeerAssignment.capstone_id)
                .join(CapstoneVersion, CapstoneVersion.id == PeerAssignment.version_id)
                .where(PeerAssignment.reviewer_id == user.id, Capstone.course_id == course_id,
                       PeerAssignment.replaced_at.is_(None))
                .order_by(PeerAssignment.done_at.is_not(None), PeerAssignment.due_at))]


def version_of(assigned: PeerAssignment) -> CapstoneVersion:
    version = db.session.get(CapstoneVersion, assigned.version_id)
    assert version is not None
    return version


def review_by(version_id: int, reviewer_id: int) -> CapstoneReview | None:
    return db.session.scalar(select(CapstoneReview).where(
        CapstoneReview.version_id == version_id, CapstoneReview.reviewer_id == reviewer_id))


# --- reviewing --------------------------------------------------------------------------------

@dataclass
class Scoring:
    scores: dict[str, str]
    comments: dict[str, str]
    overall: str


def check_scoring(spec: CapstoneSpec, scoring: Scoring, *, comments_required: bool,
                  overall_required: bool) -> tuple[dict[str, int], dict[str, str], str]:
    """Scores on the rubric's levels, comments within bounds; FieldErrors otherwise (field
    names: score-<criterion>, comment-<criterion>, overall)."""
    errors: dict[str, str] = {}
    scores, comments = {}, {}
    for criterion in spec.rubric:
        key = criterion.criterion_id
        typed = (scoring.scores.get(key) or "").strip()
        if typed not in {str(score) for score in criterion.scores}:
            errors[f"score-{key}"] = gettext("Choose a level for this criterion.")
        else:
            scores[key] = int(typed)
        comment = (scoring.comments.get(key) or "").strip()
        problem = text_problem(comment, COMMENT_MAX_LENGTH)
        if problem is None and comments_required and not comment:
            problem = gettext("Say why, in a sentence or two.")
        if problem:
            errors[f"comment-{key}"] = problem
        comments[key] = comment
    overall = scoring.overall.strip()
    problem = text_problem(overall, COMMENT_MAX_LENGTH)
    if problem is None and overall_required and not overall:
        problem = gettext("Write your feedback for the learner.")
    if problem:
        errors["overall"] = problem
    if errors:
        raise FieldErrors(errors)
    return scores, comments, overall


def peer_review(user: User, assigned: PeerAssignment, scoring: Scoring) -> CapstoneReview:
    """A peer's review of the version they were assigned: once, never edited."""
    capstone = db.session.get(Capstone, assigned.capstone_id)
    assert capstone is not None
    _, spec = spec_of(capstone.course_id)
    scores, comments, overall = check_scoring(spec, scoring, comments_required=True,
                                              overall_required=False)
    if assigned.done_at is not None:
        raise CapstoneError(gettext("You have already reviewed this project."))
    review = CapstoneReview(capstone_id=capstone.id, version_id=assigned.version_id,
                            reviewer_id=user.id, role=PEER, scores=scores, comments=comments,
                            overall=overall)
    db.session.add(review)
    assigned.done_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError as error:  # a double-click: the first one counts
        db.session.rollback()
        raise CapstoneError(gettext("You have already reviewed this project.")) from error
    notices.peer_reviewed(capstone)
    records.changed([user.id, capstone.user_id])
    db.session.commit()
    return review


def decide(facilitator: User, cohort: Cohort, capstone: Capstone, scoring: Scoring,
           decision: str) -> CapstoneReview:
    """The facilitator's review of the latest version: approve it, or ask for changes."""
    cohorts.ensure_facilitates(facilitator, cohort)
    spec_course, spec = spec_of(capstone.course_id)
    if decision not in (APPROVE, ASK_CHANGES):
        raise FieldErrors({"decision": gettext("Choose to approve or to ask for changes.")})
    scores, comments, overall = check_scoring(spec, scoring, comments_required=False,
                                              overall_required=decision == ASK_CHANGES)
    if capstone.state != SUBMITTED:
        raise CapstoneError(gettext("This version has already been decided on."))
    latest = versions_of(capstone)[0]
    review = CapstoneReview(capstone_id=capstone.id, version_id=latest.id,
                            reviewer_id=facilitator.id, role=FACILITATOR, scores=scores,
                            comments=comments, overall=overall, decision=decision)
    db.session.add(review)
    capstone.state = APPROVED if decision == APPROVE else CHANGES_REQUESTED
    capstone.approved_at = utcnow() if decision == APPROVE else None
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise CapstoneError(gettext("This version has already been decided on.")) from error
    notices.decided(capstone, decision)
    if decision == APPROVE:
        xapi.capstone_approved(capstone, spec_course)
    records.changed([capstone.user_id])
    db.session.commit()
    if decision == APPROVE:  # the certificate may now be earned
        course_standing_changed.send(None, user_id=capstone.user_id, course_id=capstone.course_id)
    return review


def approved_among(user_ids: list[int], course_id: str) -> set[int]:
    """Which of these learners hold an approved capstone for the course (one query)."""
    if not user_ids:
        return set()
    return set(db.session.scalars(select(Capstone.user_id).where(
        Capstone.user_id.in_(user_ids), Capstone.course_id == course_id,
        Capstone.state == APPROVED)))
