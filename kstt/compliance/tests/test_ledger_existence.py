"""Nobody learns from the ledger's pages which units, appeals or files exist beyond their own (style.md §4).

Lan (Yên Nghiệp), Minh (Lạc Sơn), Tuấn (Sở Tư pháp) and Thu (Lạc Sơn) ask for another unit's year, line,
appeal, decision or file: each answer is the 404 that a made-up code or number gets, the same status and
the same page, word for word (once the per-request CSRF token and the page's own address are set aside).
"""

from __future__ import annotations

import re

import pytest

from kstt.catalogue.rules.periods import Period
from kstt.compliance.models import Appeal
from kstt.compliance.services import AttachmentFile, file_appeal
from kstt.compliance.tests.ledger_story import (
    FILED,
    NOW,
    PDF,
    history,  # noqa: F401 (a fixture)
    make_thu,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]

MADE_UP = 987654


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KSTT_CLOCK = NOW


@pytest.fixture
def thu(district_lac_son):
    return make_thu(district_lac_son)


@pytest.fixture
def filed(kstt_report, dept_justice, tuan):
    """Tuấn's appeal of Sở Tư pháp's Q1, with its minutes."""
    return file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"), reason="Có.",
                       attachments=[AttachmentFile("bien-ban.pdf", PDF)], at=FILED, actor=tuan)  # fmt: skip


def page_text(response) -> str:
    """The page without what differs from one request to the next: the CSRF token and the page's address."""
    html = response.content.decode()
    html = re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*', r"\1…", html)
    return re.sub(r'(name="next" type="hidden" value=")[^"]*', r"\1…", html)


def ask(client, method, url):
    if method == "post":
        return client.post(url, {"reason": "Thử.", "decision": "overturned"})
    return client.get(url)


@pytest.mark.parametrize(
    ("who", "method", "real", "made_up"),
    [
        pytest.param(
            "lan", "get", "/compliance/deductions/2021/D157/", "/compliance/deductions/2021/D999/", id="lan-year"
        ),
        pytest.param(
            "minh", "get", "/compliance/deductions/2021/D156/", "/compliance/deductions/2021/NOWHERE/",
            id="minh-year-of-another-district",
        ),
        pytest.param(
            "thu", "get", "/compliance/deductions/2021/W05341/", "/compliance/deductions/2021/W99999/",
            id="reporter-year-of-a-commune-below",
        ),
        pytest.param(
            "tuan", "get", "/compliance/lines/D157/2021Q1/", "/compliance/lines/D999/2021Q1/", id="tuan-line"
        ),
        pytest.param(
            "minh", "get", "/compliance/lines/P17-STP/2021Q3/", "/compliance/lines/P17-XXX/2021Q3/",
            id="minh-line-of-a-department",
        ),
        pytest.param(
            "lan", "post", "/compliance/lines/P17-STP/2021Q1/appeal/", "/compliance/lines/P17-XXX/2021Q1/appeal/",
            id="lan-appeals-another-units-line",
        ),
        pytest.param(
            "minh", "post", "/compliance/appeals/{appeal}/decide/", "/compliance/appeals/{none}/decide/",
            id="minh-decides-an-appeal-he-does-not-see",
        ),
        pytest.param(
            "lan", "get", "/compliance/appeals/{appeal}/files/{file}/", "/compliance/appeals/{none}/files/{file}/",
            id="lan-file-of-another-unit",
        ),
        pytest.param(
            "thu", "get", "/compliance/appeals/{appeal}/files/{file}/", "/compliance/appeals/{appeal}/files/{none}/",
            id="thu-file-of-a-department",
        ),
    ],
)  # fmt: skip
def test_another_units_ledger_answers_as_if_it_did_not_exist(request, client, filed, who, method, real, made_up):
    numbers = {"appeal": filed.pk, "file": filed.attachments.get().pk, "none": MADE_UP}
    client.force_login(request.getfixturevalue(who))
    for_real, for_nothing = ask(client, method, real.format(**numbers)), ask(client, method, made_up.format(**numbers))
    assert (for_real.status_code, for_nothing.status_code) == (404, 404)
    assert page_text(for_real) == page_text(for_nothing)
    assert "Không tìm thấy" in page_text(for_real)
    filed.refresh_from_db()
    assert filed.decision == "pending" and Appeal.objects.count() == 1  # and nothing was written


def test_the_owners_still_see_what_others_cannot(client, filed, tuan, thu, hoa):
    """The 404s are about who asks, not about what exists: the same addresses answer their own people."""
    attachment = filed.attachments.get()
    client.force_login(tuan)
    assert client.get(f"/compliance/appeals/{filed.pk}/files/{attachment.pk}/").status_code == 200
    assert client.get("/compliance/lines/P17-STP/2021Q3/").status_code == 200
    client.force_login(thu)
    assert client.get("/compliance/deductions/2021/D157/").status_code == 200
    client.force_login(hoa)
    assert client.get("/compliance/deductions/2021/W05341/").status_code == 200


def test_who_sees_an_appeal_but_may_not_decide_it_is_told_so(client, filed, tuan):
    """Tuấn sees his own unit's appeal: deciding is refused with a 403 that says why (the administrator, who
    sees it too, decides it: rules.md §6)."""
    client.force_login(tuan)
    response = client.post(f"/compliance/appeals/{filed.pk}/decide/", {"decision": "overturned", "reason": "Có."})
    assert response.status_code == 403 and 'data-testid="forbidden"' in response.content.decode()
