"""Browser tests: Playwright for Python driving Debian's chromium (`playwright install` cannot download).

Skipped where /usr/bin/chromium is missing, unless KSTT_REQUIRE_BROWSER is set (CI), where they fail.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("KSTT_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Package scope, not session: chromium keeps keep-alive connections to the live server open until it closes,
# and the server thread behind each, when it ends, closes the database connection the live server shares.
# Closed with the last browser test, the browser ends those threads while the (session) live server still
# shares its connection; closed at the session's end, after the live server stopped sharing it, each thread
# failed with "DatabaseWrapper objects created in a thread …" (a PytestUnhandledThreadExceptionWarning).
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("KSTT_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and KSTT_REQUIRE_BROWSER is set: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: on CI's two cores the SQLite and PostgreSQL runs go side by side,
    # and a page that computes the ledger can take longer than Playwright's default 5 s to arrive.
    expect.set_options(timeout=10_000)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="en-US")  # an English browser: KSTT still answers in Vietnamese
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
