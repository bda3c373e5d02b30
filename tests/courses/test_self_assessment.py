"""The capability self-assessment: taken before and after the course, shown side by side;
checked in the content like everything else."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from lms.courses.content import check_and_load
from lms.courses.models import SelfAssessmentAnswer, SelfAssessmentRating
from lms.extensions import db
from tests.certificates.helpers import complete
from tests.courses.helpers import write_course

COURSE = "open-government-101"
PAGE = f"/courses/{COURSE}/"


def ratings(*values: int) -> dict[str, str]:
    return {f"statement_{position}": str(value) for position, value in enumerate(values)}


def stored() -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(SelfAssessmentAnswer.phase, func.count(SelfAssessmentRating.statement_id))
        .join(SelfAssessmentRating)
        .group_by(SelfAssessmentAnswer.phase).order_by(SelfAssessmentAnswer.phase))
    return [tuple(row) for row in rows]


def test_before_then_after_then_the_comparison(client, login_as) -> None:
    learner = login_as()
    assert "Take the self-assessment (2 minutes)" in client.get(PAGE).text
    form = client.get(f"{PAGE}self-assessment/before").text
    assert "I can design a co-creation process" in form and "5 – fully" in form

    response = client.post(f"{PAGE}self-assessment/before", data={
        **ratings(2, 1, 3, 2, 1, 4), "open_answer": "Publish grants monthly."})
    assert response.status_code == 302
    again = client.post(f"{PAGE}self-assessment/before", data=ratings(5, 5, 5, 5, 5, 5))
    assert again.status_code == 302  # the first answers count; nothing is added
    assert stored() == [("before", 6)]
    assert client.get(f"{PAGE}self-assessment/after").status_code == 409

    complete(learner)
    db.session.commit()
    assert "Take the self-assessment again" in client.get(PAGE).text
    client.post(f"{PAGE}self-assessment/after", data=ratings(4, 4, 3, 5, 3, 3))

    page = client.get(PAGE).text
    assert stored() == [("after", 6), ("before", 6)]
    assert "Your answers before and after the course" in page
    assert '<span class="change change--up">+2</span>' in page
    assert '<span class="change change--down">-1</span>' in page
    assert '<span class="change">same</span>' in page


def test_incomplete_or_invalid_answers_are_refused(client, login_as) -> None:
    login_as()
    for data in (ratings(2, 1, 3, 2, 1), ratings(2, 1, 3, 2, 1, 6), ratings(0, 1, 3, 2, 1, 4),
                 {**ratings(1, 1, 1, 1, 1, 1), "statement_2": "x"},
                 {**ratings(1, 1, 1, 1, 1, 1), "open_answer": "x" * 2001}):
        response = client.post(f"{PAGE}self-assessment/before", data=data)
        assert response.status_code == 400 and "There is a problem" in response.text
    assert stored() == []
    assert client.get(f"{PAGE}self-assessment/during").status_code == 404


def test_the_self_assessment_is_in_french_too(client, login_as) -> None:
    login_as(locale="fr")
    page = client.get(f"{PAGE}self-assessment/before").text
    assert "Je peux concevoir un processus de co-création" in page


ASSESSMENT = """\
statements:
{items}
open_question:
  id: change
  en: What would you change?
  fr: Que changeriez-vous ?
"""


def statements(count: int) -> str:
    return "\n".join(f"  - id: s{number}\n    en: Statement {number}\n    fr: Énoncé {number}"
                     for number in range(count))


def test_the_content_checker_knows_self_assessments(tmp_path: Path) -> None:
    def problems(text: str, folder: str) -> list[str]:
        root = write_course(tmp_path / folder, {"self-assessment.yml": text})
        catalogue = check_and_load(root)
        return [str(problem) for problem in catalogue.problems]

    assert problems(ASSESSMENT.format(items=statements(6)), "good") == []
    assert "statements must be a list of 5 to 8 items" in problems(
        ASSESSMENT.format(items=statements(3)), "few")[0]
    assert "is used twice" in " ".join(problems(
        ASSESSMENT.format(items=statements(5) + "\n  - id: s0\n    en: Again"), "twice"))
    missing_fr = problems(ASSESSMENT.format(items=statements(5) + "\n  - id: s9\n    en: Only"),
                          "fr")
    assert missing_fr == ["content/demo/self-assessment.yml:1: warning [missing-translation] "
                          "statement 's9' has no fr text: learners will see the en one"]
