"""Catalogue, course and lesson pages; answers, reflections and completion."""

from __future__ import annotations

import threading
from collections.abc import Callable

from cachetools import LRUCache
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale, gettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.security import safe_join

from lms.access import SIGNED_IN, public, requires
from lms.courses import bp, self_assessments, services
from lms.courses.assessment import BEFORE
from lms.courses.content import Course, Lesson
from lms.courses.forms import AnswerForm, CompleteForm, ReflectionForm, self_assessment_form
from lms.deadlines import Deadline
from lms.extensions import db
from lms.forms import render_form
from lms.web import error_page, may_open_alumni


def _language() -> str:
    return str(get_locale())


def _load(course_id: str, lesson_id: str | None = None) -> tuple[Course, Lesson | None]:
    try:
        course = services.get_course(course_id)
        lesson = services.get_lesson(course, lesson_id) if lesson_id is not None else None
    except services.NotFound:
        abort(404)
    return course, lesson


@bp.route("/")
@public
def catalogue() -> ResponseReturnValue:
    """Every course; a signed-in learner also sees their progress in each."""
    courses = services.list_courses()
    progress = services.progress_by_course(
        current_user.id if current_user.is_authenticated else None, courses)
    return render_template("courses/catalogue.html", courses=courses, progress=progress,
                           language=_language())


@bp.route("/<course_id>/")
@requires(SIGNED_IN)
def course(course_id: str) -> ResponseReturnValue:
    """A course: summary, objectives, lessons with the learner's state, where to continue."""
    from lms.certificates import services as certificates  # certificates build on courses
    from lms.cohorts import services as cohorts  # cohorts build on courses

    course, _ = _load(course_id)
    language = _language()
    today = cohorts.today()
    deadlines = {lesson_id: Deadline(due_on, today) for lesson_id, due_on
           in cohorts.due_dates_for(current_user.id, course.course_id).items()}
    assessment = self_assessments.standing(current_user.id, course)
    shifts = (self_assessments.comparison(assessment, course.self_assessment, language)
              if assessment and course.self_assessment and (assessment.before or assessment.after)
              else [])
    certificate = certificates.active_certificate(current_user.id, course.course_id)
    revoked = None if certificate else certificates.revoked_certificate(current_user.id,
                                                                        course.course_id)
    return render_template(
        "courses/course.html", course=course, language=language,
        progress=services.course_progress(current_user.id, course),
        certificate=certificate, revoked=revoked,
        revoked_on=format_date(revoked.revoked_at.date(), "long")
        if revoked and revoked.revoked_at else None,
        rule=certificates.eligibility(current_user.id, course), assessment=assessment,
        shifts=shifts, deadlines=deadlines)


@bp.route("/<course_id>/self-assessment/<phase>", methods=["GET", "POST"])
@requires(SIGNED_IN)
def self_assessment(course_id: str, phase: str) -> ResponseReturnValue:
    """Rate where I stand on the course's statements, before the course or after it."""
    course, _ = _load(course_id)
    try:
        current = self_assessments.check_phase(current_user.id, course, phase)
    except self_assessments.NoAssessment:
        abort(404)
    except self_assessments.AssessmentError as error:
        abort(make_response(error_page(409, str(error))))
    assessment = course.self_assessment
    assert assessment is not None
    if (current.before if phase == BEFORE else current.after) is not None:
        flash(gettext("Your answers were already recorded. Here is how they compare."), "info")
        return redirect(url_for("courses.course", course_id=course.course_id,
                                _anchor="self-assessment-title"))
    language = _language()
    statements = [(statement.statement_id, statement.text(language, assessment.default_language))
                  for statement in assessment.statements]
    form = self_assessment_form(statements, assessment.question.text(
        language, assessment.default_language))
    if form.validate_on_submit():
        ratings = {statement_id: form[f"statement_{position}"].data
                   for position, (statement_id, _) in enumerate(statements)}
        try:
            self_assessments.submit(current_user.id, course, phase, ratings,
                                    form.open_answer.data or "")
        except self_assessments.AssessmentError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(gettext("Thank you: your answers are recorded.") if phase == BEFORE
                  else gettext("Thank you: here is how your answers moved since you started."),
                  "success")
            return redirect(url_for("courses.course", course_id=course.course_id,
                                    _anchor="self-assessment-title"))
    return render_form("courses/self_assessment.html", form, course=course, phase=phase,
                       language=language, statement_count=len(statements))


