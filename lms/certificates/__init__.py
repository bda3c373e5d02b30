"""Certificates: eligibility, issuing, PDF rendering, verification, revocation."""

import logging

from flask import Blueprint

from lms.events import course_standing_changed

bp = Blueprint("certificates", __name__)
log = logging.getLogger(__name__)


@course_standing_changed.connect
def _issue_when_earned(sender: object, user_id: int, course_id: str) -> None:
    """Issue the certificate the moment its last condition is met."""
    from lms.certificates import services

    try:
        services.issue_if_eligible(user_id, course_id)
    except services.CertificateError:
        # The learner keeps their progress; the certificate waits for the signing key.
        log.exception("certificate for user %s in %s not issued", user_id, course_id)


from lms.certificates import views  # noqa: E402,F401 - routes register on bp
