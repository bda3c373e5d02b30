"""The cohort discussion's part of the security suites, kept apart so that other areas' parts
merge cleanly: what it adds to their worlds, its secrets, and its wrong-object cases."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.discussion import services
from lms.discussion.models import Post, Report, Topic
from lms.extensions import db

# What only some may read in cohort a's discussion, and who they are (admins run every cohort).
DISCUSSION_SECRETS = {"Words in cohort a": {"ana", "fac_a", "admin"},
                      "Hidden words of Ana": {"ana", "fac_a", "admin"}}


def add_discussion(author: User, facilitator: User, cohort: Cohort) -> None:
    """A topic in the cohort by a member, the facilitator's reply (reported by the member) and
    a post of the member's hidden by the facilitator."""
    topic = services.start_topic(cohort, author, "Words in cohort a", "Words in cohort a",
                                 None)
    answer = services.reply(topic, facilitator, "The facilitator's answer")
    hidden = services.reply(topic, author, "Hidden words of Ana")
    services.hide(hidden, facilitator, "Off topic")
    services.report(answer, author, "Reported words")
    db.session.commit()


# (who, method, url, owner, statuses) as test_object_access.Attempt takes them.
Case = tuple[str, str, str, str | None, tuple[int, ...]]
REFUSED = (403, 404)


def discussion_cases() -> dict[str, list[Case]]:
    """Cohort a's discussion tried by people of cohort b (404: not even said to exist), its
    facilitator on a member's post (403), and cohort a's objects through cohort b's address."""
    topic = db.session.scalar(select(Topic.id).where(Topic.title == "Words in cohort a"))
    post = db.session.scalar(select(Post.id).where(Post.topic_id == topic, Post.opening))
    hidden = db.session.scalar(select(Post.id).where(Post.body == "Hidden words of Ana"))
    report = db.session.scalar(select(Report.id))
    a, b = "/cohorts/a/discussion", "/cohorts/b/discussion"

    def both(who: str, path: str, owner: str | None, methods: tuple[str, ...] = ("GET", "POST")
             ) -> list[Case]:
        return [(who, method, path, owner if method == "GET" else None, REFUSED)
                for method in methods]

    return {
        "discussion.index": [*both("ben", a, "ana"), *both("fac_b", a, "fac_a")],
        "discussion.topic": [*both("ben", f"{a}/{topic}", "ana"),
                             *both("fac_b", f"{a}/{topic}", "fac_a"),
                             *both("ben", f"{b}/{topic}", None)],
        "discussion.edit": [*both("ben", f"{a}/posts/{post}/edit", "ana"),
                            *both("fac_a", f"{a}/posts/{post}/edit", "ana"),
                            *both("ben", f"{b}/posts/{post}/edit", None)],
        "discussion.delete": [*both("ben", f"{a}/posts/{post}/delete", "ana"),
                              *both("fac_a", f"{a}/posts/{post}/delete", "ana"),
                              *both("ben", f"{b}/posts/{post}/delete", None)],
        "discussion.report": [*both("ben", f"{a}/posts/{post}/report", "fac_a"),
                              *both("ben", f"{b}/posts/{post}/report", None)],
        "discussion.hide": [*both("fac_b", f"{a}/posts/{post}/hide", "fac_a"),
                            *both("fac_b", f"{b}/posts/{post}/hide", None)],
        "discussion.unhide": [*both("fac_b", f"{a}/posts/{hidden}/unhide", None, ("POST",)),
                              *both("fac_b", f"{b}/posts/{hidden}/unhide", None, ("POST",))],
        "discussion.pin": [*both("fac_b", f"{a}/{topic}/pin", None, ("POST",)),
                           *both("fac_b", f"{b}/{topic}/pin", None, ("POST",)),
                           *both("ana", f"{a}/{topic}/pin", None, ("POST",))],
        "discussion.lock": [*both("fac_b", f"{a}/{topic}/lock", None, ("POST",)),
                            *both("fac_b", f"{b}/{topic}/lock", None, ("POST",)),
                            *both("ana", f"{a}/{topic}/lock", None, ("POST",))],
        "discussion.dismiss": [*both("fac_b", f"{a}/reports/{report}/dismiss", None, ("POST",)),
                               *both("fac_b", f"{b}/reports/{report}/dismiss", None,
                                     ("POST",))],
        "discussion.notifications": both("ben", f"{a}/notifications", None, ("POST",)),
    }