def _lesson_page(course: Course, lesson: Lesson, *, errors: dict[str, str] | None = None,
                 status: int = 200) -> ResponseReturnValue:
    """A lesson page for the signed-in learner.

    Rendered once per content version, page language, address and version of the learner's
    records (bumped by every answer, reflection or completion; the name, role and menu shown in
    the header and the lesson's due date are part of the key too), then served from memory:
    re-reading a lesson, the commonest request, runs no query beyond loading the user, its due
    date, the link to its discussion (and, for a learner, whether they are an alumnus, for the
    menu) and renders nothing.
    Pages with an error or a one-time message are never cached.
    """
    from lms.cohorts import services as cohorts  # cohorts build on courses
    from lms.discussion import reading as discussion  # and the discussion on cohorts

    language = _language()
    csrf = generate_csrf()
    cache = current_app.extensions["lms.lesson_html"]
    cacheable = not errors and "_flashes" not in session
    # The due date at the top: the learner's cohorts and their schedules can change, and the
    # words ("in 3 days") change every day, so both are part of the key (one small query).
    due_on = cohorts.due_dates_for(current_user.id, course.course_id).get(lesson.lesson_id)
    deadline = Deadline(due_on, cohorts.today()) if due_on is not None else None
    # Others' replies change the count: part of the key too (two small queries).
    discussed = discussion.lesson_discussion(current_user, course.course_id, lesson.lesson_id)

    def key() -> tuple[object, ...]:
        return (services.catalogue().version, course.course_id, lesson.lesson_id, language,
                request.full_path, session.get("csrf_token"), current_user.id,
                current_user.records_version, current_user.name, current_user.role,
                may_open_alumni(), deadline, discussed)

    if cacheable:
        with _cache_lock:
            cached = cache.get(key())
        if cached is not None:
            return cached, status
    progress, state = services.open_lesson(current_user.id, course, lesson)
    version, fallback = lesson.version(language)
    position = lesson.position
    neighbours = {
        "previous": course.lessons[position - 1] if position > 0 else None,
        "next": course.lessons[position + 1] if position + 1 < len(course.lessons) else None,
    }
    body = Markup(render_template(  # noqa: S704 - Jinja output, autoescaped
        "courses/_lesson_body.html", course=course, lesson=lesson, version=version,
        fallback=fallback, language=language, progress=progress, state=state,
        neighbours=neighbours, errors=errors or {}, csrf=csrf, deadline=deadline))
    page = render_template("courses/lesson.html", course=course, language=language,
                           version=version, body=body, discussed=discussed)
    if cacheable:
        # Opening the lesson may have recorded a first visit: file under the current version.
        with _cache_lock:
            cache[key()] = page
    return page, status


_cache_lock = threading.Lock()


@bp.record_once
def _create_cache(setup: BlueprintSetupState) -> None:
    size = setup.app.config.get("LMS_LESSON_CACHE_SIZE", 512)
    setup.app.extensions["lms.lesson_html"] = LRUCache(maxsize=size)


@bp.route("/<course_id>/<lesson_id>/")
@requires(SIGNED_IN)
def lesson(course_id: str, lesson_id: str) -> ResponseReturnValue:
    """Read a lesson in the learner's language (or the course's default, with a note)."""
    course, lesson = _load(course_id, lesson_id)
    assert lesson is not None
    return _lesson_page(course, lesson)


