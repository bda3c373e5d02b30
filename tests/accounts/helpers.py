"""Helpers for tests that follow links from emails."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def link_in(message: str) -> str:
    """The path of the first link in an email's text."""
    match = re.search(r"https?://\S+", message)
    assert match, f"no link in:\n{message}"
    return urlsplit(match.group(0)).path
