"""Emails about a cohort's discussion: each person chooses, per cohort, every post, a daily
digest (the default) or nothing. Mail goes through the outbox, in each reader's language,
only to people who read the cohort, never about a hidden or deleted post, always with a link
that stops it (lms.accounts.preferences.SCOPED)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import url_for
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import and_, select, update
from sqlalchemy.orm import aliased

from lms import mail
from lms.accounts import preferences
from lms.accounts.models import User
from lms.cohorts.models import Cohort, CohortFacilitator, Membership
from lms.database import insert_or_ignore
from lms.discussion.models import (
    CHOICES,
    DAILY_DIGEST,
    EVERY_POST,
    NOTHING,
    Post,
    Subscription,
    Topic,
)
from lms.extensions import db

KIND = "discussion"
EXCERPT_LENGTH = 1500
# A digest tells of the posts since the last one, looking back no further than this (a new
# member's first digest does not recount the whole discussion).
DIGEST_REACH = timedelta(days=7)


def choice_of(user_id: int, cohort_id: int) -> str:
    """The person's email choice for this cohort's discussion (the daily digest by default)."""
    choice = db.session.scalar(select(Subscription.choice).where(
        Subscription.user_id == user_id, Subscription.cohort_id == cohort_id))
    return choice or DAILY_DIGEST


def set_choice(user_id: int, cohort_id: int, choice: str) -> None:
    """Save the person's email choice for this cohort's discussion."""
    if choice not in CHOICES:
        raise ValueError(choice)
    if not insert_or_ignore(Subscription, {"user_id": user_id, "cohort_id": cohort_id,
                                           "choice": choice}, ["user_id", "cohort_id"]):
        db.session.execute(update(Subscription).where(
            Subscription.user_id == user_id, Subscription.cohort_id == cohort_id)
            .values(choice=choice))
    db.session.commit()


def readers(cohort_ids: list[int]) -> dict[int, list[User]]:
    """Who reads each cohort's discussion (its members and facilitators), by cohort: one query."""
    found: dict[int, dict[int, User]] = {cohort_id: {} for cohort_id in cohort_ids}
    members = select(Membership.cohort_id, Membership.user_id).where(
        Membership.cohort_id.in_(cohort_ids))
    facilitators = select(CohortFacilitator.cohort_id, CohortFacilitator.user_id).where(
        CohortFacilitator.cohort_id.in_(cohort_ids))
    both = members.union(facilitators).subquery()
    for cohort_id, user in db.session.execute(
            select(both.c.cohort_id, User).join(User, User.id == both.c.user_id)):
        found[cohort_id][user.id] = user
    return {cohort_id: list(users.values()) for cohort_id, users in found.items()}


def _choices(cohort_ids: list[int]) -> dict[tuple[int, int], Subscription]:
    """The choices people made in these cohorts, by (person, cohort)."""
    return {(row.user_id, row.cohort_id): row for row in db.session.scalars(
        select(Subscription).where(Subscription.cohort_id.in_(cohort_ids)))}


def _excerpt(post: Post) -> str:
    """The post as the email quotes it: its text, cut after 1,500 characters."""
    body = post.body.strip()
    return body if len(body) <= EXCERPT_LENGTH else body[:EXCERPT_LENGTH].rstrip() + "…"


def _topic_link(cohort: Cohort, topic: Topic, post: Post) -> str:
    """The absolute link to a post, on its page of the topic."""
    return mail.link("discussion.topic", slug=cohort.slug, topic_id=topic.id, post=post.id,
                     _anchor=f"post-{post.id}")


# --- every post ----------------------------------------------------------------------------------

def new_post(post_id: int) -> int:
    """Email a new post to the readers who want every post (not its author); how many. The
    queue's job (lms.discussion.tasks): a post hidden or deleted meanwhile is not sent."""
    found = db.session.execute(
        select(Post, Topic, Cohort, User.name).join(Topic, Topic.id == Post.topic_id)
        .join(Cohort, Cohort.id == Post.cohort_id).join(User, User.id == Post.author_id)
        .where(Post.id == post_id)).first()
    if found is None:
        return 0
    post, topic, cohort, author = found
    if post.hidden_at is not None or post.deleted_at is not None or _topic_hidden(topic.id):
        return 0
    wanted = _choices([cohort.id])
    sent = 0
    for reader in readers([cohort.id])[cohort.id]:
        row = wanted.get((reader.id, cohort.id))
        if reader.id == post.author_id or row is None or row.choice != EVERY_POST:
            continue
        with force_locale(reader.locale):
            subject = gettext("%(cohort)s: %(name)s in “%(topic)s”", cohort=cohort.name,
                              name=author, topic=topic.title)
            body = "\n\n".join([
                gettext("Hello %(name)s,", name=reader.name),
                gettext("%(name)s wrote in “%(topic)s”, in the discussion of %(cohort)s:",
                        name=author, topic=topic.title, cohort=cohort.name),
                _excerpt(post),
                gettext("Read and reply: %(link)s", link=_topic_link(cohort, topic, post)),
                gettext("You receive an email for every post because you chose so for this "
                        "cohort's discussion.")])
            message = mail.compose(reader.email, subject[:200],
                                   mail.with_unsubscribe(body, reader.id, KIND, cohort.id))
        mail.queue(message, kind=KIND, user_id=reader.id, scope=cohort.id)
        sent += 1
    return sent


