"""Issue 13, point 21: every page each role reaches passes axe-core's WCAG 2 A and AA rules, in chromium.

Lan, Minh, Tuấn, Hoa and Quản each walk the pages of the Vietnamese walk (its page list and its province,
``kstt/tests/test_vietnamese_walk.py``) in one browser context, at an office PC's 1366×768, and axe-core
(npm, ``devDependencies``: a test-only asset, injected into the page from ``node_modules``, never served to
users, loaded into every page of the context before the page's scripts) checks each page. Every page of
the walk is checked (one 403 and one 404 a role) but the administration site's record pages, sampled: one
record's form per model, one record's history in all; the dossier lists a form 06 page links to are the
walk's two a unit (its total row and a field row), not every figure's. Before log-in: the log-in page, a
refused log-in and the error pages (500, 400 and a stale form's 403 drawn in place). The whole module takes
about two and a half minutes on the 2-core machine alone (Quản, with the administration site, 50 s; Hoa 30 s;
the others 20–25 s each), twice that when the machine is busy.

A failure lists each violation once: the rule, what axe says to fix, the element (its CSS path and HTML)
and the pages it was seen on. Colours are fixed in ``kstt/static/kstt/app.css`` (the Bootstrap variables
at its top), never per page.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import Resolver404, resolve

from kstt.tests.test_vietnamese_walk import (  # the walk's province and page list (another helper extends them)
    _admin_pages,
    _detail_pages,
    _plain_page_names,
    province_on_record,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa"]
SCREEN = {"width": 1366, "height": 768}
#: The administration site's pages of one record: one record per model is enough (they share their template).
SAMPLED = ("_change", "_delete")

# axe-core's probes add inline styles the CSP refuses: the pages' CSP watch (conftest.py) is quiet meanwhile,
# and until the violation events axe caused (queued tasks) have been fired.
RUN_AXE = """async (tags) => {
  window.__ksttCspQuiet = true;
  try {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return result.violations.map(v => ({
      id: v.id, help: v.help, url: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160), fix: n.failureSummary})),
    }));
  } finally {
    await new Promise((done) => setTimeout(done, 0));
    window.__ksttCspQuiet = false;
  }
}"""


class Findings:
    """Violations seen on a walk, each (rule, element) once with the pages it was seen on."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], dict] = {}
        self.pages: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, url: str, violations: list[dict]) -> None:
        for violation in violations:
            for node in violation["nodes"]:
                key = (violation["id"], node["target"])
                self.seen.setdefault(key, {**violation, **node})
                self.pages[key].append(url)

    def report(self, who: str, checked: int) -> str:
        lines = [
            f"axe-core (WCAG 2 A/AA) found {len(self.seen)} violation(s) on the pages {who} reaches "
            f"({checked} pages checked). Fix each at its cause: colours in kstt/static/kstt/app.css "
            "(the Bootstrap variables at its top), names and labels in the template that draws the element."
        ]
        for (rule, target), found in sorted(self.seen.items()):
            pages = self.pages[(rule, target)]
            more = f" and {len(pages) - 3} more" if len(pages) > 3 else ""
            fix = " ".join(found["fix"].split())
            lines += [
                f"- {rule} ({found['help']}, {found['url']})",
                f"    element {target}: {found['html']}",
                f"    {fix}",
                f"    on {', '.join(pages[:3])}{more}",
            ]
        return "\n".join(lines)


def session_context(browser, live_server, user):
    """A browser context already logged in as ``user`` (the session made by Django's test client)."""
    context = browser.new_context(locale="en-US", viewport=SCREEN)
    context.add_init_script(path=str(AXE))  # in every page it opens, before the page's own scripts
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


def check(page, url: str, findings: Findings) -> None:
    findings.add(url, page.evaluate(RUN_AXE, TAGS))


