"""A real OpenID provider for tests: panva's oidc-provider (npm, tests/accounts/oidc/), run
with Node on a free port of 127.0.0.1, and a helper that goes through its development login
and consent pages over HTTP, so that a test drives our side with Flask's test client.

The npm packages are installed with `npm ci` from tests/accounts/oidc/package-lock.json (once:
a later run reuses them). Without node or npm the tests are skipped, unless LMS_REQUIRE_NODE=1
(CI), where that is an error.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from joserfc.jwk import RSAKey

from tests import outside
from tests.outside import free_port

PROVIDER_DIR = Path(__file__).parent / "oidc"
NODE = shutil.which("node")
NPM = shutil.which("npm")
REQUIRE_NODE = os.environ.get("LMS_REQUIRE_NODE") == "1"
CLIENT_ID = "lms-test"
CLIENT_SECRET = "lms-test-secret"  # noqa: S105 - the test provider's own client
MISSING = (None if NODE and NPM else
           f"OpenID provider tests SKIPPED: node or npm is not installed (node: {NODE}, "
           f"npm: {NPM}; apt-get install nodejs npm)")

# For a test module: skipped without node, unless LMS_REQUIRE_NODE=1 (then install() fails).
needs_node = pytest.mark.skipif(MISSING is not None and not REQUIRE_NODE,
                                reason=MISSING or "")


def install() -> None:
    """Install the provider's npm packages exactly as locked, unless already installed."""
    if MISSING is not None:
        pytest.fail(f"{MISSING}; LMS_REQUIRE_NODE=1 requires both")
    outside.npm_ci("the OpenID provider", PROVIDER_DIR, NPM or "npm", pytest.fail)


def signing_keys(path: Path, kid: str) -> Path:
    """Write a new RSA signing key, as a private JWKS under this kid, for the provider."""
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    path.write_text(json.dumps({"keys": [key.as_dict(private=True)]}))
    return path


@dataclass
class Provider:
    """One oidc-provider process; `restart` keeps its port (and so its issuer)."""

    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    jwks_file: Path | None = None
    clock_offset: int = 0
    process: subprocess.Popen[str] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, name: str = "test", label: str = "Test ID",
                 allowed_domains: tuple[str, ...] = (),
                 email_verified_claim: str = "email_verified") -> dict[str, object]:
        """App settings naming this provider (for the app fixture)."""
        from lms.config import OIDCProvider

        return {"LMS_OIDC_PROVIDERS": {name: OIDCProvider(
            name=name, issuer=self.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
            label=label, allowed_domains=allowed_domains,
            email_verified_claim=email_verified_claim)}, "LMS_OIDC_TIMEOUT": 5.0}

    def start(self) -> Provider:
        """Start the provider and wait until it listens."""
        install()
        env = {**os.environ, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
               "OIDC_REDIRECT_URIS": ",".join(self.redirect_uris),
               "OIDC_POST_LOGOUT_REDIRECT_URIS": ",".join(self.post_logout_redirect_uris),
               "OIDC_CLOCK_OFFSET": str(self.clock_offset),
               "OIDC_JWKS_FILE": str(self.jwks_file or "")}
        self.process = subprocess.Popen(  # noqa: S603
            [NODE or "node", "provider.mjs", str(self.port)], cwd=PROVIDER_DIR, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith("ready"):
                    return self
                if not line and self.process.poll() is not None:
                    break
        self.stop()
        raise RuntimeError(f"the OpenID provider did not start on port {self.port}")

    def stop(self) -> None:
        """Stop the provider process (and close its pipe)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def restart(self, **changes: object) -> Provider:
        """Stop, change settings (a new jwks_file...), start again on the same port."""
        self.stop()
        for name, value in changes.items():
            setattr(self, name, value)
        return self.start()


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.IGNORECASE)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', re.IGNORECASE)


def sign_in_at_provider(authorize_url: str, login: str, until: str, *, abort: bool = False,
                        browser: requests.Session | None = None) -> str:
    """Go through the provider's dev login (as `login`) and consent pages from the authorize
    URL our app redirected to; return the URL it sends the browser back to (starting with
    `until`, our callback). With `abort`, the person cancels at the login page instead."""
    browser = browser or requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(20):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(until):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
            continue
        form = _FORM.search(response.text)
        if response.status_code != 200 or form is None:
            raise AssertionError(f"unexpected page from the provider ({response.status_code}):"
                                 f"\n{response.text[:2000]}")
        action = urljoin(response.url, unescape(form.group(1)))
        if abort:
            response = browser.get(action + "/abort", allow_redirects=False, timeout=10)
            continue
        fields = {name: unescape(value) for name, value in _HIDDEN.findall(response.text)}
        if fields.get("prompt") == "login":
            fields.update(login=login, password="any password")  # noqa: S106 - dev login
        response = browser.post(action, data=fields, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")
