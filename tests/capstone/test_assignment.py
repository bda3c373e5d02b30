"""Peer assignment: balanced, never oneself, never the same pair twice; late submitters pick
up waiting projects; overdue reviews go to another peer and stay recorded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from lms.capstone import assignment
from lms.capstone.models import Capstone, PeerAssignment
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import periodic
from tests.capstone.helpers import submit
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user


def pairs() -> list[tuple[int, int]]:
    """(author, reviewer) of every assignment, handed-on ones included."""
    return [(author, reviewer) for author, reviewer in db.session.execute(
        select(Capstone.user_id, PeerAssignment.reviewer_id)
        .join(Capstone, Capstone.id == PeerAssignment.capstone_id))]


def test_every_submitter_gets_two_reviewers_and_reviews_two(app: Flask) -> None:
    learners = [make_user() for _ in range(7)]
    make_cohort(members=learners)
    for learner in learners:
        submit(learner)
    found = pairs()
    assert all(author != reviewer for author, reviewer in found)
    assert len(found) == len(set(found))  # never the same pair twice
    reviewers_of = Counter(author for author, _ in found)
    assert set(reviewers_of.values()) == {2} and len(reviewers_of) == 7
    load = Counter(reviewer for _, reviewer in found)
    assert max(load.values()) <= 3  # the least loaded go first


def test_the_least_loaded_submitters_review_first(app: Flask) -> None:
    learners = [make_user() for _ in range(5)]
    make_cohort(members=learners)
    for learner in learners[:4]:
        submit(learner)
    load = Counter(reviewer for _, reviewer in pairs())
    submit(learners[4])
    chosen = {reviewer for author, reviewer in pairs() if author == learners[4].id}
    earlier = [learner.id for learner in learners[:4]]
    lightest = sorted(earlier, key=lambda user_id: (load[user_id], user_id))[:2]
    assert chosen == set(lightest)


def test_a_lone_submitter_waits_for_peers(app: Flask) -> None:
    first, second = make_user(), make_user()
    other_cohort_learner = make_user()
    make_cohort(members=[first, second])
    make_cohort(members=[other_cohort_learner])
    submit(first)
    submit(other_cohort_learner)  # another cohort: never a reviewer of the first
    assert pairs() == []
    submit(second)
    assert sorted(pairs()) == sorted([(first.id, second.id), (second.id, first.id)])


def test_overdue_reviews_go_to_another_peer_once_a_day(app: Flask,
                                                       outbox: Callable[[], list[str]]) -> None:
    learners = [make_user(name=f"Learner {n}") for n in range(4)]
    make_cohort(members=learners)
    for learner in learners[:3]:
        submit(learner)
    outbox()
    late = db.session.scalar(select(PeerAssignment).order_by(PeerAssignment.id))
    assert late is not None
    submit(learners[3])
    later = utcnow() + timedelta(days=8)
    assert assignment.reassign_overdue(later) >= 1
    db.session.commit()
    db.session.refresh(late)
    assert late.replaced_at is not None and late.done_at is None  # kept, marked replaced
    replacement = db.session.scalar(select(PeerAssignment).where(
        PeerAssignment.capstone_id == late.capstone_id, PeerAssignment.replaced_at.is_(None),
        PeerAssignment.reviewer_id != late.reviewer_id, PeerAssignment.assigned_at == later))
    assert replacement is not None and replacement.due_at == later + timedelta(days=7)
    assert len(pairs()) == len(set(pairs()))
    assert any("waits for your review" in message for message in outbox())


def test_the_duty_runs_hourly(app: Flask) -> None:
    assert periodic.DUTIES["capstone.reassign_overdue"].every == "hour"
