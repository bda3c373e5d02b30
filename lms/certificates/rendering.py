"""Rendering many certificates at once, spread over the machine's cores.

Issuing queues one job per certificate, and the workers render them (lms/certificates/tasks.py);
a download before its job has run renders at once. This is for catching up in bulk, by hand
(`flask lms render-certificates`): certificates issued before the queue existed, or a backlog.
Each process of the pool builds its own app from the same environment and renders what it is
given; storing is the same as the job's (lms/certificates/services.store_pdf), so a job that
runs afterwards, or at the same time, finds the PDF stored and does nothing.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import select

from lms.certificates import services
from lms.certificates.models import Certificate, CertificatePdf
from lms.extensions import db

_worker_app = None


def _start_worker() -> None:
    global _worker_app
    from lms import create_app

    _worker_app = create_app()


def _render_one(certificate_id: int) -> tuple[int, bytes]:
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
                continue  # a worker stored it meanwhile
            services.store_pdf(certificate, document)
            done += 1
            if done % 50 == 0:
                db.session.commit()
    db.session.commit()
    return done
