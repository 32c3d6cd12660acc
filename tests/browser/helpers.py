"""Steps shared by the browser tests: log in and out, navigate, and check a page shows no error."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "password"  # tests.factories.UserFactory's

# What Wagtail shows when something went wrong: an error message banner, a field or form error.
ERROR_SELECTORS = ".messages .error, .help-critical, .error-message, .w-field__errors:not(:empty), .errorlist"
SERVER_ERROR_TITLES = re.compile(r"Server Error|Internal Server Error|Page not found|Forbidden|Bad Request", re.I)


def log_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation(url=f"{base}/admin/"):
        page.click("button[type=submit]")
    assert_page_ok(page)


def log_out(page: Page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")


def click_and_wait(page: Page, locator) -> None:
    """Click something that loads a new page (a link, a form submit) and wait until it has loaded."""
    with page.expect_navigation():
        locator.click()


def assert_page_ok(page: Page) -> None:
    """The page is no error page, shows no error banner nor form error, and the browser saw no problem."""
    page.wait_for_load_state("load")
    title = page.title()
    assert not SERVER_ERROR_TITLES.search(title), f"{page.url} is an error page: {title}"
    errors = page.locator(ERROR_SELECTORS)
    if errors.count():
        texts = [text.strip() for text in errors.all_inner_texts() if text.strip()]
        assert not texts, f"{page.url} shows errors: {texts}"
    expect(page.locator("body")).not_to_contain_text("Traceback")
    assert page.problems == [], f"{page.url}: {page.problems}"
