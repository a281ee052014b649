"""The Content-Security-Policy (issue 16): every response carries one that allows no inline script or style
and no eval (settings.CONTENT_SECURITY_POLICY, django-csp), and no template of KSTT holds what it refuses.
Every page of the Vietnamese walk (test_vietnamese_walk.py) is checked with ``csp_problems``; the browser
tests fail on any violation a page reports (kstt/tests/browser/conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
#: What a policy may never allow for scripts or styles.
LOOSE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:", "data:")


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def csp_problems(response) -> list[str]:
    """What is wrong with the CSP of one response (none: it has a strict one)."""
    header = response.get("Content-Security-Policy")
    if not header:
        return ["no Content-Security-Policy header"]
    directives = _directives(header)
    problems = []
    for name in ("script-src", "style-src"):
        sources = directives.get(name, directives.get("default-src"))
        if sources is None:
            problems.append(f"no {name} (nor default-src)")
            continue
        problems += [f"{name} allows {source}" for source in sources if source in LOOSE]
    for name in ("script-src-elem", "script-src-attr", "style-src-elem", "style-src-attr"):
        problems += [f"{name} allows {source}" for source in directives.get(name, []) if source in LOOSE]
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    return problems


def test_the_checker_finds_a_loose_policy():
    class Answer(dict):
        pass

    loose = Answer({"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'"})
    assert csp_problems(loose) == [
        "style-src allows 'unsafe-inline'",
        "object-src is not 'none'",
        "frame-ancestors is not 'none'",
    ]
    assert csp_problems(Answer()) == ["no Content-Security-Policy header"]
    evil = Answer(
        {"Content-Security-Policy": "script-src 'self' 'unsafe-eval'; object-src 'none'; frame-ancestors 'none'"}
    )
    assert csp_problems(evil) == ["script-src allows 'unsafe-eval'", "no style-src (nor default-src)"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/no-such-page/", "/api/docs/", "/api/docs/?script=", "/admin/", "/api/reports/", "/"],
)
def test_every_answer_carries_the_strict_policy(client, quan, url):
    client.force_login(quan)
    response = client.get(url)
    assert response.status_code in (200, 302, 404), (url, response.status_code)
    assert csp_problems(response) == []


@pytest.mark.django_db
def test_the_api_docs_take_their_script_and_styles_from_files(client, lan):
    client.force_login(lan)
    page = client.get("/api/docs/").content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert "<style" not in page
    assert '<script src="/api/docs/?script="></script>' in page
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_no_page_falls_back_to_a_loose_policy_in_production_either():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("default-src", "script-src", "style-src"):
        assert not set(directives[name]) & set(LOOSE), name
    assert "report-only" not in str(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "")).lower()


INLINE = [
    (r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", "an inline <script>"),
    (r"<style\b", "a <style> element"),
    (r"\sstyle=", "a style attribute"),
    (r"\son[a-z]+=", "an on…= handler attribute"),
    (r"javascript:", "a javascript: address"),
]


def test_no_template_holds_an_inline_script_style_or_handler():
    found = []
    for template in sorted(ROOT.glob("**/templates/**/*.html")):
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", template.read_text(), flags=re.S)
        for pattern, what in INLINE:
            if re.search(pattern, text):
                found.append(f"{template.relative_to(ROOT)}: {what}")
    assert found == []


def test_the_template_check_sees_each_kind():
    for sample in ("<script>x()</script>", "<style>p{}</style>", '<p style="color:red">', '<a onclick="x()">'):
        assert any(re.search(pattern, sample) for pattern, _ in INLINE), sample
    assert not any(re.search(p, '<script src="/s.js" defer></script>') for p, _ in INLINE)
    assert not any(re.search(p, '<script id="d" type="application/json">{}</script>') for p, _ in INLINE)
