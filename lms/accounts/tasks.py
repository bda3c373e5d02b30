"""Accounts' background jobs."""

from __future__ import annotations

from lms.accounts import services
from lms.jobs import queue


@queue.handler("accounts.password_reset")
def password_reset(email: str) -> None:
    """Email a reset link to the account with this address, if there is one."""
    services.email_password_reset(email)
