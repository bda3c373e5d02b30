"""Demo data for the cohort discussion: Western Balkans 2026 talks (a pinned welcome, a topic
on a lesson, a hidden post, an open report, a locked topic, unread replies for the demo
learner), and the closed anti-corruption cohort's alumni keep talking in theirs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.discussion import text
from lms.discussion.models import Post, ReadMarker, Report, Topic
from lms.extensions import db

FACILITATOR = "facilitator@demo.test"
LEARNER = "learner@demo.test"

# (author, hours ago, Markdown); the first post opens the topic.
Thread = tuple[tuple[str, float, str], ...]

# (cohort, title, lesson, pinned, locked, posts)
TOPICS: tuple[tuple[str, str, str | None, bool, bool, Thread], ...] = (
    ("western-balkans-2026", "Welcome: introduce yourself and your reform", None, True, False, (
        (FACILITATOR, 800, "Welcome to **Western Balkans 2026**! Tell us who you are, where "
                           "you work and one open government reform you care about.\n\n"
                           "This space is only for our cohort's members and facilitators."),
        ("arben.krasniqi@demo.test", 790, "Arben, from the Office of the Prime Minister in "
                                          "Pristina. I coordinate our OGP action plan."),
        ("elira.hoxha@demo.test", 770, "Elira, Ministry of Justice, Tirana. I work on "
                                       "publishing court decisions."),
        (LEARNER, 760, "Lucas here. I work on *participatory budgeting* and hope to learn "
                       "from the region's experience."),
        ("nikola.petrovski@demo.test", 700, "Nikola, Ministry of Information Society, Skopje. "
                                            "Open data is my daily bread."),
    )),
    ("western-balkans-2026", "What does open government mean in your administration?",
     "what-open-government-means", False, False, (
        ("arben.krasniqi@demo.test", 400, "The lesson's definition stresses *participation*. "
                                          "In my office we mostly talk about transparency. "
                                          "How is it for you?"),
        ("oksana.bondar@demo.test", 390, "For us it started with transparency too, then "
                                         "public consultations became mandatory for every "
                                         "draft law."),
        (FACILITATOR, 380, "Good point, Oksana. The OGP's [Open Government Declaration]"
                           "(https://www.opengovpartnership.org/process/joining-ogp/"
                           "open-government-declaration/) puts the three side by side: "
                           "transparency, participation, accountability."),
        ("nikola.petrovski@demo.test", 30, "We are drafting a consultation rule now: I will "
                                           "share it here once it is public."),
        ("elira.hoxha@demo.test", 20, "Please do, we could reuse parts of it."),
    )),
    ("western-balkans-2026", "Publishing budgets as open data: where do we start?", None,
     False, False, (
        ("nikola.petrovski@demo.test", 200, "Our Ministry of Finance asks which format to "
                                            "publish the budget in first. CSV? The OCDS?"),
        (LEARNER, 190, "Start with what people ask for: a simple CSV of the approved budget, "
                       "then spending, month by month."),
        ("lukasz.nowak@demo.test", 150, "Here are my colleague's phone number and home "
                                        "address so you can call her about it."),
        ("elira.hoxha@demo.test", 48, "A budget people can read matters more than the format: "
                                      "add a one-page citizen's budget."),
        ("arben.krasniqi@demo.test", 5, "Agreed. The lesson on *fiscal openness* has good "
                                        "examples."),
    )),
    ("western-balkans-2026", "Co-creating the action plan with civil society", None, False,
     False, (
        ("oksana.bondar@demo.test", 60, "How did you choose the civil society organisations "
                                        "for your multi-stakeholder forum?"),
        ("lukasz.nowak@demo.test", 50, "We let them choose their own representatives: it "
                                       "took longer, but nobody questioned the forum after."),
        ("nikola.petrovski@demo.test", 3, "Same here. Publish the minutes of every meeting."),
    )),
    ("western-balkans-2026", "Live session of week 3 moved to Thursday", None, False, True, (
        (FACILITATOR, 300, "The week 3 live session moves to **Thursday at 15:00** "
                           "(Belgrade time). The topic is locked: questions in the welcome "
                           "topic, please."),
    )),
    ("anti-corruption-2026", "Alumni: what changed since the course?", None, True, False, (
        ("facilitator2@demo.test", 500, "The course is over, but this space stays yours. What "
                                        "has moved in your reforms since?"),
        ("alumna@demo.test", 120, "Our asset declarations are now published as open data!"),
        ("camila.rojas@demo.test", 24, "Congratulations, Marta. Ours go online next spring."),
    )),
)
HIDDEN = ("lukasz.nowak@demo.test", "It shared a person's phone number and home address; "
          "please share contact details by private message.")
REPORTED = ("elira.hoxha@demo.test", "Same here. Publish the minutes of every meeting.",
            "This repeats what Łukasz wrote; maybe merge them?")


def load_discussion() -> None:
    """Create the demo topics (once: nothing happens if the cohorts already have some)."""
    if db.session.scalar(select(Topic.id).limit(1)) is not None:
        return
    users = {user.email: user for user in db.session.scalars(select(User))}
    cohorts = {cohort.slug: cohort for cohort in db.session.scalars(select(Cohort))}
    now = utcnow()
    for slug, title, lesson_id, pinned, locked, thread in TOPICS:
        if slug not in cohorts:
            continue
        topic = Topic(cohort_id=cohorts[slug].id, author_id=users[thread[0][0]].id, title=title,
                      search_text=text.searchable(title), lesson_id=lesson_id, pinned=pinned,
                      locked=locked, created_at=now - timedelta(hours=thread[0][1]),
                      last_post_at=now - timedelta(hours=thread[-1][1]))
        db.session.add(topic)
        db.session.flush()
        for position, (email, hours, body) in enumerate(thread):
            _post(topic, users[email], body, now - timedelta(hours=hours), position == 0,
                  users[FACILITATOR])
    db.session.flush()
    _mark_demo_learner_reading(users[LEARNER])
    _report(users)
    db.session.commit()


def _post(topic: Topic, author: User, body: str, at: datetime, opening: bool,
          facilitator: User) -> None:
    post = Post(topic_id=topic.id, cohort_id=topic.cohort_id, author_id=author.id,
                opening=opening, body=body, html=text.render(body),
                search_text=text.searchable(body), created_at=at)
    if author.email == HIDDEN[0] and "phone number" in body:
        post.hidden_at, post.hidden_by, post.hidden_reason = (at + timedelta(hours=1),
                                                              facilitator.id, HIDDEN[1])
    db.session.add(post)


def _mark_demo_learner_reading(learner: User) -> None:
    """The demo learner has read every topic up to two days ago: newer replies are unread."""
    cutoff = utcnow() - timedelta(days=2)
    seen: dict[int, int] = {}
    for topic_id, post_id in db.session.execute(
            select(Post.topic_id, Post.id).where(Post.created_at <= cutoff).order_by(Post.id)):
        seen[topic_id] = post_id
    for topic_id, post_id in seen.items():
        db.session.add(ReadMarker(user_id=learner.id, topic_id=topic_id, last_post_id=post_id))


def _report(users: dict[str, User]) -> None:
    """An open report for the facilitator to look at."""
    reporter, body, reason = REPORTED
    post = db.session.scalar(select(Post).where(Post.body == body))
    if post is not None:
        db.session.add(Report(post_id=post.id, cohort_id=post.cohort_id,
                              reporter_id=users[reporter].id, reason=reason,
                              created_at=utcnow() - timedelta(hours=2)))
