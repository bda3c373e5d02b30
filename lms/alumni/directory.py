"""The alumni directory: who is an alumnus, the listings built from listed profiles, and search.

Listings and facets are derived data, rebuilt for a person whenever something they are built
from changes: their profile, their name, a cohort graduation, a certificate. Session events
collect those people during flushes and rebuild their listings just before the commit, in the
same transaction, so the directory can never disagree with the profiles it comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from sqlalchemy import delete, event, exists, insert, or_, select
from sqlalchemy import inspect as inspect_object
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from lms.accounts.models import User
from lms.alumni import text as search_text
from lms.alumni.models import (
    LISTED,
    AlumniFacet,
    AlumniListing,
    AlumniProfile,
    DirectoryChange,
    DirectoryState,
)
from lms.alumni.search import CHANGES_KEPT
from lms.certificates.models import ACTIVE, Certificate
from lms.cohorts.focus import THEMES, region_of
from lms.cohorts.models import Membership
from lms.courses import services as courses
from lms.database import dialect_insert
from lms.db import utcnow
from lms.extensions import db
from lms.i18n import fold, name_key

_STALE = "lms.alumni.stale"
_CHUNK = 500


@dataclass
class Standing:
    """What makes someone an alumnus: cohorts they graduated from, certificates they hold."""

    cohort_ids: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)

    @property
    def first_year(self) -> int:
        return min(self.years)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def alumni_course_ids() -> list[str]:
    """Courses whose valid certificate makes its holder an alumnus (`alumni: true`)."""
    return [course.course_id for course in courses.list_courses() if course.certificate.alumni]


def standings(user_ids: Iterable[int]) -> dict[int, Standing]:
    """The alumni among `user_ids`: graduates of a closed cohort, or holders of a valid
    certificate of a programme course."""
    ids = sorted(set(user_ids))
    found: dict[int, Standing] = {}
    course_ids = alumni_course_ids()
    now = utcnow()
    for chunk in _chunks(ids):
        graduations = db.session.execute(
            select(Membership.user_id, Membership.cohort_id, Membership.graduated_at)
            .where(Membership.user_id.in_(chunk), Membership.graduated_at.is_not(None)))
        for user_id, cohort_id, graduated_at in graduations:
            standing = found.setdefault(user_id, Standing())
            standing.cohort_ids.add(cohort_id)
            if graduated_at is not None:  # the query keeps graduates only
                standing.years.add(graduated_at.year)
        if not course_ids:
            continue
        held = db.session.execute(
            select(Certificate.user_id, Certificate.issued_at)
            .where(Certificate.user_id.in_(chunk), Certificate.status == ACTIVE,
                   Certificate.course_id.in_(course_ids),
                   or_(Certificate.expires_at.is_(None), Certificate.expires_at > now)))
        for user_id, issued_at in held:
            found.setdefault(user_id, Standing()).years.add(issued_at.year)
    return found


def is_alumnus(user_id: int) -> bool:
    """True for a graduate or the holder of a valid programme certificate."""
    return user_id in standings([user_id])


# --- Listings -----------------------------------------------------------------------------------

def _facets(profile: AlumniProfile, standing: Standing) -> set[tuple[str, str]]:
    values = {("year", str(year)) for year in standing.years}
    values |= {("cohort", str(cohort_id)) for cohort_id in standing.cohort_ids}
    values |= {("theme", theme) for theme in profile.themes or [] if theme in THEMES}
    values |= {("language", language) for language in profile.languages or []}
    if profile.country:
        values.add(("country", profile.country))
        region = region_of(profile.country)
        if region:
            values.add(("region", region))
    if profile.open_to_exchange:
        values.add(("exchange", "yes"))
    return values


def _document(name: str, profile: AlumniProfile) -> str:
    """What free-text search reads: the person, their work, and their expertise and country
    in both languages (so "Côte d'Ivoire" and "Ivory Coast", "climat" and "climate" match)."""
    from lms.i18n import country_names_everywhere, theme_names_everywhere

    return search_text.document(
        name, profile.organisation, profile.headline, profile.bio,
        *theme_names_everywhere(profile.themes or []),
        *country_names_everywhere(profile.country))


def _next_version() -> int:
    """Bump the directory's version (writers wait on this row until they commit, so versions
    are committed in order) and drop change records no process can still need."""
    upsert = dialect_insert()(DirectoryState).values(id=1, version=1)
    version = db.session.execute(upsert.on_conflict_do_update(
        index_elements=["id"], set_={"version": DirectoryState.version + 1})
        .returning(DirectoryState.version)).scalar_one()
    if version % 1000 == 0:
        db.session.execute(delete(DirectoryChange).where(
            DirectoryChange.version <= version - CHANGES_KEPT))
    return version


def refresh(user_ids: Iterable[int]) -> None:
    """Rebuild the directory entries of these people from their profiles (listed alumni only)."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    version = _next_version()
    for chunk in _chunks(ids):
        db.session.execute(insert(DirectoryChange), [{"version": version, "user_id": user_id}
                                                     for user_id in chunk])
        db.session.execute(delete(AlumniFacet).where(AlumniFacet.user_id.in_(chunk)))
        db.session.execute(delete(AlumniListing).where(AlumniListing.user_id.in_(chunk)))
        listed = db.session.execute(
            select(AlumniProfile, User.name).join(User, User.id == AlumniProfile.user_id)
            .where(AlumniProfile.user_id.in_(chunk), AlumniProfile.visibility == LISTED)).all()
        if not listed:
            continue
        alumni = standings(profile.user_id for profile, _ in listed)
        listings: list[dict[str, object]] = []
        facets: list[dict[str, object]] = []
        for profile, name in listed:
            standing = alumni.get(profile.user_id)
            if standing is None:
                continue
            listings.append({
                "user_id": profile.user_id, "name": name,
                "sort_name": fold(name)[:120], "headline": profile.headline,
                "organisation": profile.organisation, "country": profile.country,
                "region": region_of(profile.country), "graduation_year": standing.first_year,
                "open_to_exchange": profile.open_to_exchange,
                "document": _document(name, profile), "listed_at": utcnow()})
            facets.extend({"user_id": profile.user_id, "facet": facet, "value": value}
                          for facet, value in sorted(_facets(profile, standing)))
        if listings:
            db.session.execute(insert(AlumniListing), listings)
            db.session.execute(insert(AlumniFacet), facets)


