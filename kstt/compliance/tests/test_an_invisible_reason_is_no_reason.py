"""A reason made only of invisible characters is refused like an empty one (issue 13 point 10): Tuấn's
appeal and Hoa's decision alike, through the pages and through the services; nothing is recorded."""

from __future__ import annotations

import pytest

from kstt.audit.models import AuditEntry
from kstt.catalogue.rules.periods import Period
from kstt.compliance.models import Appeal
from kstt.compliance.services import AppealError, decide_appeal, file_appeal
from kstt.compliance.tests.ledger_story import DECIDED, FILED, NOW, history  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]

INVISIBLE = [
    pytest.param("\u200b", id="a-zero-width-space"),
    pytest.param("\ufeff\u200b\u200c", id="zero-width-characters"),
    pytest.param("\u00a0\u3000", id="no-break-and-ideographic-spaces"),
    pytest.param("\u200b\u00a0\u3000\ufeff", id="mixed"),
    pytest.param("\u0301\u0303", id="combining-marks-alone"),
    pytest.param("\x07\x1b", id="control-characters"),
    pytest.param("\u3164", id="a-hangul-filler"),
]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KSTT_CLOCK = NOW


@pytest.fixture
def filed(kstt_report, dept_justice, tuan):
    return file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"),
                       reason="Mất điện cả ngày 18/3.", at=FILED, actor=tuan)  # fmt: skip


@pytest.mark.parametrize("reason", INVISIBLE)
def test_tuans_invisible_reason_is_refused_on_the_page(client, tuan, reason):
    client.force_login(tuan)
    response = client.post("/compliance/lines/P17-STP/2021Q1/appeal/", {"reason": reason})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hãy nêu lý do." in html or "Trường này là bắt buộc." in html
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("reason", INVISIBLE)
def test_an_invisible_reason_is_refused_by_the_appeal_service(kstt_report, dept_justice, tuan, reason):
    with pytest.raises(AppealError) as refused:
        file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"), reason=reason,
                    at=FILED, actor=tuan)  # fmt: skip
    assert refused.value.code == "reason" and not Appeal.objects.exists()


@pytest.mark.parametrize("reason", INVISIBLE)
def test_hoas_invisible_reason_is_refused_on_the_page(client, hoa, filed, reason):
    client.force_login(hoa)
    response = client.post(f"/compliance/appeals/{filed.pk}/decide/", {"decision": "overturned", "reason": reason})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hãy nêu lý do." in html or "Trường này là bắt buộc." in html
    filed.refresh_from_db()
    assert filed.decision == "pending"


@pytest.mark.parametrize("reason", INVISIBLE)
def test_an_invisible_reason_is_refused_by_the_decision_service(hoa, filed, reason):
    with pytest.raises(AppealError) as refused:
        decide_appeal(appeal=filed, decision="upheld", reason=reason, at=DECIDED, actor=hoa)
    assert refused.value.code == "reason"
    filed.refresh_from_db()
    assert filed.decision == "pending" and not AuditEntry.objects.filter(event="compliance.appeal_decided").exists()


def test_a_reason_with_one_visible_word_among_invisible_characters_is_a_reason(hoa, filed):
    decided = decide_appeal(appeal=filed, decision="upheld", reason="\u200bKhông\u00a0", at=DECIDED, actor=hoa)
    assert decided.decision == "upheld"
