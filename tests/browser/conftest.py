"""A real browser for page tests: Debian's Chromium driven by Playwright (never a downloaded browser)."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API keeps an event loop in the test thread; the ORM calls made by the test itself
# are still plain synchronous code, so Django's async-safety guard is lifted for browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def offline_admin(settings):
    """The admin must not reach out to the internet in a test (a failed fetch is a console error):
    Wagtail's upgrade check (releases.wagtail.org) and Gravatar avatars are switched off."""
    settings.WAGTAIL_ENABLE_UPDATE_CHECK = False
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM) or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems(list):
    """JavaScript exceptions and console errors seen on a page; a browser test asserts it stays empty."""


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    problems = PageProblems()
    page.on("pageerror", lambda error: problems.append(f"JavaScript exception: {error}"))
    page.on(
        "console",
        lambda message: problems.append(f"console error: {message.text}") if message.type == "error" else None,
    )
    page.on("response", lambda response: _record_http_error(problems, response))
    page.problems = problems
    yield page
    context.close()


def _record_http_error(problems: list, response) -> None:
    """A 4xx/5xx answer to a page or a request the page makes is a problem (the admin never expects one)."""
    if response.status >= 400:
        problems.append(f"HTTP {response.status} {response.request.method} {response.url}")
