"""The page behind the unsubscribe link in each email a person may switch off (public).

GET only says what will stop: mail scanners open links, and opening must change nothing.
POST stops it. It needs no CSRF token and no cookie: mail programs send the one-click request
of RFC 8058 (`List-Unsubscribe=One-Click`) themselves. That is safe because the signed token
is the authority, it can only switch one kind of email off, and doing it twice changes nothing.
"""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from lms import mail
from lms.access import public
from lms.accounts import bp, preferences
from lms.extensions import csrf

# What stops, said in the words a person knows the emails by.
STOPS = {
    "reminder": _l("You will no longer receive reminders about lessons due."),
    "digest": _l("You will no longer receive the weekly digest about your cohorts."),
    "session": _l("You will no longer receive reminders of live sessions."),
}


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str) -> ResponseReturnValue:
    """Say what the link stops (GET); stop it (POST, the button or a mail program's one click)."""
    try:
        link = preferences.read_unsubscribe_link(token)
    except mail.InvalidUnsubscribeToken:
        return render_template("accounts/unsubscribe_invalid.html"), 400
    if request.method == "POST":
        preferences.switch_off(link.user_id, link.kind, link.scope)
        return render_template("accounts/unsubscribed.html", stopped=link.stops or STOPS[link.kind],
                               choose_again=link.choose_again)
    return render_template("accounts/unsubscribe.html", stops=link.stops or STOPS[link.kind],
                           already_off=link.already_off, token=token)


# Mail programs POST the one-click request with no token and no cookie (see the docstring).
csrf.exempt(unsubscribe)
