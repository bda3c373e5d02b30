"""A person's records version: one number on their account (`User.records_version`) that
changes, in the same transaction, whenever something a page cached for them shows changes:
their progress, answers and reflections, their cohorts (membership, schedule, dates, closing,
sign-off), the invitations waiting for them, their certificates and their self-assessments.

Pages rendered from those records (a lesson, the home page) are kept in memory under a key
that holds the version, so a change is seen at once by every server process, with nothing to
clear. A facilitator's home page counts other people's records: its key also holds a sum of
their versions (`lms.desk.facilitator_stamp`).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from sqlalchemy import event, select, union, update
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.extensions import db

_PENDING = "lms.records.pending"  # objects flushed, whose owners' versions are still to change
_BUMPED = "lms.records.bumped"  # whose version this transaction already changed


def changed(user_ids: Iterable[int | None]) -> None:
    """Note that these people's records changed: once per person and transaction (a version
    counts transactions), in ascending order, so that two such transactions never wait on each
    other's rows in opposite orders."""
    bumped: set[int] = db.session.info.setdefault(_BUMPED, set())
    ids = sorted({user_id for user_id in user_ids if user_id is not None} - bumped)
    bumped.update(ids)
    if ids:
        db.session.execute(update(User).where(User.id.in_(ids))
                           .values(records_version=User.records_version + 1),
                           execution_options={"synchronize_session": False})


def cohort_changed(cohort_id: int) -> None:
    """Something every member and facilitator of the cohort sees changed (its name, dates,
    schedule, facilitators, or its closing)."""
    from lms.cohorts.models import CohortFacilitator, Membership  # cohorts build on accounts

    people = union(select(Membership.user_id).where(Membership.cohort_id == cohort_id),
                   select(CohortFacilitator.user_id)
                   .where(CohortFacilitator.cohort_id == cohort_id))
    changed(db.session.scalars(select(people.subquery().c[0])))


# --- a safety net for changes made through ORM objects ------------------------------------------
# Services note Core statements (`insert_or_ignore`, bulk `update`/`delete`) themselves; rows
# added, changed or deleted as objects are noted here, so a new code path cannot forget.



def _record_classes() -> tuple[tuple[type, ...], tuple[type, ...]]:
    from lms.certificates.models import Certificate, CertificateEvent
    from lms.cohorts.models import Cohort, CohortFacilitator, CohortInvitation, DueDate, Membership
    from lms.courses.models import LessonProgress, QuizAttempt, Reflection, SelfAssessmentAnswer

    personal = (LessonProgress, QuizAttempt, Reflection, SelfAssessmentAnswer, Membership,
                CohortInvitation, CohortFacilitator, Certificate)
    return personal, (Cohort, DueDate, CertificateEvent)


def _collect(session: Session, flush_context: object) -> None:
    """After a flush: note whose records the flushed objects belong to."""
    personal, shared = _record_classes()
    users: set[int] = set()
    cohorts: set[int] = set()
    certificates: set[int] = set()
    for item in chain(session.new, session.dirty, session.deleted):
        if isinstance(item, personal):
            users.add(item.user_id)  # type: ignore[attr-defined]
        elif isinstance(item, shared):
            if hasattr(item, "certificate_id"):  # an event: its certificate's holder
                certificates.add(item.certificate_id)
            elif (cohort_id := getattr(item, "cohort_id", None) or getattr(item, "id", None)):
                cohorts.add(cohort_id)
    if users or cohorts or certificates:
        pending = session.info.setdefault(_PENDING, (set(), set(), set()))
        for noted, found in zip(pending, (users, cohorts, certificates), strict=True):
            noted.update(found)


def _bump_before_commit(session: Session) -> None:
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        from lms.certificates.models import Certificate

        users, cohorts, certificates = pending
        for cohort_id in sorted(cohorts):
            cohort_changed(cohort_id)
        if certificates:
            users |= set(db.session.scalars(select(Certificate.user_id)
                                            .where(Certificate.id.in_(sorted(certificates)))))
        changed(users)
        session.info.pop(_PENDING, None)  # the bumps above flushed nothing of ours


def _forget(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_BUMPED, None)


def _ended(session: Session) -> None:
    session.info.pop(_BUMPED, None)


event.listen(Session, "after_flush", _collect)
event.listen(Session, "after_commit", _ended)
event.listen(Session, "before_commit", _bump_before_commit)
event.listen(Session, "after_soft_rollback", _forget)
