"""Certificates' background jobs."""

from __future__ import annotations

import logging

from lms.certificates import services
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.jobs import queue

log = logging.getLogger(__name__)


@queue.handler(services.RENDER_JOB)
def render_pdf(certificate_id: int) -> None:
    """Render and store a newly issued certificate's PDF (nothing to do if it is stored)."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        log.warning("certificate %s no longer exists: no PDF to render", certificate_id)
        return
    services.render_pdf(certificate)
