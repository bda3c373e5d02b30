"""A programme of twelve cohorts of 1 to 12 learners, for the differencing attack
(tests/insights/test_attack.py): every size a "fewer than 5" rule has to protect and the
sizes around it, spread over regions, themes and months, run by three facilitators (one
cohort shared by two), with completions, recent activity, self-assessments and stories.

Cohort n (1..12) has n members, who joined in month n % 4 of 2025; the first n // 2 of them
completed the course, the next n // 3 were active in the last 30 days; members of cohorts
2, 3, 6, 7, 9 and 12 answered the self-assessment before and after (ratings vary with the
learner's position); members of cohorts 4, 5, 9 and 11 wrote a story each (some verified).
A fourth facilitator runs three more cohorts, of 5, 1 and 1 learners (all assessed, each
with a story), and a fifth one more, of 7 (see below).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import update

from lms.accounts.models import Role, User
from lms.alumni.models import OutcomeStory
from lms.cohorts.models import Cohort, Membership
from lms.db import utcnow
from lms.extensions import db
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.insights.helpers import ALL, STATEMENTS, _assess, _finish, _open, at

FOCUS = ("western-balkans", "climate-action", "francophone-africa", "justice",
         "western-balkans", "anti-corruption", "eastern-partnership", "climate-action",
         "western-balkans", "justice", "francophone-africa", "anti-corruption")
ASSESSED = (2, 3, 6, 7, 9, 12)
STORY_COHORTS = (4, 5, 9, 11)
STORY_THEMES = ("anti-corruption", "justice", "climate-action")
STORY_COUNTRIES = ("AL", "SN", "RS", "FR")


@dataclass
class Lattice:
    admin: User
    facilitators: list[User]
    cohorts: list[Cohort]


def make_lattice() -> Lattice:
    """The twelve cohorts above, committed."""
    now = utcnow()
    admin = make_user(Role.ADMIN, name="Ada Admin")
    facilitators = [make_user(Role.FACILITATOR, name=f"Facilitator {n}") for n in range(3)]
    cohorts = []
    for size in range(1, 13):
        members = [make_user(name=f"Learner {size}-{n}") for n in range(size)]
        runners = [facilitators[(size - 1) // 4]] + ([facilitators[2]] if size == 6 else [])
        cohort = make_cohort(facilitators=runners, members=members, name=f"Cohort of {size}",
                             slug=f"size-{size:02d}", focus=FOCUS[size - 1])
        cohorts.append(cohort)
        joined = at(f"2025-{size % 4 + 1:02d}-05", 9)
        for position, member in enumerate(members):
            db.session.execute(update(Membership).where(Membership.user_id == member.id)
                               .values(joined_at=joined))
            if position < size // 2:
                _finish(member, ALL, joined + timedelta(days=3 + 4 * position))
            elif position < size // 2 + size // 3:
                _open(member, 0, now - timedelta(days=2))
            if size in ASSESSED:
                before = tuple(1 + (position + index) % 3 for index in range(len(STATEMENTS)))
                after = tuple(min(5, rating + 1 + (position * size + index) % 3)
                              for index, rating in enumerate(before))
                _assess(member, "before", before, at("2025-01-02"))
                _assess(member, "after", after, at("2025-06-02"))
            if size in STORY_COHORTS:
                db.session.add(OutcomeStory(
                    user_id=member.id, what_changed="A register was opened.",
                    who_changed="Ministry", happened_on=date(2025, 7, 1),
                    contribution="I drafted it.",
                    theme=STORY_THEMES[(position + size) % 3],
                    country=STORY_COUNTRIES[(position * 3 + size) % 4],
                    verified_at=now if position % 2 == 0 else None,
                    verified_by=admin.id if position % 2 == 0 else None))
    # A fourth facilitator runs cohorts of 5, 1 and 1 learners: 7 in all, which reads 5, as
    # does the cohort of 5, so each small cohort would be "at most 7 - 5 - 1 = 1".
    facilitators.append(make_user(Role.FACILITATOR, name="Facilitator 3"))
    # Every one of them answered the self-assessment and wrote a story on justice, in Senegal.
    for letter, size in (("a", 5), ("b", 1), ("c", 1)):
        members = [make_user(name=f"Learner {letter}-{n}") for n in range(size)]
        cohorts.append(make_cohort(facilitators=[facilitators[3]], members=members,
                                   name=f"Tight {letter}", slug=f"tight-{letter}",
                                   focus="justice"))
        for position, member in enumerate(members):
            _assess(member, "before", (2,) * len(STATEMENTS), at("2025-01-02"))
            _assess(member, "after", (3 + position % 3,) * len(STATEMENTS), at("2025-06-02"))
            db.session.add(OutcomeStory(
                user_id=member.id, what_changed="A court published its rulings.",
                who_changed="Court", happened_on=date(2025, 7, 1), contribution="I asked.",
                theme="justice", country="SN"))
    # A fifth runs a cohort of 7 (read 5) who joined in three months, 5, 1 and 1 of them.
    facilitators.append(make_user(Role.FACILITATOR, name="Facilitator 4"))
    members = [make_user(name=f"Learner d-{n}") for n in range(7)]
    cohorts.append(make_cohort(facilitators=[facilitators[4]], members=members,
                               name="Tight d", slug="tight-d", focus="justice"))
    for position, member in enumerate(members):
        db.session.execute(update(Membership).where(Membership.user_id == member.id).values(
            joined_at=at(f"2025-{1 + max(0, position - 4):02d}-10")))
    db.session.commit()
    return Lattice(admin, facilitators, cohorts)
