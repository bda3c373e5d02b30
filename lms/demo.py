"""Demo data: a programme team, learners from several countries, alumni (never in production)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.accounts.services import hash_password
from lms.courses.models import FACILITATORS, PRIVATE
from lms.db import utcnow
from lms.demo_alumni import DEMO_REFLECTIONS, NAMED_PROFILES, PAST_COHORTS
from lms.demo_capstone import load_capstones
from lms.demo_discussion import load_discussion
from lms.demo_insights import load_outcome_stories, load_self_assessments
from lms.demo_live import load_live_sessions
from lms.extensions import db

if TYPE_CHECKING:
    from lms.cohorts.models import Cohort
    from lms.courses.content import Course

DEMO_PASSWORD = "opengov-demo"  # noqa: S105 - published in README.md, demo only


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role
    country: str
    organisation: str
    locale: str = "en"


DEMO_PEOPLE = (
    DemoPerson("admin@demo.test", "Amara Okafor", Role.ADMIN, "NG",
               "Programme team, Open Government Learning"),
    DemoPerson("facilitator@demo.test", "Jelena Marković", Role.FACILITATOR, "RS",
               "Regional School of Public Administration"),
    DemoPerson("facilitator2@demo.test", "Aïssatou Ndiaye", Role.FACILITATOR, "SN",
               "École nationale d'administration", "fr"),
    DemoPerson("learner@demo.test", "Lucas Ferreira", Role.LEARNER, "BR",
               "Controladoria-Geral da União"),
    DemoPerson("alumna@demo.test", "Marta Núñez", Role.LEARNER, "CO",
               "Secretaría de Transparencia", "es"),
    DemoPerson("arben.krasniqi@demo.test", "Arben Krasniqi", Role.LEARNER, "XK",
               "Ministry of Local Government Administration"),
    DemoPerson("elira.hoxha@demo.test", "Elira Hoxha", Role.LEARNER, "AL",
               "Agency for Information Society"),
    DemoPerson("nikola.petrovski@demo.test", "Nikola Petrovski", Role.LEARNER, "MK",
               "Ministry of Information Society and Administration"),
    DemoPerson("kouadio.yao@demo.test", "Kouadio Yao", Role.LEARNER, "CI",
               "Haute Autorité pour la Bonne Gouvernance", "fr"),
    DemoPerson("fatou.sow@demo.test", "Fatou Sow", Role.LEARNER, "SN",
               "Office national de lutte contre la fraude et la corruption", "fr"),
    DemoPerson("hery.rakoto@demo.test", "Hery Rakotomalala", Role.LEARNER, "MG",
               "Ministère de la Communication et de la Culture", "fr"),
    DemoPerson("camila.rojas@demo.test", "Camila Rojas", Role.LEARNER, "CL",
               "Consejo para la Transparencia", "es"),
    DemoPerson("diego.quispe@demo.test", "Diego Quispe", Role.LEARNER, "PE",
               "Presidencia del Consejo de Ministros", "es"),
    DemoPerson("lucia.mendoza@demo.test", "Lucía Mendoza", Role.LEARNER, "MX",
               "Secretaría de la Función Pública", "es"),
    DemoPerson("jorge.alvarado@demo.test", "Jorge Alvarado", Role.LEARNER, "HN",
               "Instituto de Acceso a la Información Pública", "es"),
    DemoPerson("anh.nguyen@demo.test", "Nguyễn Thị Anh", Role.LEARNER, "PH",
               "Department of Budget and Management"),
    DemoPerson("oksana.bondar@demo.test", "Oksana Bondar", Role.LEARNER, "UA",
               "Ministry of Digital Transformation"),
    DemoPerson("lukasz.nowak@demo.test", "Łukasz Nowak", Role.LEARNER, "MD",
               "State Chancellery"),
)


@dataclass(frozen=True)
class DemoCohort:
    slug: str
    name: str
    focus: str
    facilitators: tuple[str, ...]
    starts_days_ago: int
    length_days: int
    closed: bool
    # email -> (lessons done, days since last activity); ALL: every lesson of the course
    members: dict[str, tuple[int, int]]


ALL = -1


# The demo cohort whose automatic reminders are on (2 days before a due date, 3 after).
REMINDING_COHORT = "western-balkans-2026"

DEMO_COHORTS = (
    DemoCohort("western-balkans-2026", "Western Balkans 2026", "western-balkans",
               ("facilitator@demo.test",), 35, 70, False, {
                   "learner@demo.test": (ALL, 1), "arben.krasniqi@demo.test": (5, 2),
                   "elira.hoxha@demo.test": (1, 20), "nikola.petrovski@demo.test": (2, 6),
                   "oksana.bondar@demo.test": (ALL, 3), "lukasz.nowak@demo.test": (0, 0)}),
    DemoCohort("afrique-francophone-2026", "Afrique francophone 2026", "francophone-africa",
               ("facilitator2@demo.test",), 6, 84, False, {
                   "kouadio.yao@demo.test": (1, 1), "fatou.sow@demo.test": (0, 0),
                   "hery.rakoto@demo.test": (1, 4)}),
    # Read in Spanish: its learners' accounts are in Spanish (the cohort itself has no language).
    DemoCohort("america-latina-2026", "América Latina y el Caribe 2026",
               "latin-america-caribbean", ("facilitator2@demo.test", "admin@demo.test"), 20, 84,
               False, {"lucia.mendoza@demo.test": (3, 1), "jorge.alvarado@demo.test": (1, 5)}),
    DemoCohort("anti-corruption-2026", "Anti-corruption champions 2026", "anti-corruption",
               ("facilitator2@demo.test", "admin@demo.test"), 120, 90, True, {
                   "alumna@demo.test": (ALL, 31), "camila.rojas@demo.test": (ALL, 35),
                   "diego.quispe@demo.test": (4, 60), "anh.nguyen@demo.test": (ALL, 40)}),
)


# The graduates of the earlier cohorts (lms/demo_alumni.py), as accounts.
ALUMNI_PEOPLE = tuple(
    DemoPerson(alumnus.email, alumnus.name, Role.LEARNER, alumnus.country,
               alumnus.organisation, alumnus.locale)
    for cohort in PAST_COHORTS for alumnus in cohort.graduates)


def database_is_empty() -> bool:
    """True when no account exists yet."""
    return (db.session.scalar(select(func.count()).select_from(User)) or 0) == 0


def load_demo() -> list[DemoPerson]:
    """Create the demo accounts that do not exist yet; return the people created."""
    existing = set(db.session.scalars(select(User.email)))
    created = []
    now = utcnow()
    # One hash for every account: scrypt is slow on purpose, and the password is the same.
    password_hash = hash_password(DEMO_PASSWORD)
    for person in DEMO_PEOPLE + ALUMNI_PEOPLE:
        if person.email in existing:
            continue
        db.session.add(User(
            email=person.email, name=person.name, role=person.role, country=person.country,
            organisation=person.organisation, locale=person.locale,
            password_hash=password_hash, email_confirmed_at=now,
        ))
        created.append(person)
    db.session.commit()
    if created:
        load_cohorts()
        load_capstones()  # before the certificates: an approved project is a condition
        load_certificates()
        load_alumni()
        load_self_assessments()
        load_outcome_stories()
        load_live_sessions()
        load_discussion()
    return created


def load_certificates() -> None:
    """Certificates in every state: active, revoked and superseded (needs the signing key)."""
    from lms.certificates import services as certificates

    try:
        certificates.signing_key()
    except certificates.CertificateError:
        return  # `make run` creates the key first; without it there are no demo certificates
    from lms.courses import services as courses

    users = {user.email: user for user in db.session.scalars(select(User))}
    # First issued with the name typed without its accents, then corrected: superseded.
    anh = users["anh.nguyen@demo.test"]
    rule = certificates.eligibility(anh.id, courses.get_course("open-government-101"))
    if rule.eligible:
        certificates.issue(anh, courses.get_course("open-government-101"), cohort=rule.cohort,
                           actor_id=None, holder_name="Nguyen Thi Anh")
    for email in ("learner@demo.test", "alumna@demo.test", "camila.rojas@demo.test",
                  "oksana.bondar@demo.test"):
        certificates.issue_if_eligible(users[email].id, "open-government-101")
    admin = users["admin@demo.test"]
    revoked = certificates.active_certificate(users["camila.rojas@demo.test"].id,
                                              "open-government-101")
    if revoked is not None:
        certificates.revoke(revoked, admin, "Issued in error during the pilot.",
                            "Demo data: a revoked certificate.")
    renamed = certificates.active_certificate(anh.id, "open-government-101")
    if renamed is not None and renamed.holder_name == "Nguyen Thi Anh":
        certificates.reissue(renamed, admin, "Nguyễn Thị Anh")


def load_cohorts() -> None:
    """Four cohorts at different stages, with varied progress in Open Government 101."""
    from lms.cohorts import services as cohorts
    from lms.cohorts.models import Cohort, Membership
    from lms.courses import services as courses

    users = {user.email: user for user in db.session.scalars(select(User))}
    course = courses.get_course("open-government-101")
    today = utcnow().date()
    for plan in DEMO_COHORTS:
        if db.session.scalar(select(Cohort.id).where(Cohort.slug == plan.slug)) is not None:
            continue
        starts_on = today - timedelta(days=plan.starts_days_ago)
        cohort = cohorts.create_cohort(cohorts.CohortDetails(
            name=plan.name, slug=plan.slug, focus=plan.focus, course_id=course.course_id,
            starts_on=starts_on, ends_on=starts_on + timedelta(days=plan.length_days),
            requires_signoff=plan.closed,
            facilitator_ids=[users[email].id for email in plan.facilitators]))
        for email, (done, idle_days) in plan.members.items():
            learner = users[email]
            done = len(course.lessons) if done == ALL else done
            last = utcnow() - timedelta(days=idle_days, hours=3)
            db.session.add(Membership(cohort_id=cohort.id, user_id=learner.id,
                                      joined_at=datetime.combine(starts_on, time(), UTC),
                                      signed_off_at=last if plan.closed and done else None))
            record_progress(learner.id, course, done, last, timedelta(days=2),
                            (DEMO_REFLECTION, DEMO_PRIVATE_REFLECTION), DEMO_VISIBILITIES)
        db.session.commit()
        if plan.closed:
            cohorts.close_cohort(cohort)
        else:
            cohorts.rotate_join_code(cohort)
        if plan.slug == REMINDING_COHORT:
            _turn_reminders_on(cohort)
    _invite_demo_learner(users)


def _turn_reminders_on(cohort: Cohort) -> None:
    """Automatic reminders in one cohort, so the schedule and reminders pages show them on."""
    from lms.cohorts import policy

    policy.save(cohort, policy.Policy("Europe/Belgrade", before_days=2, after_days=3,
                                      inactive_days=None))
    db.session.commit()


def _invite_demo_learner(users: dict[str, User]) -> None:
    """A pending invitation, so that the notice on the learner's home page can be seen."""
    from lms.cohorts.models import Cohort, CohortInvitation

    learner, inviter = users["learner@demo.test"], users["facilitator2@demo.test"]
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "afrique-francophone-2026"))
    if cohort is None or db.session.scalar(select(CohortInvitation.id).where(
            CohortInvitation.cohort_id == cohort.id,
            CohortInvitation.user_id == learner.id)) is not None:
        return
    db.session.add(CohortInvitation(cohort_id=cohort.id, user_id=learner.id,
                                    email=learner.email, invited_by=inviter.id))
    db.session.commit()


