"""Demo reform projects: Western Balkans 2026 has one in every state (draft, in peer review
with a review overdue, peer-reviewed, changes asked, approved); the graduates of the closed
cohort hold approved ones, and the demo alumna shows hers on her profile.

Loaded after the cohorts and before the certificates (lms/demo.py): an approval is a condition
of Open Government 101's certificate.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db

COURSE = "open-government-101"
OPEN_COHORT = "western-balkans-2026"
CLOSED_COHORT = "anti-corruption-2026"


def _project(title: str, problem: str, commitment: str, partners: str, milestones: str,
             risks: str, measurement: str) -> dict[str, str]:
    return {"title": title, "problem": problem, "commitment": commitment,
            "co-creation": partners, "milestones": milestones, "risks": risks,
            "measurement": measurement}


PROJECTS: dict[str, dict[str, str]] = {
    "oksana.bondar@demo.test": _project(
        "Open reconstruction contracts in Chernihiv oblast",
        "Residents cannot see who rebuilds their schools and clinics, at what price, or when "
        "the work is due. Complaints reach the oblast office months after problems start.",
        "Publish every reconstruction contract, its payments and its progress photos on the "
        "national open contracting portal within 10 days of signature, and answer residents' "
        "questions there.",
        "The oblast administration, two local watchdog NGOs, the association of contractors "
        "and residents' councils in five hromadas, meeting monthly to agree what is published.",
        "- March 2027: data standard agreed with the NGOs\n- June 2027: first 50 contracts "
        "online\n- December 2027: every new contract published within 10 days",
        "Contractors may resist publishing prices: the oblast makes publication a contract "
        "clause. Staff turnover: two officers are trained and a manual is written.",
        "Share of contracts published within 10 days (0% today, 95% by end 2027), checked "
        "monthly by the watchdog NGOs."),
    "learner@demo.test": _project(
        "Participatory budgeting for Belo Horizonte's schools",
        "Parents and pupils have no say in how maintenance money for schools is spent; urgent "
        "repairs wait while budgets go to work nobody asked for.",
        "Set aside 10% of the school maintenance budget for projects chosen by each school "
        "community, and publish every choice and its cost.",
        "Parents' associations, the pupils' union and the municipal education secretariat "
        "design the rules together and sit on the selection committee.",
        "- April 2027: rules co-designed\n- August 2027: first votes in 20 schools\n"
        "- 2028: every municipal school",
        "Low turnout in poorer districts: schools hold votes during parents' evenings and on "
        "paper as well as online.",
        "Number of schools that held a vote, turnout, and share of chosen projects delivered "
        "on time, published each term."),
    "nikola.petrovski@demo.test": _project(
        "Public consultation before every municipal decree in Bitola",
        "Decrees are adopted without residents hearing about them; civil society learns of "
        "them from the official gazette.",
        "Publish every draft decree for 20 days of comment and publish a response to each "
        "comment before adoption.",
        "Three NGOs working on local democracy and the council's committee on transparency.",
        "- May 2027: consultation portal open\n- September 2027: first report on comments",
        "Departments may skip the step under time pressure: the mayor's office checks it "
        "before signature.",
        "Share of decrees consulted for 20 days; number of comments answered."),
    "arben.krasniqi@demo.test": _project(
        "Open data on water quality in Prishtina",
        "Water quality tests exist but stay in the utility's files.",
        "Publish the tests as open data.",
        "The utility and an NGO.",
        "- 2027: publish the data",
        "None foreseen.",
        "The data is online."),
    "elira.hoxha@demo.test": _project(
        "A register of lobbying meetings at the Ministry of Justice",
        "Nobody outside the ministry knows who meets its senior officials about draft laws.",
        "Publish every meeting between senior officials and interest groups, with its topic, "
        "within a week.",
        "Two anti-corruption NGOs and the journalists' association help define what is a "
        "lobbying meeting.",
        "- June 2027: definition and form agreed\n- October 2027: register online",
        "Officials may under-report: the secretary general reviews calendars each quarter.",
        "Meetings published per month; share of senior officials publishing."),
}
DRAFT_ONLY = {"lukasz.nowak@demo.test": {
    "title": "Open hearings of the Chișinău city council",
    "problem": "Council hearings are announced too late for residents to attend."}}
GRADUATES = {
    "alumna@demo.test": _project(
        "Beneficial ownership of Bogotá's suppliers",
        "Companies winning city contracts hide who owns them, which hides conflicts of "
        "interest.",
        "Require every supplier to declare its beneficial owners and publish them next to "
        "each contract.",
        "Transparencia por Colombia, the chamber of commerce and investigative journalists.",
        "- 2026: declaration form\n- 2027: publication with every contract",
        "Incomplete declarations: checks against the business register.",
        "Share of contracts with declared owners; conflicts of interest found and acted upon."),
    "camila.rojas@demo.test": _project(
        "Open lobbying register for Chile's regions",
        "Regional governments record lobbying meetings inconsistently.",
        "One register and one format for every regional government.",
        "Chile Transparente and regional civil society councils.",
        "- 2026: format\n- 2027: all regions",
        "Uneven capacity: a shared tool and training.",
        "Regions publishing in the common format."),
    "anh.nguyen@demo.test": _project(
        "Citizen feedback on Quezon City's permits",
        "Applicants cannot tell where their permit is stuck.",
        "Track every permit online and invite feedback at each step.",
        "Business associations and a civic tech group.",
        "- 2026: tracking\n- 2027: feedback",
        "Old systems: a simple status page first.",
        "Average days per permit; feedback answered within a week."),
}


def load_capstones() -> None:
    """Reform projects in every state (no-op once any exists)."""
    from lms.capstone import services
    from lms.capstone.models import (
        APPROVE,
        ASK_CHANGES,
        Capstone,
        CapstoneReview,
        CapstoneVersion,
        PeerAssignment,
    )
    from lms.cohorts.models import Cohort

    if db.session.scalar(select(Capstone.id).limit(1)) is not None:
        return
    users = {user.email: user for user in db.session.scalars(select(User))}
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == OPEN_COHORT))
    facilitator = users.get("facilitator@demo.test")
    if cohort is None or facilitator is None:
        return
    for email, fields in PROJECTS.items():
        services.submit(users[email], COURSE, fields)
    for email, fields in DRAFT_ONLY.items():
        services.save_draft(users[email], COURSE, fields)
    waiting = db.session.scalar(select(Capstone).where(
        Capstone.user_id == users["elira.hoxha@demo.test"].id))
    assert waiting is not None
    comments = ("The problem is concrete and backed by what residents say.",
                "It changes what citizens can see, not only internal procedure.",
                "Name the partners' role in decisions, not only in meetings.",
                "Dated, checkable steps; a response to each risk.",
                "A baseline and a target that someone outside can verify.")
    late = False
    for assignment in db.session.scalars(select(PeerAssignment).order_by(PeerAssignment.id)):
        reviewer = db.session.get(User, assignment.reviewer_id)
        assert reviewer is not None
        if assignment.capstone_id == waiting.id:
            if not late:  # one of Elira's reviewers is late: the facilitators see it overdue
                assignment.due_at = assignment.assigned_at - timedelta(days=1)
                db.session.commit()
                late = True
            continue
        level = "1" if assignment.capstone_id == _capstone_id(users, "arben") else "3"
        services.peer_review(reviewer, assignment, services.Scoring(
            dict(zip(_criteria(), [level] * 5, strict=True)),
            dict(zip(_criteria(), comments, strict=True)), "A reform worth leading."))
    for email, decision, feedback in (
            ("oksana.bondar@demo.test", APPROVE, "Ready to propose for the next action plan."),
            ("learner@demo.test", APPROVE, "Clear, co-created and measurable. Well done."),
            ("arben.krasniqi@demo.test", ASK_CHANGES,
             "Say which tests, how often and in what format; give dates and a baseline, and "
             "how the NGO takes part in decisions.")):
        capstone = db.session.scalar(select(Capstone).where(
            Capstone.user_id == users[email].id))
        assert capstone is not None
        services.decide(facilitator, cohort, capstone, services.Scoring(
            dict(zip(_criteria(), ["3" if decision == APPROVE else "1"] * 5, strict=True)),
            {}, feedback), decision)
    closed = db.session.scalar(select(Cohort).where(Cohort.slug == CLOSED_COHORT))
    if closed is None:
        return
    decider = users["facilitator2@demo.test"]
    for email, fields in GRADUATES.items():
        # The cohort is closed: its projects are recorded as approved during the cohort,
        # without issuing anything (the certificates come next, in lms/demo.py).
        capstone = Capstone(user_id=users[email].id, course_id=COURSE, cohort_id=closed.id,
                            state="approved", draft=fields,
                            show_on_profile=email == "alumna@demo.test")
        db.session.add(capstone)
        db.session.flush()
        version = CapstoneVersion(capstone_id=capstone.id, number=1, fields=fields)
        db.session.add(version)
        db.session.flush()
        db.session.add(CapstoneReview(
            capstone_id=capstone.id, version_id=version.id, reviewer_id=decider.id,
            role="facilitator", scores=dict.fromkeys(_criteria(), 3), comments={},
            overall="Approved.", decision=APPROVE))
        capstone.approved_at = capstone.created_at
    db.session.commit()


def _criteria() -> tuple[str, ...]:
    from lms.courses import services as courses

    spec = courses.get_course(COURSE).capstone
    return spec.criterion_ids if spec else ()


def _capstone_id(users: dict[str, User], name: str) -> int | None:
    from lms.capstone.models import Capstone

    user = next((user for email, user in users.items() if email.startswith(name)), None)
    return None if user is None else db.session.scalar(
        select(Capstone.id).where(Capstone.user_id == user.id))
