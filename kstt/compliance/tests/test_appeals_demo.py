"""The demo province on its day (20/12/2021 09:00): a deduction table per unit and for the province, one
appeal overturned and one upheld, decided before the clock (issue 9, "done when")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kstt.accounts.models import User
from kstt.catalogue import selectors as catalogue
from kstt.compliance.ledger_selectors import ledger
from kstt.compliance.models import Appeal
from kstt.notifications.models import Notification

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_INSTANT = datetime(2021, 12, 20, 9, 0, tzinfo=HCM)


@pytest.fixture
def demo(settings, db, tmp_path, django_capture_on_commit_callbacks):
    settings.KSTT_CLOCK = DEMO_INSTANT
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the notifications, as after a real commit
        call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_shows_one_appeal_overturned_and_one_upheld(demo, client):
    assert "Appeals against deductions: 2 filed, 2 decided" in demo
    overturned, upheld = Appeal.objects.get(decision="overturned"), Appeal.objects.get(decision="upheld")
    assert (overturned.unit.code, overturned.period) == ("D157", "2021Q3")
    assert (upheld.unit.code, upheld.period, upheld.filed_by.username) == ("P17-STP", "2021Q1", "tuan")
    for appeal in (overturned, upheld):
        assert appeal.filed_at < appeal.decided_at < DEMO_INSTANT
        assert appeal.decided_by.username == "hoa" and appeal.decision_reason
    assert overturned.attachments.count() == 1

    the_ledger = ledger(report_type=catalogue.report_type("kstt"), year=2021, as_of=DEMO_INSTANT)
    lines = {(x.judged.code, x.judged.period.code): x for x in the_ledger.lines}
    assert not lines[("D157", "2021Q3")].counted and lines[("D157", "2021Q3")].judged.verdict.deduction > 0
    assert lines[("P17-STP", "2021Q1")].counted and lines[("P17-STP", "2021Q1")].points == Decimal("0.25")
    tuan = User.objects.get(username="tuan")
    assert Notification.objects.filter(recipient=tuan, kind="appeal_upheld").exists()

    # the province's table (Hoa) and the unit's own page (Tuấn)
    client.force_login(User.objects.get(username="hoa"))
    html = client.get("/compliance/deductions/2021/").content.decode()
    assert 'data-testid="row-P17-STP"' in html and 'data-testid="appeal-overturned"' in html
    assert 'data-testid="appeal-upheld"' in html
    assert "Chấp nhận: không tính điểm trừ" in client.get("/compliance/lines/D157/2021Q3/").content.decode()
    client.force_login(tuan)
    html = client.get("/compliance/deductions/2021/P17-STP/").content.decode()
    assert 'data-testid="unit-total"' in html and 'data-testid="appeal-upheld"' in html
