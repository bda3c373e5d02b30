"""Demo live sessions: Western Balkans 2026 has two past sessions, with attendance marked, and
two upcoming ones; its certificate asks for two sessions attended."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.extensions import db

COHORT = "western-balkans-2026"
AGENDA_KICK_OFF = ("1. Welcome and introductions\n2. How OGP works: the action plan cycle\n"
                   "3. Questions about the first lessons\n\nRead *What open government means* "
                   "before the call.")
AGENDA_CLINIC = ("Bring one commitment from your country's action plan. We will check it "
                 "against the [OGP guidance](https://www.opengovpartnership.org/).")
# (title, days from today, start in Belgrade, minutes, place, agenda, recording)
SESSIONS = (
    ("Kick-off call", -21, "18:00", 90, "https://meet.example.org/ogp-wb-2026", AGENDA_KICK_OFF,
     "https://example.org/recordings/wb-2026-kick-off"),
    ("Action plan clinic", -7, "18:00", 60, "https://meet.example.org/ogp-wb-2026",
     AGENDA_CLINIC, None),
    ("Co-creation with civil society", 3, "18:00", 90, "https://meet.example.org/ogp-wb-2026",
     "Guest: a member of a national OGP multi-stakeholder forum.", None),
    ("Peer review of reform ideas", 17, "10:00", 120,
     "Regional School of Public Administration, Danilovgrad, room 2",
     "In person, for those who can travel; a video link follows by email for the others.",
     None),
)
# email -> status at each past session
ATTENDANCE = {
    "learner@demo.test": ("present", "present"),
    "arben.krasniqi@demo.test": ("present", "excused"),
    "elira.hoxha@demo.test": ("absent", "absent"),
    "nikola.petrovski@demo.test": ("present", "absent"),
    "oksana.bondar@demo.test": ("present", "present"),
    "lukasz.nowak@demo.test": ("excused", "present"),
}


def load_live_sessions() -> None:
    """Schedule the demo sessions through the services, then mark the past ones' attendance."""
    from lms.live import attendance, services
    from lms.live.models import LiveSession

    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == COHORT))
    if cohort is None or db.session.scalar(
            select(LiveSession.id).where(LiveSession.cohort_id == cohort.id)) is not None:
        return
    facilitator = db.session.scalar(select(User).where(User.email == "facilitator@demo.test"))
    users = {user.email: user.id for user in db.session.scalars(
        select(User).where(User.email.in_(list(ATTENDANCE))))}
    # The cohort meets on Belgrade's clock (lms.demo); Lucas, in Brazil, reads it on his own.
    lucas = db.session.scalar(select(User).where(User.email == "learner@demo.test"))
    if lucas is not None and lucas.timezone is None:
        lucas.timezone = "America/Sao_Paulo"
    today = utcnow().date()
    past = []
    for title, days, start, minutes, place, agenda, recording in SESSIONS:
        starts = time.fromisoformat(start)
        ends = (datetime.combine(today, starts) + timedelta(minutes=minutes)).time()
        session = services.schedule(cohort, services.SessionDetails(
            title=title, day=today + timedelta(days=days), starts=starts, ends=ends,
            location=place, agenda=agenda, recording_url=recording or ""))
        if days < 0:
            past.append(session)
    cohort.min_attendance = 2
    db.session.commit()
    if facilitator is None:
        return
    for index, session in enumerate(past):
        attendance.mark(cohort, session, {users[email]: marks[index]
                                          for email, marks in ATTENDANCE.items()
                                          if email in users}, facilitator)
