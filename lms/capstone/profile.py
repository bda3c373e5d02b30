"""“The reform I am leading” on an alumni profile: approved projects their authors chose to
show (hidden by default). The caller has checked that the viewer may see the profile."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lms.capstone.models import APPROVED, Capstone, CapstoneVersion
from lms.courses import services as courses
from lms.extensions import db

SUMMARY_FIELD = "commitment"


@dataclass(frozen=True)
class Reform:
    course_id: str
    title: str  # the template's first field: the project's name
    summary: str  # its "commitment" field, else the second (Markdown, sanitised when shown)


def shown_reforms(user_id: int) -> list[Reform]:
    """The person's approved projects shown on their profile, from the approved version."""
    latest = select(CapstoneVersion.capstone_id, func.max(CapstoneVersion.number).label("number")) \
        .group_by(CapstoneVersion.capstone_id).subquery()
    reforms = []
    for course_id, fields in db.session.execute(
            select(Capstone.course_id, CapstoneVersion.fields)
            .join(latest, latest.c.capstone_id == Capstone.id)
            .join(CapstoneVersion, (CapstoneVersion.capstone_id == Capstone.id)
                  & (CapstoneVersion.number == latest.c.number))
            .where(Capstone.user_id == user_id, Capstone.state == APPROVED,
                   Capstone.show_on_profile.is_(True)).order_by(Capstone.approved_at)):
        try:
            spec = courses.get_course(course_id).capstone
        except courses.NotFound:
            continue
        if spec is None or not spec.fields:
            continue
        ids = spec.field_ids
        summary = SUMMARY_FIELD if SUMMARY_FIELD in ids else ids[1] if len(ids) > 1 else ""
        reforms.append(Reform(course_id, str(fields.get(ids[0]) or ""),
                              str(fields.get(summary) or "")))
    return reforms
