"""Demo data: a small programme team and learners from several countries (never in production)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.accounts.services import hash_password
from lms.db import utcnow
from lms.extensions import db

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
               "Secretaría de Transparencia"),
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
               "Consejo para la Transparencia"),
    DemoPerson("diego.quispe@demo.test", "Diego Quispe", Role.LEARNER, "PE",
               "Presidencia del Consejo de Ministros"),
    DemoPerson("anh.nguyen@demo.test", "Nguyễn Thị Anh", Role.LEARNER, "PH",
               "Department of Budget and Management"),
    DemoPerson("oksana.bondar@demo.test", "Oksana Bondar", Role.LEARNER, "UA",
               "Ministry of Digital Transformation"),
    DemoPerson("lukasz.nowak@demo.test", "Łukasz Nowak", Role.LEARNER, "MD",
               "State Chancellery"),
)


def database_is_empty() -> bool:
    """True when no account exists yet."""
    return (db.session.scalar(select(func.count()).select_from(User)) or 0) == 0


def load_demo() -> list[DemoPerson]:
    """Create the demo accounts that do not exist yet; return the people created."""
    existing = set(db.session.scalars(select(User.email)))
    created = []
    now = utcnow()
    for person in DEMO_PEOPLE:
        if person.email in existing:
            continue
        db.session.add(User(
            email=person.email, name=person.name, role=person.role, country=person.country,
            organisation=person.organisation, locale=person.locale,
            password_hash=hash_password(DEMO_PASSWORD), email_confirmed_at=now,
        ))
        created.append(person)
    db.session.commit()
    return created
