"""Reform projects for the security suites' worlds, kept apart so the worlds stay easy to merge:
two learners of a cohort review each other's submitted project."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.accounts.models import User
from lms.capstone import services
from lms.capstone.models import Capstone, PeerAssignment
from lms.cohorts.models import Cohort
from lms.extensions import db
from tests.capstone.helpers import full_draft, scoring
from tests.factories import make_user


@dataclass
class CapstoneObjects:
    author: User  # submitted "Secret reform of Cap", reviews the peer's project
    peer: User  # submitted too, reviews the author's
    author_capstone: int
    peer_capstone: int
    peer_assignment: int  # the peer's assignment to review the author's project
    author_assignment: int  # the author's assignment to review the peer's project


SECRET = "Secret reform of Cap"


def add_capstones(cohort: Cohort, facilitator: User | None = None, *,
                  author: User | None = None, changes_asked: bool = False) -> CapstoneObjects:
    """Two members of `cohort` submit (the author's project is SECRET); each reviews the other's.
    With `changes_asked`, the facilitator has asked the author for changes (a draft again)."""
    from lms.cohorts import services as cohorts

    author = author or make_user(name="Cap Author")
    peer = make_user(name="Pam Peer")
    for person in (author, peer):
        cohorts.add_member(cohort, person.id)
    db.session.commit()
    services.submit(peer, cohort.course_id, full_draft("Open meetings of the council"))
    services.submit(author, cohort.course_id, {**full_draft(SECRET), "problem": SECRET})
    capstones = {row.user_id: row.id for row in db.session.scalars(select(Capstone))}
    assignments = {row.reviewer_id: row.id for row in db.session.scalars(
        select(PeerAssignment).where(PeerAssignment.reviewer_id.in_([author.id, peer.id])))}
    if changes_asked and facilitator is not None:
        capstone = db.session.get(Capstone, capstones[author.id])
        assert capstone is not None
        services.decide(facilitator, cohort, capstone, scoring("1", overall="Add dates"),
                        "changes")
    return CapstoneObjects(author, peer, capstones[author.id], capstones[peer.id],
                           assignments[peer.id], assignments[author.id])
