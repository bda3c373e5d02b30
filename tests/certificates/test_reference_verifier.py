"""Our credentials, served over HTTP, verified by Digital Bazaar's reference verifier (npm
@digitalbazaar/vc with data-integrity, eddsa-rdfc-2022 and bitstring status lists) and validated
against 1EdTech's Open Badges 3.0 JSON schemas (ajv, draft 2019-09).

The npm packages are installed with `npm ci` from tests/certificates/verifier/package-lock.json
(once: a later run reuses them). Without `node` the test is skipped, unless LMS_REQUIRE_NODE=1
(CI), where a missing node is an error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from lms.accounts.models import Role
from lms.certificates import codes, credentials, services
from lms.extensions import db
from tests import outside
from tests.certificates.helpers import complete
from tests.factories import make_user

VERIFIER = Path(__file__).parent / "verifier"
NODE = shutil.which("node")
REQUIRE_NODE = os.environ.get("LMS_REQUIRE_NODE") == "1"

pytestmark = pytest.mark.skipif(
    NODE is None and not REQUIRE_NODE,
    reason="reference verifier SKIPPED: node is not installed (apt-get install nodejs npm)")


def _npm_ci() -> None:
    """Install the verifier's packages exactly as locked, unless already installed."""
    npm = shutil.which("npm")
    if NODE is None or npm is None:
        pytest.fail(f"node or npm is not installed (node: {NODE}, npm: {npm}); "
                    "LMS_REQUIRE_NODE=1 requires both")
    outside.npm_ci("the reference verifier", VERIFIER, npm, pytest.fail)


@pytest.fixture(scope="session")
def verifier() -> Path:
    """The verifier script, its npm packages installed."""
    _npm_ci()
    return VERIFIER / "verify.mjs"


@dataclass
class Served:
    """A real HTTP server on 127.0.0.1 that serves the test's app once it exists."""

    url: str
    app: Flask | None = None
    requests: list[str] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        self.requests.append(environ["PATH_INFO"])
        return self.app(environ, start_response)


@pytest.fixture
def served() -> Iterator[Served]:
    holder = Served(url="")
    server = make_server("127.0.0.1", 0, holder, threaded=True)
    holder.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def app_settings(served: Served) -> dict[str, object]:
    """LMS_BASE_URL is the served address, as in production: credentials point at it."""
    return {"LMS_BASE_URL": served.url}


def _run(verifier: Path, base: str, certificates: dict[str, str]) -> dict[str, Any]:
    arguments = [f"{name}={code}" for name, code in certificates.items()]
    done = subprocess.run([NODE or "node", str(verifier), base, *arguments],  # noqa: S603
                          cwd=VERIFIER, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    print(json.dumps(report, indent=1))  # the verifier's own words, kept in the test log
    return report


def test_the_reference_verifier_accepts_what_we_issue(app: Flask, served: Served,
                                                      verifier: Path) -> None:
    served.app = app
    admin = make_user(Role.ADMIN)
    holders = {name: make_user(name=f"{name.title()} Holder", email=f"{name}@example.org")
               for name in ("active", "revoked", "superseded")}
    for holder in holders.values():
        complete(holder)
    issued = {name: services.active_certificate(holder.id, "open-government-101")
              for name, holder in holders.items()}
    services.revoke(issued["revoked"], admin, "Issued in error", "")
    replacement = services.reissue(issued["superseded"], admin, "Superseded Holder-Corrected")
    db.session.commit()
    certificates = {name: codes.display(certificate.code)
                    for name, certificate in issued.items() if certificate is not None}
    certificates["replacement"] = codes.display(replacement.code)

    report = _run(verifier, served.url, certificates)

    # fetched over HTTP from the app: the key, the controller document, the status list
    for path in ("/issuer/keys/1", "/issuer", "/credentials/status/1"):
        assert f"{served.url}{path}" in report["fetched"], path
        assert path in served.requests
    results = report["credentials"]
    for name, status in (("active", False), ("replacement", False), ("revoked", True),
                         ("superseded", True)):
        result = results[name]
        assert result["asIssued"] == {"verified": True, "statusVerified": True,
                                      "status": [status], "errors": []}, name
        assert result["changed"]["verified"] is False, name
        assert {"name": "Error", "message": "Invalid signature."} in result["changed"]["errors"]
        assert result["schemaErrors"] == [], name
        assert result["proofIsArray"] is True, name
        [identity] = result["identifier"]
        assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
        email = "superseded@example.org" if name == "replacement" else f"{name}@example.org"
        assert credentials.identity_matches(identity, email), name
        assert not credentials.identity_matches(identity, "someone@example.org"), name
    assert report["statusList"]["asIssued"] == {"verified": True, "statusVerified": None,
                                                "status": None, "errors": []}
    assert report["statusList"]["changed"]["verified"] is False
    assert {"name": "Error", "message": "Invalid signature."} in report["statusList"]["changed"][
        "errors"]
    assert report["issuer"]["schemaErrors"] == []
    assert report["issuer"]["assertionMethod"][0] == f"{served.url}/issuer/keys/1"
    # and nobody's address is in what was served
    for certificate in [*issued.values(), replacement]:
        assert certificate is not None
        assert "@example.org" not in certificate.credential