def _changed(item: object, *names: str) -> bool:
    state = inspect_object(item)
    return any(state.attrs[name].history.has_changes() for name in names)


def _collect_stale(session: Session, flush_context: object) -> None:
    """After a flush: note whose directory entry may have changed."""
    stale: set[int] = session.info.setdefault(_STALE, set())
    for item in chain(session.new, session.dirty, session.deleted):
        if isinstance(item, AlumniProfile):
            stale.add(item.user_id)
        elif isinstance(item, User):
            if item in session.dirty and _changed(item, "name"):
                stale.add(item.id)
        elif isinstance(item, Membership):
            if item in session.dirty and not _changed(item, "graduated_at"):
                continue
            stale.add(item.user_id)
        elif isinstance(item, Certificate):
            if item in session.dirty and not _changed(item, "status", "expires_at"):
                continue
            stale.add(item.user_id)


def _refresh_before_commit(session: Session) -> None:
    """Just before a commit: rebuild the stale entries inside the same transaction."""
    session.flush()
    stale = session.info.pop(_STALE, None)
    if stale:
        refresh(user_id for user_id in stale if user_id is not None)


def _forget_stale(session: Session, previous_transaction: object) -> None:
    session.info.pop(_STALE, None)


event.listen(Session, "after_flush", _collect_stale)
event.listen(Session, "before_commit", _refresh_before_commit)
event.listen(Session, "after_soft_rollback", _forget_stale)


# --- Reading listings ---------------------------------------------------------------------------

def _has_facet(facet: str, value: str) -> ColumnElement[bool]:
    return exists().where(AlumniFacet.user_id == AlumniListing.user_id,
                          AlumniFacet.facet == facet, AlumniFacet.value == value)


def listing(user_id: int) -> AlumniListing | None:
    """A listed alumnus's directory entry; None for anyone hidden or not an alumnus."""
    return db.session.get(AlumniListing, user_id)


def cohort_graduates(cohort_id: int) -> list[AlumniListing]:
    """The listed alumni who graduated from a cohort, by name (sorted here: the databases'
    collations order the same folded names differently)."""
    return sorted(db.session.scalars(
        select(AlumniListing).where(_has_facet("cohort", str(cohort_id)))),
        key=lambda listing: (*name_key(listing.name), listing.user_id))


def facets_of(user_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """The facet values of listed alumni (themes for the result cards, say)."""
    found: dict[int, dict[str, list[str]]] = {user_id: {} for user_id in user_ids}
    if user_ids:
        for user_id, facet, value in db.session.execute(
                select(AlumniFacet.user_id, AlumniFacet.facet, AlumniFacet.value)
                .where(AlumniFacet.user_id.in_(user_ids))
                .order_by(AlumniFacet.facet, AlumniFacet.value)):
            found[user_id].setdefault(facet, []).append(value)
    return found

