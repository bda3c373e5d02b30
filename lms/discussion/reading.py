"""What the discussion's pages show: the topic list (pinned first, unread markers, search,
paging), a topic's posts a page at a time, open reports, and the lesson page's link. Each page
loads in a fixed number of queries, however many topics or replies there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, true, update
from sqlalchemy.orm import aliased

from lms import paging
from lms.accounts.models import User
from lms.cohorts.models import Cohort, Membership
from lms.database import insert_or_ignore
from lms.discussion import text
from lms.discussion.models import Post, ReadMarker, Report, Topic
from lms.extensions import db

TOPICS_PER_PAGE = 20
POSTS_PER_PAGE = 50
SEARCH_MAX_LENGTH = 200


def visible(user: User, moderates: bool, post: type[Post] = Post) -> ColumnElement[bool]:
    """The posts this reader sees: all for facilitators; others not those hidden, save their own."""
    if moderates:
        return true()
    return or_(post.hidden_at.is_(None), post.author_id == user.id)


def _like(query: str) -> str:
    """A LIKE pattern matching the folded words as typed, wildcards taken literally."""
    folded = text.searchable(" ".join(query.split())[:SEARCH_MAX_LENGTH])
    return "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class TopicRow:
    """One line of the topic list, as the reader sees it."""

    topic: Topic
    author: str
    replies: int
    unread: bool


@dataclass(frozen=True)
class TopicList:
    rows: list[TopicRow]
    page: int
    pages: int
    total: int


def topics(cohort: Cohort, user: User, moderates: bool, *, page: int = 1, query: str = "",
           lesson_id: str | None = None) -> TopicList:
    """A page of the cohort's topics the reader sees: pinned first, then by latest activity;
    with a search, those whose title or a visible post contains it."""
    opening = aliased(Post)
    conditions: list[ColumnElement[bool]] = [
        Topic.cohort_id == cohort.id,
        exists().where(opening.topic_id == Topic.id, opening.opening,
                       visible(user, moderates, opening))]
    if lesson_id:
        conditions.append(Topic.lesson_id == lesson_id)
    if query.strip():
        pattern = _like(query)
        matching = aliased(Post)
        conditions.append(or_(Topic.search_text.like(pattern, escape="\\"), exists().where(
            matching.topic_id == Topic.id, matching.search_text.like(pattern, escape="\\"),
            visible(user, moderates, matching))))
    total = db.session.scalar(select(func.count()).select_from(Topic).where(*conditions)) or 0
    page = paging.within(page, total, TOPICS_PER_PAGE)
    # One's own posts are never news to oneself.
    stats = (select(Post.topic_id, func.count(Post.id).label("posts"),
                    func.max(case((Post.author_id != user.id, Post.id))).label("newest"))
             .where(Post.cohort_id == cohort.id, visible(user, moderates))
             .group_by(Post.topic_id).subquery())
    found = db.session.execute(
        select(Topic, User.name, stats.c.posts, stats.c.newest, ReadMarker.last_post_id)
        .join(User, User.id == Topic.author_id)
        .join(stats, stats.c.topic_id == Topic.id)
        .outerjoin(ReadMarker, and_(ReadMarker.topic_id == Topic.id,
                                    ReadMarker.user_id == user.id))
        .where(*conditions)
        .order_by(Topic.pinned.desc(), Topic.last_post_at.desc(), Topic.id.desc())
        .limit(TOPICS_PER_PAGE).offset((page - 1) * TOPICS_PER_PAGE)).all()
    rows = [TopicRow(topic, author, posts - 1,
                     newest is not None and (marker is None or newest > marker))
            for topic, author, posts, newest, marker in found]
    return TopicList(rows, page, paging.page_count(total, TOPICS_PER_PAGE), total)


@dataclass(frozen=True)
class PostView:
    """A post as the topic page shows it."""

    post: Post
    author: str
    unread: bool  # the first post this reader has not seen
    reports: int  # open reports, for facilitators

    @property
    def html(self) -> Markup:
        """The post's text, sanitised by nh3 when it was written (lms.discussion.text)."""
        return Markup(self.post.html)  # noqa: S704 - sanitised when written


@dataclass(frozen=True)
class TopicPage:
    posts: list[PostView]
    page: int
    pages: int
    total: int


def page_of(topic: Topic, user: User, moderates: bool, post_id: int) -> int:
    """The page of the topic on which this post appears."""
    before = db.session.scalar(select(func.count()).select_from(Post).where(
        Post.topic_id == topic.id, Post.id <= post_id, visible(user, moderates))) or 1
    return paging.page_count(before, POSTS_PER_PAGE)


