"""The admins' view of background work (`/admin/jobs`)."""

from __future__ import annotations
