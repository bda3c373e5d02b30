"""The discussion's rules (who may read, write, change and moderate what) and its writing:
topics, replies, edits, deletions, pins, locks, hiding and reports."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select, update

from lms import errors
from lms.accounts.models import User
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.courses import services as courses
from lms.database import insert_or_ignore
from lms.db import utcnow
from lms.discussion import text
from lms.discussion.models import Post, Report, Topic
from lms.extensions import db
from lms.jobs import queue

EDIT_WINDOW = timedelta(minutes=30)


class DiscussionError(Exception):
    """A request that cannot be carried out; the message is shown on the field it names."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(DiscussionError, errors.NotAllowed):
    """The user may see this but not do this with it (a 403)."""


class NotFound(DiscussionError, errors.NotFound):
    """No such thing, or not one the user may see (a 404)."""


# --- who may do what (one function per rule) -----------------------------------------------------

def can_read(user: User, cohort: Cohort) -> bool:
    """Members (graduates of a closed cohort too), its facilitators and admins."""
    return cohorts.is_member(user.id, cohort) or cohorts.facilitates(user, cohort)


def cohort_for_reader(slug: str, user: User) -> Cohort:
    """The cohort whose discussion the user may read; NotFound for anyone else, so that the
    discussion of another cohort is not even said to exist."""
    try:
        cohort = cohorts.get_cohort(slug)
    except cohorts.NotFound as error:
        raise NotFound(slug) from error
    if not can_read(user, cohort):
        raise NotFound(slug)
    return cohort


def ensure_moderates(user: User, cohort: Cohort) -> None:
    """NotAllowed unless the user facilitates the cohort (or is an admin)."""
    if not cohorts.facilitates(user, cohort):
        raise NotAllowed(gettext("Only this cohort's facilitators can do this."))


def sees_post(user: User, post: Post, moderates: bool) -> bool:
    """A hidden post is seen only by its author and the cohort's facilitators."""
    return post.hidden_at is None or moderates or post.author_id == user.id


def topic_in(cohort: Cohort, topic_id: int, user: User, moderates: bool) -> Topic:
    """A topic of this cohort that the user may see (its opening post not hidden from them)."""
    topic = db.session.get(Topic, topic_id)
    if topic is None or topic.cohort_id != cohort.id:
        raise NotFound(str(topic_id))
    opening = db.session.scalar(select(Post).where(Post.topic_id == topic.id, Post.opening))
    if opening is None or not sees_post(user, opening, moderates):
        raise NotFound(str(topic_id))
    return topic


def post_in(cohort: Cohort, post_id: int, user: User, moderates: bool) -> Post:
    """A post of this cohort that the user may see."""
    post = db.session.get(Post, post_id)
    if post is None or post.cohort_id != cohort.id or not sees_post(user, post, moderates):
        raise NotFound(str(post_id))
    return post


def ensure_may_reply(topic: Topic) -> None:
    """A locked topic takes no more replies."""
    if topic.locked:
        raise DiscussionError(gettext("This topic is locked: it takes no new replies."), "body")


def ensure_author(user: User, post: Post) -> None:
    """Only its author changes or deletes a post."""
    if post.author_id != user.id:
        raise NotAllowed(gettext("Only the author of a post can change or delete it."))


def ensure_may_edit(user: User, post: Post, now: datetime | None = None) -> None:
    """Its author, within 30 minutes of posting, and not once deleted."""
    ensure_author(user, post)
    if post.deleted_at is not None:
        raise NotFound(str(post.id))
    if (now or utcnow()) - post.created_at > EDIT_WINDOW:
        raise NotAllowed(gettext("A post can be changed for 30 minutes after it was posted; "
                                 "this one can no longer be changed."))


# --- checking what is written --------------------------------------------------------------------

def clean_title(title: str) -> str:
    """The title on one line (tabs and line breaks become spaces), or DiscussionError with the
    field's message."""
    title = " ".join(title.split())
    if not title:
        raise DiscussionError(gettext("Give the topic a title."), "title")
    if len(title) > text.TITLE_MAX_LENGTH:
        raise DiscussionError(gettext("Keep the title under 200 characters."), "title")
    if text.has_control_characters(title, multiline=False):
        raise DiscussionError(gettext("The title contains characters that cannot be shown "
                                      "(control characters). Remove them."), "title")
    return title


def clean_body(body: str, field: str = "body") -> str:
    """A post's Markdown, trimmed, or DiscussionError with the field's message."""
    body = body.strip()
    if not body:
        raise DiscussionError(gettext("Write your message."), field)
    if len(body) > text.BODY_MAX_LENGTH:
        raise DiscussionError(gettext("Keep your message under 20,000 characters."), field)
    if text.has_control_characters(body, multiline=True):
        raise DiscussionError(gettext("Your message contains characters that cannot be shown "
                                      "(control characters). Remove them."), field)
    return body


