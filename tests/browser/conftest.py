"""Browser tests: Debian's Chromium driven by Playwright against the app on a local port.

Without Chromium they are reported as skipped, unless LMS_REQUIRE_BROWSER=1 (CI), where a
missing browser is an error. Screenshots of every page visited go to tests/browser/screenshots/.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("LMS_REQUIRE_BROWSER") == "1"
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Flags for a headless Chromium on a machine with no outside network (no background calls home).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set LMS_CHROMIUM)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (make test installs the dev extras)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = browser_missing()
    if reason is None:
        return
    if REQUIRE_BROWSER:
        raise pytest.UsageError(f"LMS_REQUIRE_BROWSER=1 but {reason}")
    marker = pytest.mark.skipif(reason is not None, reason=f"browser tests SKIPPED: {reason}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(marker)


@dataclass
class LiveServer:
    url: str
    app: Flask


def _buffered(app: Flask) -> WSGIApplication:
    """The app with each response body read whole and its iterator closed before it is sent.

    Werkzeug's development server skips closing a response when the browser resets the
    connection before the response is written (Chromium cancels a favicon request when the
    page moves on): a static file would then stay open and fail the run with a
    ResourceWarning that says nothing about the app."""

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return serve


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test app served on 127.0.0.1 in a thread, for the browser."""
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    # A busy 2-core CI machine can take more than the default 5 s to show a page.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        context.close()


def check_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshot the page, then fail on any serious or critical axe-core violation."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"accessibility problems on {name} ({page.url}):\n" + "\n".join(serious)
