"""Due dates in words, in the page's language: "17 November, in 3 days", "overdue by 2 days".

A `Deadline` is a plain value (the date and today's date); it is put into words only when a
template asks, so it can be built in a service and shown in either language. Shown with the
macro in templates/_deadline.html, inside <time datetime="...">.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, get_locale, gettext, ngettext

from lms import i18n

OVERDUE = "overdue"
SOON = "soon"  # today or within the next SOON_DAYS days
LATER = "later"
SOON_DAYS = 3


@dataclass(frozen=True)
class Deadline:
    on: date
    today: date

    @property
    def days(self) -> int:
        """Days from today to the date: negative once it has passed."""
        return (self.on - self.today).days

    @property
    def iso(self) -> str:
        return self.on.isoformat()

    @property
    def state(self) -> str:
        if self.days < 0:
            return OVERDUE
        return SOON if self.days <= SOON_DAYS else LATER

    def date_text(self) -> str:
        """"17 November" ("17 novembre", "1er décembre", "17 de noviembre"), with the year when
        it is not this year's."""
        this_year = self.on.year == self.today.year
        if str(get_locale()) == "en":  # day first, as British English writes it
            text = format_date(self.on, "d MMMM" if this_year else "d MMMM y")
        else:  # the language's own order and words ("17 de noviembre de 2027")
            text = i18n.format_date(self.on, "dMMMM" if this_year else "yMMMMd")
        if self.on.day == 1 and str(get_locale()).startswith("fr"):
            text = "1er" + text[1:]  # French writes the first of the month as an ordinal
        return str(text)

    def relative(self) -> str:
        """"in 3 days", "tomorrow", "today", "overdue by 2 days"."""
        days = self.days
        if days == 0:
            return str(gettext("today"))
        if days == 1:
            return str(gettext("tomorrow"))
        if days > 1:
            return str(ngettext("in %(num)d day", "in %(num)d days", days))
        return str(ngettext("overdue by %(num)d day", "overdue by %(num)d days", -days))
