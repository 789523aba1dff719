"""Browser tests: Debian's chromium driven by Playwright (sync API) against pytest-django's
live server. Playwright's sync API runs an event loop in the test thread, so Django's guard
against sync database calls from async contexts is lifted for these tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("DANGBO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium, or `make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _page(browser, viewport):
    context = browser.new_context(locale="vi-VN", viewport=viewport, timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = []  # JavaScript errors on the page: the tests assert there are none
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _keep_evidence(request, page) -> None:
    """On a failed browser test, keep what the page showed (HTML and screenshot) for the log."""
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = SCREENSHOTS / f"failed-{request.node.name}"
    try:
        stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
        page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
        print(f"\n[browser] failed at {page.url}; page kept in {stem}.html/.png")
        print(page.inner_text("body")[:1500])
    except Exception as exc:  # the page may be gone; the failure itself is what matters
        print(f"[browser] could not keep the page: {exc}")


@pytest.fixture
def page(browser, request):
    context, page = _page(browser, DESKTOP)
    yield page
    _keep_evidence(request, page)
    context.close()


@pytest.fixture
def login(live_server):
    """`login(page, username, *, expect=None, then=None)`: sign in on the login page
    (/dang-nhap/) with the test accounts' password, then wait for `expect` (what
    `page.wait_for_url` takes: a URL regex or a predicate) or, without it, for the page to load;
    then go to the path `then` if given."""

    def _login(page, username, *, expect=None, then=None):
        page.goto(f"{live_server.url}/dang-nhap/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        if expect is None:
            page.wait_for_load_state()
        else:
            page.wait_for_url(expect)
        if then is not None:
            page.goto(f"{live_server.url}{then}")

    return _login


@pytest.fixture
def phone_page(browser):
    context, page = _page(browser, PHONE)
    yield page
    context.close()