def _act(course_id: str, lesson_id: str, anchor: str,
         action: Callable[[Course, Lesson], object]) -> ResponseReturnValue:
    """Run a learner's action on a lesson, then go back to the part of the page it concerns;
    a refusal re-renders the page with the message at that part (400)."""
    course, lesson = _load(course_id, lesson_id)
    assert lesson is not None
    try:
        action(course, lesson)
    except services.NotFound:
        abort(404)
    except services.CourseError as error:
        return _lesson_page(course, lesson, errors={anchor: str(error)}, status=400)
    return redirect(url_for("courses.lesson", course_id=course.course_id,
                            lesson_id=lesson.lesson_id, _anchor=anchor), code=303)


@bp.route("/<course_id>/<lesson_id>/quiz/<quiz_id>", methods=["POST"])
@requires(SIGNED_IN)
def answer(course_id: str, lesson_id: str, quiz_id: str) -> ResponseReturnValue:
    """Check an answer on the server and show the feedback on the lesson page."""
    form = AnswerForm()
    form.validate()
    return _act(course_id, lesson_id, f"quiz-{quiz_id}", lambda course, lesson: (
        services.answer_quiz(current_user.id, course, lesson, quiz_id,
                             request.form.getlist("choice"), request.form.get("answer", ""),
                             form.attempt.data or "")))


@bp.route("/<course_id>/<lesson_id>/reflection/<reflection_id>", methods=["POST"])
@requires(SIGNED_IN)
def reflect(course_id: str, lesson_id: str, reflection_id: str) -> ResponseReturnValue:
    """Save the learner's reflection and their choice of who may read it."""
    form = ReflectionForm()
    form.validate()
    chosen = request.form.getlist("visibility")  # two values at once is no choice
    return _act(course_id, lesson_id, f"reflection-{reflection_id}", lambda course, lesson: (
        services.save_reflection(current_user.id, course, lesson, reflection_id,
                                 form.text.data or "", chosen[0] if len(chosen) == 1 else "")))


@bp.route("/<course_id>/<lesson_id>/done", methods=["POST"])
@requires(SIGNED_IN)
def complete(course_id: str, lesson_id: str) -> ResponseReturnValue:
    """Mark the lesson done and go on to the next one (or back to the course), saying so."""
    course, lesson = _load(course_id, lesson_id)
    assert lesson is not None
    CompleteForm().validate()
    try:
        services.mark_done(current_user.id, course, lesson)
    except services.CourseError as error:
        return _lesson_page(course, lesson, errors={"complete": str(error)}, status=400)
    following = course.lessons[lesson.position + 1] \
        if lesson.position + 1 < len(course.lessons) else None
    language = _language()
    title = lesson.version(language)[0].title
    if following is None:
        flash(gettext("“%(title)s” is marked as done. That was the last lesson of the course.",
                      title=title), "success")
        return redirect(url_for("courses.course", course_id=course.course_id), code=303)
    flash(gettext("“%(title)s” is marked as done. Next: lesson %(number)d of %(count)d, "
                  "“%(next)s”.", title=title, number=following.position + 1,
                  count=len(course.lessons), next=following.version(language)[0].title),
          "success")
    return redirect(url_for("courses.lesson", course_id=course.course_id,
                            lesson_id=following.lesson_id), code=303)


@bp.route("/<course_id>/media/<path:filename>")
@public
def media(course_id: str, filename: str) -> ResponseReturnValue:
    """An image from the course's media folder."""
    course, _ = _load(course_id)
    folder = course.folder / "media"
    if safe_join(str(folder), filename) is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)


@bp.route("/<course_id>/glossary")
@requires(SIGNED_IN)
def glossary(course_id: str) -> ResponseReturnValue:
    """The course's glossary in the reader's language (or the course's default), A to Z."""
    course, _ = _load(course_id)
    if course.glossary is None:
        abort(404)
    language = course.glossary_language(_language())
    return render_template("courses/glossary.html", course=course, language=language,
                           glossary=course.glossary, entries=course.glossary.in_language(language))
