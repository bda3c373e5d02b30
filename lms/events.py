"""Signals between areas, so that one area reacts to another without importing it."""

from blinker import Namespace

_signals = Namespace()

# Sent with user_id and course_id whenever a learner's standing in a course may have changed
# (a lesson marked done, a facilitator's sign-off): certificates listen to issue at once.
course_standing_changed = _signals.signal("course-standing-changed")