def clean_reason(reason: str) -> str:
    """A reason (for hiding or reporting a post): one to 500 characters."""
    reason = reason.strip()
    if not reason:
        raise DiscussionError(gettext("Give a reason."), "reason")
    if len(reason) > text.REASON_MAX_LENGTH:
        raise DiscussionError(gettext("Keep the reason under 500 characters."), "reason")
    if text.has_control_characters(reason, multiline=True):
        raise DiscussionError(gettext("The reason contains characters that cannot be shown "
                                      "(control characters). Remove them."), "reason")
    return reason


def clean_lesson(cohort: Cohort, lesson_id: str | None) -> str | None:
    """A lesson of the cohort's course, or None for a topic about no lesson."""
    if not lesson_id:
        return None
    if courses.get_course(cohort.course_id).lesson(lesson_id) is None:
        raise DiscussionError(gettext("Choose a lesson from the list."), "lesson_id")
    return lesson_id


# --- writing -------------------------------------------------------------------------------------

def _new_post(topic: Topic, author: User, body: str, *, opening: bool) -> Post:
    """Add a checked post to the topic, rendered once, and queue its emails."""
    post = Post(topic_id=topic.id, cohort_id=topic.cohort_id, author_id=author.id, body=body,
                html=text.render(body), search_text=text.searchable(body), opening=opening,
                created_at=utcnow())
    db.session.add(post)
    db.session.flush()
    topic.last_post_at = post.created_at
    # Through the queue: a reader who wants every post is emailed by a worker, not by this
    # request (a cohort of hundreds would keep the writer waiting).
    queue.enqueue("discussion.new_post", post_id=post.id)
    return post


def start_topic(cohort: Cohort, author: User, title: str, body: str,
                lesson_id: str | None) -> Topic:
    """A new topic with its opening post; every field is checked before anything is written."""
    title = clean_title(title)
    body = clean_body(body)
    lesson_id = clean_lesson(cohort, lesson_id)
    topic = Topic(cohort_id=cohort.id, author_id=author.id, title=title,
                  search_text=text.searchable(title), lesson_id=lesson_id)
    db.session.add(topic)
    db.session.flush()
    _new_post(topic, author, body, opening=True)
    db.session.commit()
    return topic


def reply(topic: Topic, author: User, body: str) -> Post:
    """A reply at the end of the topic, unless it is locked."""
    ensure_may_reply(topic)
    post = _new_post(topic, author, clean_body(body), opening=False)
    db.session.commit()
    return post


def edit(post: Post, user: User, body: str) -> None:
    """Change one's own post within 30 minutes of posting it."""
    ensure_may_edit(user, post)
    body = clean_body(body)
    post.body, post.html, post.search_text = body, text.render(body), text.searchable(body)
    post.edited_at = utcnow()
    db.session.commit()


def delete(post: Post, user: User) -> None:
    """Delete one's own post: its text goes, a placeholder keeps the thread's shape."""
    ensure_author(user, post)
    if post.deleted_at is None:
        post.deleted_at = utcnow()
        post.body = post.html = post.search_text = ""
    db.session.commit()


# --- moderation ----------------------------------------------------------------------------------

def set_pinned(topic: Topic, pinned: bool) -> None:
    """Pin a topic to the top of the list (or unpin it)."""
    topic.pinned = pinned
    db.session.commit()


def set_locked(topic: Topic, locked: bool) -> None:
    """Lock a topic (no more replies) or open it again."""
    topic.locked = locked
    db.session.commit()


def hide(post: Post, facilitator: User, reason: str) -> None:
    """Hide a post from everyone but its author (who sees the reason) and the facilitators;
    reports about it are settled."""
    reason = clean_reason(reason)
    post.hidden_at, post.hidden_by, post.hidden_reason = utcnow(), facilitator.id, reason
    _resolve_reports(post, facilitator)
    db.session.commit()


def unhide(post: Post) -> None:
    """Show a hidden post again."""
    post.hidden_at = post.hidden_by = post.hidden_reason = None
    db.session.commit()


def report(post: Post, reporter: User, reason: str) -> bool:
    """Report a post to the facilitators; False if this person had already reported it."""
    reason = clean_reason(reason)
    if post.deleted_at is not None or post.hidden_at is not None:
        raise DiscussionError(gettext("This post is no longer shown: there is nothing to "
                                      "report."), "reason")
    added = insert_or_ignore(Report, {"post_id": post.id, "cohort_id": post.cohort_id,
                                      "reporter_id": reporter.id, "reason": reason,
                                      "created_at": utcnow()}, ["post_id", "reporter_id"])
    db.session.commit()
    return added


def report_in(cohort: Cohort, report_id: int) -> Report:
    """An open report about a post of this cohort."""
    found = db.session.get(Report, report_id)
    if found is None or found.cohort_id != cohort.id or found.resolved_at is not None:
        raise NotFound(str(report_id))
    return found


def dismiss(found: Report, facilitator: User) -> None:
    """Close a report without hiding the post."""
    found.resolved_at, found.resolved_by = utcnow(), facilitator.id
    db.session.commit()


def _resolve_reports(post: Post, facilitator: User) -> None:
    """Settle the open reports about a post (it was hidden)."""
    db.session.execute(update(Report).where(Report.post_id == post.id,
                                            Report.resolved_at.is_(None))
                       .values(resolved_at=utcnow(), resolved_by=facilitator.id))