DEMO_REFLECTION = ("In my unit, decisions on small grants are published only once a year. "
                   "Publishing them each month, with the criteria, would be a first step.")
# Kept private in the demo: what a civil servant would not want their facilitator to read.
DEMO_PRIVATE_REFLECTION = ("My director does not want the grant criteria published before the "
                           "elections. I do not know yet how to raise this without risk.")
# Reflections alternate: the first one shared with the facilitators, the next private, ...
DEMO_VISIBILITIES = (FACILITATORS, PRIVATE)


def record_progress(learner_id: int, course: Course, done: int, last: datetime,
                    spacing: timedelta, reflections: tuple[str, ...],
                    visibilities: tuple[str, ...] = (PRIVATE,)) -> None:
    """Complete `done` lessons (right answers, a reflection, shared or private in turn) and start
    the next, up to `last`."""
    from lms.courses.models import LessonProgress, QuizAttempt, Reflection

    recorded = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == learner_id, LessonProgress.course_id == course.course_id)))
    for position, lesson in enumerate(course.lessons[:done + 1]):
        if lesson.lesson_id in recorded:
            continue
        at = last - spacing * (done - position)
        finished = position < done
        db.session.add(LessonProgress(
            user_id=learner_id, course_id=course.course_id, lesson_id=lesson.lesson_id,
            started_at=at - timedelta(hours=1), completed_at=at if finished else None))
        if not finished:
            continue
        for quiz_id, quiz in lesson.versions["en"].quizzes.items():
            right = (list(quiz.quiz.correct_positions) if quiz.kind != "text"
                     else quiz.quiz.answers[0])
            db.session.add(QuizAttempt(
                user_id=learner_id, course_id=course.course_id, lesson_id=lesson.lesson_id,
                quiz_id=quiz_id, attempt=0, answer=right, correct=True,
                created_at=at - timedelta(minutes=30)))
        for reflection_id in lesson.reflection_ids[:1]:
            db.session.add(Reflection(
                user_id=learner_id, course_id=course.course_id, lesson_id=lesson.lesson_id,
                reflection_id=reflection_id, text=reflections[position % len(reflections)],
                visibility=visibilities[position % len(visibilities)],
                created_at=at, updated_at=at))