def _kind(url: str) -> str | None:
    """The administration site's record pages by model and kind (a record's history, the same table for every
    model: once); None for every other page (all walked)."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    if name.startswith("admin:") and name.endswith("_history"):
        return "admin:history"
    if name.startswith("admin:") and name.endswith(SAMPLED):
        return name
    return None


def visit(page, address: str) -> int | None:
    """Open ``address`` if it is a whole page (asked first through the context's request API, which shares the
    session: chromium would show its own error page for an error without a body, or start a download); its
    status, or None."""
    answer = page.request.get(address)
    if "html" not in answer.headers.get("content-type", "") or not answer.text().lstrip().lower().startswith(
        "<!doctype"
    ):
        return None  # a file, or a fragment htmx swaps into a page
    response = page.goto(answer.url)
    assert response is not None and response.status == answer.status, address
    return answer.status


def walk(page, live_server, pages: list[str], findings: Findings) -> int:
    """Open each page; check the full pages that answer (one 403 and one 404 too). The pages checked."""
    visited: set[str] = set()
    kinds: set[str] = set()
    errors: set[int] = set()
    checked = 0
    while pages:
        url = pages.pop(0)
        kind = _kind(url)
        if url in visited or (kind is not None and kind in kinds):
            continue
        visited.add(url)
        status = visit(page, live_server.url + url)
        if status is None:
            continue
        if status in (403, 404, 405):
            if status in errors:
                continue
            errors.add(status)
        elif status not in (200, 400):
            raise AssertionError(f"{url} answered {status}")
        if kind is not None:
            kinds.add(kind)
        check(page, url, findings)
        checked += 1
    return checked


def test_axe_reads_the_injected_engine_and_reports_a_violation(browser, live_server):
    """The checker itself: a page with a grey-on-grey text and an unlabelled field fails."""
    context = session_context(browser, live_server, None)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'Khó đọc'; p.style.color = '#bbb';"
        " document.querySelector('main').append(p, document.createElement('input')); }"
    )
    findings = Findings()
    check(page, "/accounts/login/", findings)
    context.close()
    assert {rule for rule, _ in findings.seen} == {"color-contrast", "label"}
    assert "color-contrast (Elements must meet minimum color contrast ratio thresholds" in findings.report("x", 1)


@pytest.mark.usefixtures("province_on_record")
def test_the_pages_before_log_in_and_the_error_pages_pass_axe(browser, live_server):
    context = session_context(browser, live_server, None)
    page = context.new_page()
    findings = Findings()
    for url in ("/accounts/login/", "/no-such-page/"):
        page.goto(live_server.url + url)
        check(page, url, findings)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill("not her password")
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator(".alert-danger").wait_for()
    check(page, "/accounts/login/ (refused)", findings)
    for template in ("400.html", "500.html", "403_csrf.html"):  # drawn without a request: shown in place
        page.goto(f"{live_server.url}/no-such-page/")
        page.set_content(render_to_string(template))
        check(page, template, findings)
    context.close()
    assert not findings.seen, findings.report("anyone before log-in", 6)


@pytest.mark.parametrize("person", ["lan", "minh", "tuan", "hoa", "quan"])
def test_every_page_a_role_reaches_passes_axe(request, browser, live_server, person):
    from kstt.incidents.models import Incident

    province = request.getfixturevalue("province_on_record")
    user = request.getfixturevalue(person)
    incidents = list(Incident.objects.values_list("pk", flat=True))
    pages = _plain_page_names() + _detail_pages(province, incidents)
    if user.is_staff:
        pages += _admin_pages()
    context = session_context(browser, live_server, user)
    page = context.new_page()
    page.set_default_timeout(15_000)
    findings = Findings()
    checked = walk(page, live_server, pages, findings)
    context.close()
    assert checked >= 5, f"{person} reached only {checked} pages"
    assert not findings.seen, findings.report(person, checked)


def test_the_sampling_keeps_every_page_but_the_admin_record_pages():
    assert _kind("/units/W05341/") is None
    assert _kind("/admin/units/unit/") is None
    assert _kind("/admin/units/unit/3/change/") == "admin:units_unit_change"
    assert _kind("/admin/units/unit/3/history/") == _kind("/admin/audit/auditentry/1/history/") == "admin:history"
