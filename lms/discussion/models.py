"""The discussion's tables: topics, their posts, reports, read markers and email choices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model

# A person's email choice for one cohort's discussion.
EVERY_POST, DAILY_DIGEST, NOTHING = "every-post", "daily", "nothing"
CHOICES = (EVERY_POST, DAILY_DIGEST, NOTHING)


class Topic(Model):
    """A conversation in a cohort's discussion; its first post is the opening message."""

    __tablename__ = "discussion_topics"
    __table_args__ = (Index("ix_discussion_topics_cohort_activity", "cohort_id", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    # Folded title (lms.i18n.fold): the search box matches it the same way on every database.
    search_text: Mapped[str] = mapped_column(String(200))
    lesson_id: Mapped[str | None] = mapped_column(String(100))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Post(Model):
    """One message in a topic. The Markdown source is kept beside its sanitised HTML, rendered
    once when written, so that a long topic is not re-rendered at every view."""

    __tablename__ = "discussion_posts"
    __table_args__ = (Index("ix_discussion_posts_topic_id", "topic_id", "id"),
                      Index("ix_discussion_posts_cohort_id", "cohort_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("discussion_topics.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The topic's first post: hiding it hides the topic from all but its author and facilitators.
    opening: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Deleted by its author: the text is gone, a placeholder keeps the thread's shape.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))


class Report(Model):
    """A member's report of a post to the cohort's facilitators, open until one dismisses it."""

    __tablename__ = "discussion_reports"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_posts.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReadMarker(Model):
    """The newest post of a topic a person has seen: newer visible posts are unread."""

    __tablename__ = "discussion_read_markers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("discussion_topics.id"), primary_key=True)
    last_post_id: Mapped[int] = mapped_column()


class Subscription(Model):
    """A person's email choice for one cohort's discussion (no row: the daily digest), and the
    newest post their last digest covered."""

    __tablename__ = "discussion_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    choice: Mapped[str] = mapped_column(String(20), default=DAILY_DIGEST)
    digested_post_id: Mapped[int | None] = mapped_column()
