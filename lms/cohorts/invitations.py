"""Invitations to a cohort: a person joins only by accepting (or by following a join link).

A facilitator who types an address, or imports a CSV file, creates an invitation, never a
membership. Until the person accepts, the facilitator sees only the address they typed and that
it is "invited": every page about learners reads memberships, which accepting alone creates.
Whether an address already has an account is never revealed: both are answered the same way.
An address with no account gets one without a password (as before) and an email with the link
to choose it; once signed in, they too accept or decline on their home page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import delete, select

from lms import mail, records
from lms.accounts import oidc
from lms.accounts import services as accounts
from lms.accounts.models import Role, User
from lms.cohorts.models import Cohort, CohortInvitation
from lms.cohorts.services import CohortError, NotFound, add_member, get_cohort, is_member
from lms.courses import services as courses
from lms.database import insert_or_update, rowcount
from lms.db import utcnow
from lms.extensions import db


@dataclass(frozen=True)
class PendingInvitation:
    """What a facilitator sees of an invitation: the address they typed, and when it was sent."""

    id: int
    email: str
    sent_at: datetime


@dataclass(frozen=True)
class MyInvitation:
    """An invitation as its recipient sees it on their home page."""

    cohort_slug: str
    cohort_name: str
    course_title: str
    inviter: str | None


# --- the facilitator's side ----------------------------------------------------------------------

def invite(cohort: Cohort, *, email: str, name: str, inviter: User, locale: str,
           country: str | None = None, organisation: str = "") -> bool:
    """Record an invitation of an address to the cohort; False if it is already a member.

    The caller queues its email with `send_invitation`, then commits. `name`, `country`,
    `organisation` and `locale` are used only when the address has no account yet (a new
    account starts with what the facilitator typed).
    """
    address = accounts.normalise_email(email)
    user = accounts.find_user_by_email(address)
    if user is not None and is_member(user.id, cohort):
        return False
    if user is None:
        user = accounts.new_invited_user(email=address, name=name, role=Role.LEARNER,
                                         locale=locale, country=country,
                                         organisation=organisation)
    now = utcnow()
    # One invitation per person and cohort: inviting again only sends it again.
    insert_or_update(CohortInvitation,
                     {"cohort_id": cohort.id, "user_id": user.id, "email": address,
                      "invited_by": inviter.id, "created_at": now, "sent_at": now},
                     ["cohort_id", "user_id"],
                     {"email": address, "invited_by": inviter.id, "sent_at": now})
    records.changed([user.id])  # the notice on their home page
    return True


def invite_one(cohort: Cohort, *, email: str, name: str, inviter: User, locale: str) -> str:
    """The add-member form: invite one address and email it; returns the address."""
    address = accounts.normalise_email(email)
    if not invite(cohort, email=address, name=name, inviter=inviter, locale=locale):
        db.session.rollback()
        raise CohortError(gettext("%(email)s is already a member.", email=address), "email")
    send_invitation(cohort, address, inviter)
    db.session.commit()  # the invitation and its email together
    return address


def pending(cohort: Cohort) -> list[PendingInvitation]:
    """The cohort's invitations still waiting for an answer, newest first."""
    return [PendingInvitation(invitation.id, invitation.email, invitation.sent_at)
            for invitation in db.session.scalars(
                select(CohortInvitation).where(CohortInvitation.cohort_id == cohort.id)
                .order_by(CohortInvitation.sent_at.desc(), CohortInvitation.id.desc()))]


def invitation_in(cohort: Cohort, invitation_id: int) -> CohortInvitation:
    """The invitation, if it belongs to this cohort; NotFound otherwise."""
    invitation = db.session.get(CohortInvitation, invitation_id)
    if invitation is None or invitation.cohort_id != cohort.id:
        raise NotFound(str(invitation_id))
    return invitation


def cancel(cohort: Cohort, invitation_id: int) -> str:
    """Withdraw a pending invitation; returns the address it was sent to."""
    invitation = invitation_in(cohort, invitation_id)
    address = invitation.email
    records.changed([invitation.user_id])
    db.session.delete(invitation)
    db.session.commit()
    return address


def resend(cohort: Cohort, invitation_id: int, inviter: User) -> str:
    """Send a pending invitation again (the same one: nothing is duplicated)."""
    invitation = invitation_in(cohort, invitation_id)
    invitation.sent_at, invitation.invited_by = utcnow(), inviter.id
    address = invitation.email
    send_invitation(cohort, address, inviter)
    db.session.commit()
    return address


def send_invitation(cohort: Cohort, address: str, inviter: User) -> None:
    """Queue the invitation's email (in the caller's transaction), in the recipient's
    language; an account with no password yet gets the link to choose one, since they must
    sign in to answer."""
    user = accounts.find_user_by_email(address)
    if user is None:
        return
    course = courses.get_course(cohort.course_id)
    context: dict[str, object] = {
        "user": user, "cohort": cohort.name, "inviter": inviter.name,
        "home_url": mail.link("pages.home")}
    # Someone who signs in with a provider, or a site without passwords: the home page's
    # sign-in is the way in, not a password to choose.
    if user.password_hash is None and current_app.config["LMS_PASSWORD_LOGIN"] \
            and not oidc.has_links(user.id):
        context["password_url"] = mail.link("accounts.accept_invitation",
                                            token=accounts.make_token(user, "invite"))
        context["days"] = current_app.config["LMS_INVITATION_MAX_AGE"] // 86400
    with force_locale(user.locale):
        context["course"] = course.title(user.locale)
        subject = gettext("%(inviter)s invites you to join %(cohort)s", inviter=inviter.name,
                          cohort=cohort.name)
        body = render_template("email/cohort_invitation.txt", **context)
    mail.queue(mail.compose(user.email, subject, body), kind="invitation", user_id=user.id)


# --- the invited person's side -------------------------------------------------------------------

def invitations_for(user_id: int, locale: str) -> list[MyInvitation]:
    """The invitations waiting for this person's answer, oldest first (for their home page)."""
    rows = db.session.execute(
        select(Cohort.slug, Cohort.name, Cohort.course_id, User.name)
        .join(CohortInvitation, CohortInvitation.cohort_id == Cohort.id)
        .outerjoin(User, User.id == CohortInvitation.invited_by)
        .where(CohortInvitation.user_id == user_id)
        .order_by(CohortInvitation.created_at, CohortInvitation.id)).all()
    return [MyInvitation(slug, name, courses.get_course(course_id).title(locale), inviter)
            for slug, name, course_id, inviter in rows]


def _invitation_for(cohort: Cohort, user_id: int) -> CohortInvitation | None:
    return db.session.scalar(select(CohortInvitation).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.user_id == user_id))


def accept(slug: str, user: User) -> Cohort:
    """Accept one's own invitation: one becomes a member. Accepting again changes nothing;
    NotFound if this person was never invited (nobody can accept another's invitation)."""
    cohort = get_cohort(slug)
    invitation = _invitation_for(cohort, user.id)
    if invitation is None:
        if is_member(user.id, cohort):
            return cohort
        raise NotFound(slug)
    add_member(cohort, user.id)
    records.changed([user.id])
    db.session.delete(invitation)
    db.session.commit()
    return cohort


def decline(slug: str, user: User) -> bool:
    """Decline one's own invitation: it is deleted and no membership is made. False if there
    was none (declining twice changes nothing)."""
    cohort = get_cohort(slug)
    removed = rowcount(db.session.execute(delete(CohortInvitation).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.user_id == user.id)))
    if removed:
        records.changed([user.id])
    db.session.commit()
    return bool(removed)
