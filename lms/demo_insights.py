"""Demo data for the programme insights: self-assessments before and after the course in every
cohort, and a dozen outcome stories by listed alumni (some verified, some shown to alumni)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from lms.accounts.models import User
from lms.extensions import db

COURSE = "open-government-101"
# learner@demo.test has finished the course: their second self-assessment is left for them.
LEAVE_AFTER_OPEN = frozenset({"learner@demo.test"})

# (what changed, who changed it, the alumnus's contribution, months ago, shown to alumni,
#  verified)
STORIES = (
    ("Every public procurement contract above 10,000 euros is now published on the open data "
     "portal within a week of signature.", "Ministry of Finance",
     "I drafted the publication guideline and trained the procurement officers.", 14, True, True),
    ("The city council set aside 5% of its capital budget for projects chosen by residents.",
     "City council", "I designed the neighbourhood assemblies with two civil society partners.",
     11, True, True),
    ("Senior officials' asset declarations are published as open data that journalists can "
     "search.", "Anti-corruption agency",
     "I led the working group that chose the data format.", 9, False, True),
    ("A forum of government and civil society now meets every quarter to follow the action "
     "plan, with minutes published.", "Office of the Prime Minister",
     "I proposed the forum's rules and chair its secretariat.", 16, True, False),
    ("Anonymised court decisions are published online within 30 days.", "Judicial council",
     "I negotiated the anonymisation rules with the judges' association.", 7, False, False),
    ("Air-quality sensor data is opened in real time, with an alert for schools.",
     "Ministry of Environment", "I wrote the data-sharing agreement with the municipalities.",
     5, True, True),
    ("Companies bidding for public contracts must now name their beneficial owners in a public "
     "register.", "Public procurement office",
     "I coordinated the consultation of business associations.", 12, False, True),
    ("The statistics office publishes data on public services broken down by gender and "
     "disability.", "National statistics office",
     "I brought organisations of people with disabilities into the design.", 8, True, False),
    ("A law protecting whistleblowers in the public sector was adopted.", "Parliament",
     "I briefed the committee and helped draft the reporting channels.", 18, False, True),
    ("Civil society obtained two seats on the committee overseeing the digital identity "
     "programme.", "Ministry of Digital Affairs",
     "I argued for the seats and organised the selection of members.", 6, True, False),
    ("The municipality publishes its climate adaptation spending on an open dashboard.",
     "Municipality", "I built the first version of the dashboard with the finance team.", 4,
     True, True),
    ("The access to information commission cut its average answer time from 60 to 20 days.",
     "Access to information commission",
     "I redesigned the request workflow and the staff training.", 10, False, False),
)


def _rating(user_id: int, statement_id: str, phase: str) -> int:
    """A stable, varied rating: modest before the course, usually higher after it."""
    digest = hashlib.sha256(f"{user_id}:{statement_id}".encode()).digest()
    before = 1 + digest[0] % 3
    return before if phase == "before" else min(5, before + digest[1] % 3)


def load_self_assessments() -> None:
    """Before and after answers for the members of every demo cohort, as they progressed."""
    from lms.cohorts.models import Cohort, Membership
    from lms.courses import services as courses
    from lms.courses.models import LessonProgress, SelfAssessmentAnswer, SelfAssessmentRating

    course = courses.get_course(COURSE)
    assessment = course.self_assessment
    if assessment is None:
        return
    lessons = len(course.lessons)
    members = db.session.execute(
        select(Membership.user_id, Membership.joined_at, User.email)
        .join(Cohort, Cohort.id == Membership.cohort_id).join(User, User.id == Membership.user_id)
        .where(Cohort.course_id == COURSE)).all()
    done: dict[int, int] = dict(db.session.execute(
        select(LessonProgress.user_id, db.func.count()).where(
            LessonProgress.course_id == COURSE, LessonProgress.completed_at.is_not(None))
        .group_by(LessonProgress.user_id)).all())
    last: dict[int, datetime] = dict(db.session.execute(
        select(LessonProgress.user_id, db.func.max(LessonProgress.completed_at))
        .where(LessonProgress.course_id == COURSE).group_by(LessonProgress.user_id)).all())
    taken: set[tuple[int, str]] = {(user_id, phase) for user_id, phase in db.session.execute(
        select(SelfAssessmentAnswer.user_id, SelfAssessmentAnswer.phase))}
    for number, (user_id, joined_at, email) in enumerate(members):
        phases = []
        if number % 7 != 6:  # most members answer before they start
            phases.append(("before", joined_at + timedelta(hours=2)))
        if done.get(user_id, 0) == lessons and email not in LEAVE_AFTER_OPEN \
                and number % 5 != 4:
            phases.append(("after", last[user_id] + timedelta(hours=1)))
        for phase, when in phases:
            if (user_id, phase) in taken:
                continue
            taken.add((user_id, phase))
            answer = SelfAssessmentAnswer(user_id=user_id, course_id=COURSE, phase=phase,
                                          open_answer="", submitted_at=when)
            db.session.add(answer)
            db.session.flush()
            db.session.execute(insert(SelfAssessmentRating), [
                {"assessment_id": answer.id, "statement_id": statement.statement_id,
                 "rating": _rating(user_id, statement.statement_id, phase)}
                for statement in assessment.statements])
    db.session.commit()


def load_outcome_stories() -> None:
    """A dozen stories by listed alumni, across themes and countries."""
    from lms.alumni.models import ALUMNI_TOO, LISTED, PROGRAMME_ONLY, AlumniProfile, OutcomeStory
    from lms.db import utcnow

    if db.session.scalar(select(OutcomeStory.id).limit(1)) is not None:
        return
    authors = db.session.execute(
        select(AlumniProfile.user_id, AlumniProfile.themes, AlumniProfile.country)
        .join(User, User.id == AlumniProfile.user_id)
        .where(AlumniProfile.visibility == LISTED).order_by(User.email)).all()
    admin_id = db.session.scalar(select(User.id).where(User.email == "admin@demo.test"))
    today = date.today().replace(day=1)
    for (user_id, themes, country), story in zip(authors[::4], STORIES, strict=False):
        what, who, contribution, months_ago, shown, verified = story
        happened = today
        for _ in range(months_ago):
            happened = (happened - timedelta(days=1)).replace(day=1)
        db.session.add(OutcomeStory(
            user_id=user_id, what_changed=what, who_changed=who, happened_on=happened,
            contribution=contribution, theme=(themes or ["participation-inclusion"])[0],
            country=country or "SN", evidence=["https://www.example.org/evidence"],
            visibility=ALUMNI_TOO if shown else PROGRAMME_ONLY,
            verified_at=utcnow() if verified else None,
            verified_by=admin_id if verified else None))
    db.session.commit()
