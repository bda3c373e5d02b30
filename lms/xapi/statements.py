"""How each xAPI 1.0.3 statement is written: plain values in, a statement (a dict) out.

- Ids: a UUID 5 over the kind of event, the learner's opaque id and the event's object, so
  the same event always makes the same statement (recorded once, sent once).
- Actor: an account on the platform named by the learner's random `xapi_id`, never the
  email; `LMS_XAPI_ACTOR=mbox` names them by email instead (an LRS that must match people
  with another system's records).
- Activities: the platform's own stable addresses (design.md), with a type from the ADL
  vocabulary and a name in the learner's language.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app

VERSION = "1.0.3"
# Statement ids: uuid5(NAMESPACE, "<kind>|<learner's xapi_id>|<object key>").
NAMESPACE = uuid.UUID("5d3c0b6e-1f0a-4f7e-9a51-6f8a3c1d2e17")

# Verbs: the ADL vocabulary where it has one, well-known community verbs otherwise.
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
EARNED = "http://id.tincanapi.com/verb/earned"
# Activity Streams 1.0 "lose" ("the actor has lost the object"), listed in the xAPI registry:
# the learner lost the certificate, which was revoked.
LOST = "http://activitystrea.ms/schema/1.0/lose"

VERB_NAMES = {
    LAUNCHED: "launched", COMPLETED: "completed", ANSWERED: "answered",
    ATTENDED: "attended", PASSED: "passed", EARNED: "earned", LOST: "lost",
}

# Activity types.
LESSON = "http://adlnet.gov/expapi/activities/lesson"
CHECK = "http://adlnet.gov/expapi/activities/cmi.interaction"
COURSE = "http://adlnet.gov/expapi/activities/course"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
# Activity Streams 1.0 object types (the Activity Base Schema, like the "lose" verb).
CERTIFICATE = "http://activitystrea.ms/schema/1.0/badge"
COHORT = "http://activitystrea.ms/schema/1.0/group"


@dataclass(frozen=True)
class Learner:
    """Who did it: what a statement says about the learner."""

    xapi_id: str
    email: str
    language: str  # the learner's language (en, fr, es)


@dataclass(frozen=True)
class Activity:
    """An activity of the platform: its address (below LMS_BASE_URL), type and name."""

    path: str
    type: str
    name: str

    def as_object(self, language: str, **definition: Any) -> dict[str, Any]:
        return {"objectType": "Activity", "id": url(self.path),
                "definition": {"type": self.type, "name": {language: self.name},
                               **definition}}


def url(path: str) -> str:
    """The platform's public address for `path` (an activity id)."""
    return str(current_app.config["LMS_BASE_URL"]).rstrip("/") + path


def statement_id(kind: str, learner: Learner, key: str) -> str:
    """The id of the statement recording event `kind` of `learner` about `key`."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}|{learner.xapi_id}|{key}"))


def actor(learner: Learner) -> dict[str, Any]:
    """The learner as an xAPI Agent: an account with an opaque name (or mbox, if chosen)."""
    if current_app.config.get("LMS_XAPI_ACTOR") == "mbox":
        return {"objectType": "Agent", "mbox": f"mailto:{learner.email}"}
    return {"objectType": "Agent",
            "account": {"homePage": url(""), "name": learner.xapi_id}}


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC, to the millisecond (what an LRS stores)."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def statement(*, kind: str, key: str, learner: Learner, verb: str, target: dict[str, Any],
              when: datetime, cohort: Activity | None = None, parent: Activity | None = None,
              result: dict[str, Any] | None = None) -> dict[str, Any]:
    """A whole statement: id, actor, verb, object, result, context, timestamp."""
    activities: dict[str, Any] = {}
    if parent is not None:
        activities["parent"] = [parent.as_object(learner.language)]
    if cohort is not None:
        activities["grouping"] = [cohort.as_object(learner.language)]
    context: dict[str, Any] = {
        "platform": str(current_app.config.get("LMS_ISSUER_NAME") or "LMS"),
        "language": learner.language,
    }
    if activities:
        context["contextActivities"] = activities
    made: dict[str, Any] = {
        "id": statement_id(kind, learner, key),
        "actor": actor(learner),
        "verb": {"id": verb, "display": {"en-US": VERB_NAMES[verb]}},
        "object": target,
        "context": context,
        "timestamp": timestamp(when),
        "version": VERSION,
    }
    if result is not None:
        made["result"] = result
    return made


# --- the platform's activities -------------------------------------------------------------------

def course(course_id: str, title: str) -> Activity:
    return Activity(f"/courses/{course_id}/", COURSE, title)


def lesson(course_id: str, lesson_id: str, title: str) -> Activity:
    return Activity(f"/courses/{course_id}/{lesson_id}/", LESSON, title)


def check(course_id: str, lesson_id: str, quiz_id: str, question: str) -> Activity:
    return Activity(f"/courses/{course_id}/{lesson_id}/#{quiz_id}", CHECK, question)


def session(cohort_slug: str, session_id: int, title: str) -> Activity:
    return Activity(f"/cohorts/{cohort_slug}/sessions/{session_id}", MEETING, title)


def certificate(display_code: str, title: str) -> Activity:
    return Activity(f"/verify/{display_code}", CERTIFICATE, title)


def capstone(course_id: str, title: str) -> Activity:
    return Activity(f"/courses/{course_id}/capstone", ASSESSMENT, title)


def cohort(slug: str, name: str) -> Activity:
    return Activity(f"/cohorts/{slug}/", COHORT, name)


def response(answer: list[int] | str) -> str:
    """A check's answer in xAPI's response format: the text, or the chosen options' positions
    joined by "[,]" (a choice interaction)."""
    if isinstance(answer, str):
        return answer or " "
    return "[,]".join(str(position) for position in answer)
