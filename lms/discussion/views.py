"""The discussion's pages for its readers: the topic list with a new-topic form, a topic with
its replies and a reply form, and changing, deleting or reporting a post."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_wtf import FlaskForm

from lms.access import SIGNED_IN, requires
from lms.cohorts import services as cohorts
from lms.cohorts.forms import ActionForm
from lms.cohorts.models import Cohort
from lms.courses import services as courses
from lms.db import utcnow
from lms.discussion import bp, notify, reading, services
from lms.discussion.forms import EditForm, NotificationsForm, ReplyForm, ReportForm, TopicForm
from lms.discussion.models import Post, Topic
from lms.extensions import db
from lms.forms import choices, render_form
from lms.web import MAX_ID, guarded


def refused(form: FlaskForm, error: services.DiscussionError) -> None:
    """Show a service's refusal on the field it names (or above the form)."""
    target = getattr(form, error.field or "", None)
    if target is not None:
        target.errors = [str(error)]
    else:
        form.form_errors.append(str(error))


def reader_context(slug: str) -> tuple[Cohort, bool]:
    """The cohort whose discussion the signed-in user reads, and whether they moderate it."""
    cohort = guarded(lambda: services.cohort_for_reader(slug, current_user))
    return cohort, cohorts.facilitates(current_user, cohort)


def lesson_titles(cohort: Cohort) -> dict[str, str]:
    """The course's lessons, by id, titled in the reader's language (from the catalogue)."""
    language = str(get_locale())
    return {lesson.lesson_id: lesson.version(language)[0].title
            for lesson in courses.get_course(cohort.course_id).lessons}


def _page_argument() -> int | None:
    """The page asked for in the address, if any (paging.within bounds it)."""
    return request.args.get("page", type=int)


def topic_url(cohort: Cohort, topic_id: int, post_id: int | None = None) -> str:
    """A topic's page, at the page and place of a post when one is given."""
    if post_id is None:
        return url_for("discussion.topic", slug=cohort.slug, topic_id=topic_id)
    return url_for("discussion.topic", slug=cohort.slug, topic_id=topic_id, post=post_id,
                   _anchor=f"post-{post_id}")


@bp.route("/<slug>/discussion", methods=["GET", "POST"])
@requires(SIGNED_IN)
def index(slug: str) -> ResponseReturnValue:
    """The cohort's topics (pinned first, unread marked, searchable) and a new-topic form."""
    cohort, moderates = reader_context(slug)
    titles = lesson_titles(cohort)
    lesson = request.args.get("lesson", "")
    lesson = lesson if lesson in titles else ""
    form = TopicForm(lesson_id=lesson)
    form.lesson_id.choices = choices([("", gettext("No particular lesson")), *titles.items()])
    if form.validate_on_submit():
        try:
            topic = services.start_topic(cohort, current_user, form.title.data or "",
                                         form.body.data or "", form.lesson_id.data)
        except services.DiscussionError as error:
            refused(form, error)
        else:
            flash(gettext("Your topic is posted."), "success")
            return redirect(topic_url(cohort, topic.id), code=303)
    query = request.args.get("q", "")[:reading.SEARCH_MAX_LENGTH]
    listing = reading.topics(cohort, current_user, moderates, page=_page_argument() or 1,
                             query=query, lesson_id=lesson or None)
    notifications = NotificationsForm(choice=notify.choice_of(current_user.id, cohort.id))
    return render_form(
        "discussion/index.html", form, cohort=cohort, listing=listing, query=query,
        lesson=lesson, titles=titles, moderates=moderates, notifications=notifications,
        reports=reading.open_reports(cohort) if moderates else [],
        action_form=ActionForm())


@bp.route("/<slug>/discussion/<int:topic_id>", methods=["GET", "POST"])
@requires(SIGNED_IN)
def topic(slug: str, topic_id: int) -> ResponseReturnValue:
    """A topic: its posts a page at a time (from the first unread), and the reply form."""
    cohort, moderates = reader_context(slug)
    found: Topic = guarded(lambda: services.topic_in(cohort, topic_id, current_user, moderates))
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            post = services.reply(found, current_user, form.body.data or "")
        except services.DiscussionError as error:
            refused(form, error)
        else:
            flash(gettext("Your reply is posted."), "success")
            return redirect(topic_url(cohort, found.id, post.id), code=303)
    page = _page_argument()
    post_id = request.args.get("post", type=int)
    if page is None and post_id is not None and 0 < post_id <= MAX_ID:
        page = reading.page_of(found, current_user, moderates, post_id)
    shown = reading.topic_page(found, current_user, moderates, page)
    response = render_form(
        "discussion/topic.html", form, cohort=cohort, topic=found, shown=shown,
        moderates=moderates, titles=lesson_titles(cohort), action_form=ActionForm(),
        editable=services.EDIT_WINDOW, now=utcnow())
    db.session.commit()  # the read marker, once the page is made (see reading.topic_page)
    return response


def _own_post(slug: str, post_id: int) -> tuple[Cohort, Post]:
    """The cohort and one of its posts that the signed-in user may see (404 otherwise)."""
    cohort, moderates = reader_context(slug)
    return cohort, guarded(lambda: services.post_in(cohort, post_id, current_user, moderates))


@bp.route("/<slug>/discussion/posts/<int:post_id>/edit", methods=["GET", "POST"])
@requires(SIGNED_IN)
def edit(slug: str, post_id: int) -> ResponseReturnValue:
    """Change one's own post, within 30 minutes of posting it."""
    cohort, post = _own_post(slug, post_id)
    guarded(lambda: services.ensure_may_edit(current_user, post))
    form = EditForm(body=post.body)
    if form.validate_on_submit():
        try:
            services.edit(post, current_user, form.body.data or "")
        except services.DiscussionError as error:
            refused(form, error)
        else:
            flash(gettext("Your post is changed."), "success")
            return redirect(topic_url(cohort, post.topic_id, post.id), code=303)
    return render_form("discussion/edit.html", form, cohort=cohort, post=post)


@bp.route("/<slug>/discussion/posts/<int:post_id>/delete", methods=["GET", "POST"])
@requires(SIGNED_IN)
def delete(slug: str, post_id: int) -> ResponseReturnValue:
    """Delete one's own post (a button on a page that says what it does)."""
    cohort, post = _own_post(slug, post_id)
    guarded(lambda: services.ensure_author(current_user, post))
    form = ActionForm()
    if form.validate_on_submit():
        services.delete(post, current_user)
        flash(gettext("Your post is deleted."), "success")
        return redirect(topic_url(cohort, post.topic_id, post.id), code=303)
    return render_form("discussion/delete.html", form, cohort=cohort, post=post)


@bp.route("/<slug>/discussion/posts/<int:post_id>/report", methods=["GET", "POST"])
@requires(SIGNED_IN)
def report(slug: str, post_id: int) -> ResponseReturnValue:
    """Report a post to the cohort's facilitators, saying why."""
    cohort, post = _own_post(slug, post_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report(post, current_user, form.reason.data or "")
        except services.DiscussionError as error:
            refused(form, error)
        else:
            flash(gettext("Thank you: the facilitators will look at this post."), "success")
            return redirect(topic_url(cohort, post.topic_id, post.id), code=303)
    return render_form("discussion/reason.html", form, cohort=cohort, post=post,
                       purpose="report")
