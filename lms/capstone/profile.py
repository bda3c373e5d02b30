"""“The reform I am leading” on an alumni profile: approved projects their authors chose to
show (hidden by default). The caller has checked that the viewer may see the profile."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lms.capstone.models import APPROVED, Capstone, CapstoneReview, CapstoneVersion
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


def _iso(moment: object) -> str | None:
    return moment.isoformat() if moment is not None else None  # type: ignore[attr-defined]


def export(user_id: int) -> dict[str, object]:
    """A person's reform projects for their data download: drafts, every version, the reviews
    they received (without anonymous peers' names) and the reviews they wrote."""
    projects = []
    for capstone in db.session.scalars(select(Capstone).where(Capstone.user_id == user_id)
                                       .order_by(Capstone.id)):
        versions = db.session.scalars(select(CapstoneVersion).where(
            CapstoneVersion.capstone_id == capstone.id).order_by(CapstoneVersion.number))
        reviews = db.session.scalars(select(CapstoneReview).where(
            CapstoneReview.capstone_id == capstone.id).order_by(CapstoneReview.id))
        projects.append({
            "course": capstone.course_id, "state": capstone.state, "draft": capstone.draft,
            "shown_on_profile": capstone.show_on_profile,
            "approved_at": _iso(capstone.approved_at),
            "versions": [{"number": version.number, "fields": version.fields,
                          "submitted_at": _iso(version.submitted_at)} for version in versions],
            "reviews_received": [_review(review) for review in reviews]})
    written = db.session.scalars(select(CapstoneReview).where(
        CapstoneReview.reviewer_id == user_id).order_by(CapstoneReview.id))
    return {"reform_projects": projects,
            "reviews_written": [_review(review) for review in written]}


def _review(review: CapstoneReview) -> dict[str, object]:
    return {"by": review.role, "scores": review.scores, "comments": review.comments,
            "overall": review.overall, "decision": review.decision,
            "written_at": _iso(review.created_at)}