def _topic_hidden(topic_id: int) -> bool:
    """Whether the topic's opening post is hidden: the topic is then hidden from readers."""
    return db.session.scalar(select(Post.hidden_at).where(Post.topic_id == topic_id,
                                                          Post.opening)) is not None


# --- the daily digest ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DigestPost:
    cohort: Cohort
    topic: Topic
    post: Post
    author: str


def _recent(now: datetime) -> dict[int, list[DigestPost]]:
    """Posts shown to everyone (in topics shown to everyone) written in the digest's reach, by
    cohort (one query)."""
    found: dict[int, list[DigestPost]] = defaultdict(list)
    opening = aliased(Post)
    for post, topic, cohort, author in db.session.execute(
            select(Post, Topic, Cohort, User.name).join(Topic, Topic.id == Post.topic_id)
            .join(opening, and_(opening.topic_id == Topic.id, opening.opening))
            .join(Cohort, Cohort.id == Post.cohort_id).join(User, User.id == Post.author_id)
            .where(Post.created_at >= now - DIGEST_REACH, Post.created_at <= now,
                   Post.hidden_at.is_(None), Post.deleted_at.is_(None),
                   opening.hidden_at.is_(None))
            .order_by(Post.id)):
        found[cohort.id].append(DigestPost(cohort, topic, post, author))
    return found


def compose_digest(reader: User, news: list[list[DigestPost]]) -> tuple[str, str]:
    """The digest's subject and text, in the current (forced) language: per cohort, its new
    posts by topic."""
    parts = [gettext("Hello %(name)s,", name=reader.name),
             gettext("Here is what was written in your cohorts' discussions since yesterday's "
                     "summary.")]
    for posts in news:
        cohort = posts[0].cohort
        lines = [ngettext("%(cohort)s: %(num)d new post", "%(cohort)s: %(num)d new posts",
                          len(posts), cohort=cohort.name)]
        for item in posts:
            lines.append(gettext("- %(name)s in “%(topic)s”: %(link)s", name=item.author,
                                 topic=item.topic.title,
                                 link=_topic_link(cohort, item.topic, item.post)))
        parts.append("\n".join(lines))
    parts.append(gettext("You receive this summary once a day because it is your choice for "
                         "these discussions (the usual one)."))
    return gettext("New in your cohorts' discussions"), "\n\n".join(parts)


def run_digest(now: datetime) -> int:
    """Queue one digest per reader who chose it and has news (posts by others since their last
    digest); how many. The caller (the daily duty) commits."""
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    recent = _recent(now)
    if not recent:
        return 0
    cohort_ids = sorted(recent)
    wanted = _choices(cohort_ids)
    news: dict[int, list[list[DigestPost]]] = defaultdict(list)
    people: dict[int, User] = {}
    for cohort_id, cohort_readers in readers(cohort_ids).items():
        newest = recent[cohort_id][-1].post.id
        for reader in cohort_readers:
            row = wanted.get((reader.id, cohort_id))
            if row is not None and row.choice != DAILY_DIGEST:
                continue
            since = (row.digested_post_id if row is not None else None) or 0
            posts = [item for item in recent[cohort_id]
                     if item.post.id > since and item.post.author_id != reader.id]
            _digested(reader.id, cohort_id, newest, row)
            if posts:
                news[reader.id].append(posts)
                people[reader.id] = reader
    for user_id, cohorts_news in news.items():
        reader = people[user_id]
        with force_locale(reader.locale):
            subject, body = compose_digest(reader, cohorts_news)
            # One link per cohort in the footer (each choice is per cohort); the mail program's
            # button (List-Unsubscribe) stops the first one's.
            footer = [mail.unsubscribe_link(user_id, KIND, posts[0].cohort.id)
                      for posts in cohorts_news]
            stops = "\n".join(f"{posts[0].cohort.name}: {link}"
                              for posts, link in zip(cohorts_news, footer, strict=True))
            text = (f"{body}\n\n-- \n" + gettext("To stop emails about a discussion, open "
                                                  "its page:") + f"\n{stops}")
            message = mail.compose(reader.email, subject, text)
        mail.queue(message, kind=KIND, user_id=user_id, scope=cohorts_news[0][0].cohort.id)
    return len(news)


def _digested(user_id: int, cohort_id: int, newest: int, row: Subscription | None) -> None:
    """Remember the newest post a digest covered for this reader and cohort."""
    if row is None:
        insert_or_ignore(Subscription, {"user_id": user_id, "cohort_id": cohort_id,
                                        "choice": DAILY_DIGEST, "digested_post_id": newest},
                         ["user_id", "cohort_id"])
    else:
        row.digested_post_id = newest


# --- the unsubscribe link ------------------------------------------------------------------------

def _stops(user_id: int, cohort_id: int) -> str | None:
    """What the unsubscribe link stops, or None when the cohort is gone."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        return None
    return str(gettext("You will no longer receive emails about the discussion of %(cohort)s.",
                       cohort=cohort.name))


def _choose_again(cohort_id: int) -> str:
    """The discussion's page, where its email choice is made."""
    slug = db.session.scalar(select(Cohort.slug).where(Cohort.id == cohort_id))
    return url_for("discussion.index", slug=slug, _anchor="notifications")


preferences.SCOPED[KIND] = preferences.ScopedChoice(
    stops=_stops,
    is_off=lambda user_id, cohort_id: choice_of(user_id, cohort_id) == NOTHING,
    switch_off=lambda user_id, cohort_id: set_choice(user_id, cohort_id, NOTHING),
    choose_again=_choose_again)
