"""Accounts' background jobs."""

from __future__ import annotations

from lms import mail
from lms.accounts import services
from lms.jobs import queue


@queue.handler("accounts.password_reset")
def password_reset(email: str) -> None:
    """Email a reset link to the account with this address, if there is one."""
    message = services.password_reset_email(email)
    if message is not None:
        user = services.find_user_by_email(email)
        mail.queue(message, kind="account", user_id=user.id if user else None)
