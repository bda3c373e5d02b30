"""The refusals that areas' services share, so that one view helper (`lms.web.guarded`) turns
them into our 403 and 404 pages. Each area subclasses them beside its own error class."""

from __future__ import annotations


class NotAllowed(Exception):
    """The user may not do this with this object (a 403)."""


class NotFound(Exception):
    """No such object, or not one this user may know exists (a 404)."""