def topic_page(topic: Topic, user: User, moderates: bool, page: int | None) -> TopicPage:
    """A page of the topic's posts (the one with the first unread post when none is asked),
    marking them read: the caller commits once the page is rendered (committing sooner would
    expire every post loaded, and reload them one by one). Six queries whatever the length."""
    conditions = [Post.topic_id == topic.id, visible(user, moderates)]
    total = db.session.scalar(select(func.count()).select_from(Post).where(*conditions)) or 0
    marker = db.session.scalar(select(ReadMarker.last_post_id).where(
        ReadMarker.user_id == user.id, ReadMarker.topic_id == topic.id))
    if page is None:
        seen = db.session.scalar(select(func.count()).select_from(Post).where(
            *conditions, Post.id <= (marker or 0))) or 0
        page = paging.page_count(seen + 1, POSTS_PER_PAGE) if marker is not None else 1
    page = paging.within(page, total, POSTS_PER_PAGE)
    found = db.session.execute(
        select(Post, User.name).join(User, User.id == Post.author_id).where(*conditions)
        .order_by(Post.id).limit(POSTS_PER_PAGE).offset((page - 1) * POSTS_PER_PAGE)).all()
    reports: dict[int, int] = {}
    if moderates and found:
        reports = dict(db.session.execute(
            select(Report.post_id, func.count()).where(
                Report.post_id.in_([post.id for post, _ in found]), Report.resolved_at.is_(None))
            .group_by(Report.post_id)).all())
    first_unread = next((post.id for post, _ in found if marker is not None
                         and post.id > marker and post.author_id != user.id), None)
    views = [PostView(post, author, post.id == first_unread, reports.get(post.id, 0))
             for post, author in found]
    if found:
        _mark_read(user, topic, max(post.id for post, _ in found), marker)
    return TopicPage(views, page, paging.page_count(total, POSTS_PER_PAGE), total)


def _mark_read(user: User, topic: Topic, newest: int, marker: int | None) -> None:
    """Move the reader's marker to the newest post they were shown (never back)."""
    if marker is None:
        insert_or_ignore(ReadMarker, {"user_id": user.id, "topic_id": topic.id,
                                      "last_post_id": newest}, ["user_id", "topic_id"])
    elif newest > marker:
        db.session.execute(update(ReadMarker).where(
            ReadMarker.user_id == user.id, ReadMarker.topic_id == topic.id,
            ReadMarker.last_post_id < newest).values(last_post_id=newest))


@dataclass(frozen=True)
class OpenReport:
    """A report awaiting a facilitator, with what they need to judge it."""

    id: int
    post_id: int
    topic_id: int
    topic_title: str
    author: str
    excerpt: str
    reporter: str
    reason: str
    created_at: datetime


def open_reports(cohort: Cohort) -> list[OpenReport]:
    """The cohort's open reports, oldest first (one query)."""
    reporter, author = aliased(User), aliased(User)
    return [OpenReport(found.id, post.id, topic.id, topic.title, author_name, post.body[:200],
                       reporter_name, found.reason, found.created_at)
            for found, post, topic, author_name, reporter_name in db.session.execute(
                select(Report, Post, Topic, author.name, reporter.name)
                .join(Post, Post.id == Report.post_id).join(Topic, Topic.id == Post.topic_id)
                .join(author, author.id == Post.author_id)
                .join(reporter, reporter.id == Report.reporter_id)
                .where(Report.cohort_id == cohort.id, Report.resolved_at.is_(None))
                .order_by(Report.id)).all()]


# --- the lesson page's link ----------------------------------------------------------------------

@dataclass(frozen=True)
class LessonDiscussion:
    """Where a learner discusses a lesson with their cohort, and how many replies await."""

    slug: str
    lesson_id: str
    topic_id: int | None  # the lesson's topic when there is exactly one
    topics: int
    replies: int


def lesson_discussion(user: User, course_id: str, lesson_id: str) -> LessonDiscussion | None:
    """The lesson's discussion in the learner's newest cohort of this course (or None outside
    any): two queries."""
    cohort = db.session.scalar(
        select(Cohort).join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Cohort.course_id == course_id)
        .order_by(Cohort.closed_at.is_not(None), Cohort.starts_on.desc(), Cohort.id.desc())
        .limit(1))
    if cohort is None:
        return None
    opening = aliased(Post)
    found = db.session.execute(
        select(Topic.id, func.count(Post.id))
        .outerjoin(Post, and_(Post.topic_id == Topic.id, Post.opening.is_(False),
                              Post.deleted_at.is_(None), visible(user, False)))
        .where(Topic.cohort_id == cohort.id, Topic.lesson_id == lesson_id,
               exists().where(opening.topic_id == Topic.id, opening.opening,
                              visible(user, False, opening)))
        .group_by(Topic.id)).all()
    only = found[0][0] if len(found) == 1 else None
    return LessonDiscussion(cohort.slug, lesson_id, only, len(found),
                            sum(count for _, count in found))
