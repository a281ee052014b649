"""Browser tests: Playwright for Python driving Debian's chromium (`playwright install` cannot download).

Skipped where /usr/bin/chromium is missing, unless KSTT_REQUIRE_BROWSER is set (CI), where they fail.

Every browser test fails when a page it opened reports a Content-Security-Policy violation (an inline script
or style, an eval, an asset from elsewhere: settings.CONTENT_SECURITY_POLICY): every context the browser
opens listens for them (``_watch_csp``), and ``_no_csp_violation`` checks after each test.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("KSTT_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

#: The CSP violations the pages of the running test reported (cleared before each test).
CSP_VIOLATIONS: list[str] = []
CSP_MARK = "KSTT CSP violation:"
# An init script runs in every page of the context before the page's own scripts and, being the browser's,
# is not subject to the page's CSP: it reports each `securitypolicyviolation` event on the console, unless a
# test's tool that is no part of the page is at work (window.__ksttCspQuiet: axe-core adds inline styles).
CSP_LISTENER = f"""
document.addEventListener("securitypolicyviolation", (e) => {{
  if (window.__ksttCspQuiet) return;  // a test's own tool at work (axe's probes: test_accessibility.py)
  console.error({CSP_MARK!r} + " " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.sourceFile + ":" + e.lineNumber + " on " + e.documentURI +
    (e.sample ? " (" + e.sample + ")" : ""));
}});
"""


def _watch_csp(context) -> None:
    context.add_init_script(CSP_LISTENER)

    def heard(message) -> None:
        # The listener's report (chromium's own console line says the same, but also for a test's own tools).
        if CSP_MARK in message.text:
            CSP_VIOLATIONS.append(f"{message.text} ({message.location.get('url', '')})")

    context.on("console", heard)


def _watched(new_context):
    def new_watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        _watch_csp(context)
        return context

    return new_watched_context


@pytest.fixture(autouse=True)
def _no_csp_violation():
    CSP_VIOLATIONS.clear()
    yield
    violations = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


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
        # Every context, the tests' own (browser.new_context) too, listens for CSP violations.
        chromium.new_context = _watched(chromium.new_context)  # type: ignore[method-assign]
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