def load_alumni() -> None:
    """Earlier closed cohorts whose graduates fill the directory, and the named ones' profiles."""
    from lms.alumni import services as alumni
    from lms.alumni.models import HIDDEN, LISTED, AlumniProfile
    from lms.cohorts import services as cohorts
    from lms.cohorts.models import Cohort, Membership
    from lms.courses import services as courses

    users = {user.email: user for user in db.session.scalars(select(User))}
    course = courses.get_course("open-government-101")
    profiles = dict(NAMED_PROFILES)
    for index, plan in enumerate(PAST_COHORTS):
        profiles.update((alumnus.email, alumnus.profile) for alumnus in plan.graduates
                        if alumnus.profile is not None)
        if db.session.scalar(select(Cohort.id).where(Cohort.slug == plan.slug)) is not None:
            continue
        ends_on = plan.starts_on + timedelta(days=plan.length_days)
        cohort = cohorts.create_cohort(cohorts.CohortDetails(
            name=plan.name, slug=plan.slug, focus=plan.focus, course_id=course.course_id,
            starts_on=plan.starts_on, ends_on=ends_on, requires_signoff=True,
            facilitator_ids=[users[email].id for email in plan.facilitators]))
        ended = datetime.combine(ends_on, time(16), UTC)
        spacing = timedelta(days=plan.length_days // (len(course.lessons) + 1))
        for number, alumnus in enumerate(plan.graduates):
            learner = users[alumnus.email]
            last = ended - timedelta(days=number % 5 + 1, hours=number % 7)
            db.session.add(Membership(
                cohort_id=cohort.id, user_id=learner.id, signed_off_at=last,
                signed_off_by=users[plan.facilitators[0]].id,
                joined_at=datetime.combine(plan.starts_on, time(9), UTC)))
            turn = (index + number) % len(DEMO_REFLECTIONS)  # neighbours write differently
            record_progress(learner.id, course, len(course.lessons), last, spacing,
                            DEMO_REFLECTIONS[turn:] + DEMO_REFLECTIONS[:turn], DEMO_VISIBILITIES)
        db.session.commit()
        cohorts.close_cohort(cohort)
        # close_cohort stamps today, but these cohorts closed when they ended: the directory's
        # graduation year (and its year filter) comes from this date.
        cohort.closed_at = ended
        for membership in db.session.scalars(select(Membership).where(
                Membership.cohort_id == cohort.id, Membership.graduated_at.is_not(None))):
            membership.graduated_at = ended
        db.session.commit()
    for email, profile in profiles.items():
        user = users.get(email)
        if user is None or db.session.get(AlumniProfile, user.id) is not None:
            continue  # never overwrite a profile someone edited in the demo
        alumni.save_profile(user, alumni.ProfileDetails(
            headline=profile.headline, organisation=user.organisation, country=user.country,
            languages=list(profile.languages), themes=list(profile.themes), bio=profile.bio,
            website=profile.website, open_to_exchange=profile.exchange,
            accepts_messages=profile.messages,
            visibility=LISTED if profile.listed else HIDDEN))
    # One commit: the directory rebuilds every listing together (lms.alumni.directory).
    db.session.commit()
