"""Browser tests: Debian's Chromium driven by Playwright against the app on a local port.

Without Chromium they are reported as skipped, unless LMS_REQUIRE_BROWSER=1 (CI), where a
missing browser is an error. Every page a test reaches (by goto, a click or a key press) is
screenshotted at desktop and phone widths into .pytest_cache/screenshots/<test>/, numbered in
the order visited, for a person to look at after the run.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("LMS_REQUIRE_BROWSER") == "1"
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".pytest_cache" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}
# What a test does that may load a new page: after each, a page that navigated is screenshotted.
NAVIGATING = {"Page": ("goto", "reload", "go_back", "go_forward", "click", "press", "dblclick",
                       "tap", "check"),
              "Locator": ("click", "press", "dblclick", "tap", "check")}
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


@dataclass
class Screenshots:
    """The current test's screenshot folder and what was last saved in it."""

    folder: Path = SCREENSHOTS
    count: int = 0
    navigated: set[int] = field(default_factory=set)  # id() of pages with a page not shot yet
    # The last screenshots of each page (by id()): their number and name, unless check_page
    # has named them already.
    unnamed: dict[int, tuple[int, str]] = field(default_factory=dict)

    def start(self, test_name: str) -> None:
        self.folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", test_name).strip("-")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.count = 0
        self.navigated.clear()
        self.unnamed.clear()

    def path(self, number: int, name: str, width: str) -> Path:
        return self.folder / f"{number:02d}-{name}-{width}.png"

    def take(self, page, name: str, *, named: bool = False) -> None:  # type: ignore[no-untyped-def]
        """The page at each width, then back at the test's own viewport."""
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        viewport = page.viewport_size
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": viewport["height"]})
            page.screenshot(path=self.path(self.count, name, width_name), full_page=True,
                            animations="disabled", caret="hide")
        page.set_viewport_size(viewport)
        if named:
            self.unnamed.pop(id(page), None)
        else:
            self.unnamed[id(page)] = (self.count, name)

    def after_action(self, page) -> None:  # type: ignore[no-untyped-def]
        """Screenshot the page if the action just done loaded a new one."""
        if id(page) not in self.navigated or page.is_closed():
            return
        self.navigated.discard(id(page))
        page.wait_for_load_state("load")
        path = re.sub(r"[^A-Za-z0-9]+", "-", page.url.split("://", 1)[-1].split("/", 1)[-1]
                      .split("?", 1)[0]).strip("-")
        self.take(page, path[:60] or "home")

    def watch(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("framenavigated", lambda frame: frame == page.main_frame
                and self.navigated.add(id(page)))


SHOTS = Screenshots()


def _screenshot_after(method: Callable[..., Any],
                      page_of: Callable[[Any], Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        SHOTS.after_action(page_of(self))
        return result

    return wrapped


def _watching(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        page = method(self, *args, **kwargs)
        SHOTS.watch(page)
        return page

    return wrapped


@pytest.fixture(autouse=True)
def _screenshot_folder(request: pytest.FixtureRequest) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # a test may also save one there itself
    SHOTS.start(request.node.name)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

    # A busy 2-core CI machine can take more than the default 5 s to show a page.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright, pytest.MonkeyPatch.context() as patch:
        # Every page of every context is watched, and screenshotted after each navigation.
        for owner in (Browser, BrowserContext):
            patch.setattr(owner, "new_page", _watching(owner.new_page))
        for cls, page_of in ((Page, lambda page: page), (Locator, lambda locator: locator.page)):
            for name in NAVIGATING[cls.__name__]:
                patch.setattr(cls, name, _screenshot_after(getattr(cls, name), page_of))
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
    """Name the page's screenshots (taking them if not yet), then fail on any serious or
    critical axe-core violation."""
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.after_action(page)
    if id(page) in SHOTS.unnamed:  # the page as loaded: its screenshots take the test's name
        number, shot = SHOTS.unnamed.pop(id(page))
        for width in WIDTHS:
            SHOTS.path(number, shot, width).rename(SHOTS.path(number, name, width))
    else:
        SHOTS.take(page, name, named=True)
    results = Axe().run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"accessibility problems on {name} ({page.url}):\n" + "\n".join(serious)


def signed_in(browser, live_server: LiveServer, email: str, *, width: int = 1280,  # type: ignore[no-untyped-def]
              **context_options: Any):
    """A new browser context (its own cookies) signed in as this test user, and its page."""
    from tests.factories import PASSWORD

    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900}, **context_options)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return context, page
