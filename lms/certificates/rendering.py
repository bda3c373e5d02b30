"""Rendering many certificates at once, spread over the machine's cores.

Issuing for a cohort writes the records at once; the PDFs are made here (by
`flask lms render-certificates`, run after issuing or on a schedule) or on first download.
Each worker process builds its own app from the same environment and renders what it is given.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import select

from lms.certificates.models import Certificate, CertificatePdf
from lms.extensions import db

_worker_app = None


def _start_worker() -> None:
    global _worker_app
    from lms import create_app

    _worker_app = create_app()


def _render_one(certificate_id: int) -> tuple[int, bytes]:
    from lms.certificates import services

    assert _worker_app is not None
    with _worker_app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        assert certificate is not None
        return certificate_id, services.render(certificate)


def unrendered() -> list[int]:
    """Certificates whose PDF has not been made yet."""
    return list(db.session.scalars(
        select(Certificate.id).outerjoin(CertificatePdf,
                                         CertificatePdf.certificate_id == Certificate.id)
        .where(CertificatePdf.certificate_id.is_(None)).order_by(Certificate.id)))


def render_all(certificate_ids: list[int], workers: int | None = None) -> int:
    """Render and store these certificates' PDFs with a pool of processes; returns how many."""
    workers = workers or os.cpu_count() or 1
    done = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker) as pool:
        for certificate_id, document in pool.map(_render_one, certificate_ids, chunksize=8):
            certificate = db.session.get(Certificate, certificate_id)
            if certificate is None or db.session.get(CertificatePdf, certificate_id) is not None:
                continue
            db.session.add(CertificatePdf(certificate_id=certificate_id, pdf=document))
            certificate.pdf_sha256 = hashlib.sha256(document).hexdigest()
            done += 1
            if done % 50 == 0:
                db.session.commit()
    db.session.commit()
    return done
