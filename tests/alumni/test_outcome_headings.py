"""The outcome story pages' headings go down one level at a time (h1, h2, h3), as a screen
reader's list of headings expects; a story is a heading under its page's h1 or h2."""

from __future__ import annotations

import re

from lms.accounts.models import Role
from tests.alumni.helpers import make_graduate
from tests.alumni.test_access import login_as_user
from tests.alumni.test_outcomes import STORY
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user


def _levels(page: str) -> list[int]:
    main = page.split('<main', 1)[1].split("</main>", 1)[0]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


def _skips_a_level(levels: list[int]) -> bool:
    return levels[0] != 1 or any(later > earlier + 1
                                 for earlier, later in zip(levels, levels[1:], strict=False))


def test_the_story_pages_do_not_skip_a_heading_level(client) -> None:
    facilitator = make_user(Role.FACILITATOR)
    author = make_graduate(make_cohort(facilitators=[facilitator]))
    login_as_user(client, author)
    client.post("/alumni/me/outcomes", data=STORY)
    mine = client.get("/alumni/me/outcomes").text
    assert "publishes every grant decision" in mine
    assert not _skips_a_level(_levels(mine)), _levels(mine)
    login_as_user(client, facilitator)
    review = client.get("/alumni/outcomes/").text
    assert "publishes every grant decision" in review
    assert not _skips_a_level(_levels(review)), _levels(review)
