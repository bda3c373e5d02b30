"""Emails about reform projects, each in its recipient's language, queued with the change
that caused it (the outbox sends it once that commits)."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import select

from lms import mail
from lms.accounts.models import User
from lms.capstone.models import APPROVE, Capstone, CapstoneVersion, PeerAssignment
from lms.cohorts.models import Cohort, CohortFacilitator
from lms.courses import services as courses
from lms.courses.content import Course
from lms.extensions import db

KIND = "capstone"


def _send(user: User, subject: str, body: str) -> None:
    mail.queue(mail.compose(user.email, subject, body), kind=KIND, user_id=user.id)


def _title(course: Course, language: str) -> str:
    spec = course.capstone
    return spec.title(language) if spec else course.title(language)


def review_requested(reviewer_id: int, capstone: Capstone) -> None:
    """Tell a peer a capstone waits for their review, and by when."""
    reviewer = db.session.get(User, reviewer_id)
    course = courses.get_course(capstone.course_id)
    assigned = db.session.scalar(select(PeerAssignment).where(
        PeerAssignment.capstone_id == capstone.id, PeerAssignment.reviewer_id == reviewer_id))
    if reviewer is None or assigned is None:
        return
    with force_locale(reviewer.locale):
        link = mail.link("capstone.review", course_id=course.course_id, assignment_id=assigned.id)
        subject = gettext("A peer's reform project waits for your review")
        body = gettext(
            "Hello %(name)s,\n\nA learner of your cohort has submitted their reform project "
            "(%(project)s) and you are one of its reviewers. Please score it with the rubric "
            "and leave a comment on each criterion within %(days)d days:\n\n%(link)s\n\n"
            "Thank you for helping a peer sharpen their reform.",
            name=reviewer.name, project=_title(course, reviewer.locale),
            days=course.capstone.due_days if course.capstone else 7, link=link)
    _send(reviewer, subject, body)


def submitted(capstone: Capstone, version: CapstoneVersion, course: Course) -> None:
    """Tell the cohort's facilitators a version is in (a resubmission above all)."""
    if capstone.cohort_id is None or version.number == 1:
        return  # peers review a first version before facilitators are asked to decide
    author = db.session.get(User, capstone.user_id)
    facilitators = db.session.scalars(select(User).join(
        CohortFacilitator, CohortFacilitator.user_id == User.id).where(
        CohortFacilitator.cohort_id == capstone.cohort_id))
    for facilitator in facilitators:
        with force_locale(facilitator.locale):
            subject = gettext("%(name)s resubmitted their reform project",
                              name=author.name if author else "")
            body = gettext("Hello %(name)s,\n\nVersion %(number)d of this reform project is "
                           "ready for your decision:\n\n%(link)s",
                           name=facilitator.name, number=version.number,
                           link=_cohort_link(capstone))
        _send(facilitator, subject, body)


def _cohort_link(capstone: Capstone) -> str:
    cohort = db.session.get(Cohort, capstone.cohort_id)
    slug = cohort.slug if cohort else ""
    return mail.link("capstone.cohort_capstone", slug=slug, capstone_id=capstone.id)


def peer_reviewed(capstone: Capstone) -> None:
    """Tell the author a peer's review has arrived."""
    author = db.session.get(User, capstone.user_id)
    if author is None:
        return
    with force_locale(author.locale):
        subject = gettext("A peer has reviewed your reform project")
        body = gettext("Hello %(name)s,\n\nA peer of your cohort has scored your reform project "
                       "and left comments. Read them here:\n\n%(link)s",
                       name=author.name,
                       link=mail.link("capstone.mine", course_id=capstone.course_id))
    _send(author, subject, body)


def decided(capstone: Capstone, decision: str) -> None:
    """Tell the author what the facilitator decided."""
    author = db.session.get(User, capstone.user_id)
    if author is None:
        return
    with force_locale(author.locale):
        link = mail.link("capstone.mine", course_id=capstone.course_id)
        if decision == APPROVE:
            subject = gettext("Your reform project is approved")
            body = gettext("Hello %(name)s,\n\nYour facilitator has approved your reform "
                           "project. Congratulations! Their review is here:\n\n%(link)s",
                           name=author.name, link=link)
        else:
            subject = gettext("Your facilitator asks for changes to your reform project")
            body = gettext("Hello %(name)s,\n\nYour facilitator has read your reform project "
                           "and asks for some changes. Read their feedback, revise your draft "
                           "and submit it again:\n\n%(link)s", name=author.name, link=link)
    _send(author, subject, body)
