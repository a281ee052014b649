"""The 2026 demo (`make run DEMO=2026`, `kstt load-demo --year 2026`): Phú Thọ after the 2025 reform, seen on
17/12/2026, with Hòa Bình 2021 kept before 1 July 2025, a 2026 history telling every case, an appeal of each
outcome, and the province's Q3 report compiled from the reports as they stood when it was sent."""

from collections import Counter
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from kstt.accounts.models import User
from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import FORM06, TOTAL
from kstt.compliance.models import Appeal
from kstt.compliance.selectors import judged
from kstt.demo.scenarios import HOA_BINH_2021, PHU_THO_2026
from kstt.dossiers.models import Dossier
from kstt.notifications.models import Reminder
from kstt.reports import selectors as reports
from kstt.reports.compiled_selectors import compile_from_reports
from kstt.reports.form07b_export import FORM07B
from kstt.reports.models import Draft, ReportInstance, ReportVersion
from kstt.tests.test_demo import make_run
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CLOCK = datetime(2026, 12, 17, 9, 0, tzinfo=HCM)
SENT_AT = datetime(2026, 9, 21, 10, 30, tzinfo=HCM)


@pytest.fixture
def demo_2026(settings, db, tmp_path):
    settings.KSTT_CLOCK = CLOCK
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("load_demo", "--year", "2026", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_2026_demo_seen_on_its_day(demo_2026, client):
    """One load (it takes a while), each story told by a helper below, then loaded again."""
    the_scenario_is_the_one_make_run_serves(demo_2026)
    the_tree_has_two_levels_from_the_reform_and_hoa_binh_before_it()
    every_case_occurs_in_2026()
    each_appeal_is_decided()
    the_province_sent_its_q3_report_compiled_from_the_reports_it_had()
    the_provincial_officer_s_pages_answer(client)
    loading_again_changes_nothing()


def the_scenario_is_the_one_make_run_serves(out):
    assert PHU_THO_2026.clock == CLOCK
    assert "The clock is fixed at 17/12/2026 09:00" in out
    assert "Demo logins of Phú Thọ 2026 (password for all: kstt-demo-2026)" in out
    for username in ("thu", "tuan", "hoa", "quantri"):
        assert f"  {username} " in out
        assert User.objects.get(username=username).check_password("kstt-demo-2026")
    assert User.objects.get(username="thu").unit.code == "W04795"
    hoa = User.objects.get(username="hoa")
    assert (hoa.unit.code, hoa.is_reviewer, hoa.is_reporter) == ("P25", True, True)


def the_tree_has_two_levels_from_the_reform_and_hoa_binh_before_it():
    after, before = date(2026, 6, 30), date(2025, 6, 30)
    assert [v.unit.code for v in units.roots_on(after)] == ["P25"]
    levels = Counter(units.versions_on(after).values_list("level", flat=True))
    assert levels == {"province": 1, "department": 14, "commune": 148}
    province = Unit.objects.get(code="P25")
    communes = units.versions_on(after).filter(level="commune")
    assert not communes.exclude(parent=province).exists()
    # Before the reform, the tree of 2021: Hòa Bình, its districts, phường Thịnh Lang under thành phố Hòa Bình.
    assert [v.unit.code for v in units.roots_on(before)] == ["P17"]
    assert units.versions_on(before).filter(level="district").count() == 10
    thinh_lang = units.unit_on("W04795", before)
    assert (thinh_lang.name, thinh_lang.parent.code) == ("Ủy ban nhân dân phường Thịnh Lang", "D148")
    hoa_binh = units.unit_on("W04795", after)
    assert (hoa_binh.name, hoa_binh.parent.code) == ("Ủy ban nhân dân phường Hòa Bình", "P25")
    assert units.unit_on("D148", date(2025, 7, 1)) is None
    # Every commune's report of 2026 goes straight to the province.
    instances = ReportInstance.objects.filter(period__startswith="2026", level="commune")
    assert instances.exists()
    assert set(instances.values_list("recipient__code", flat=True)) == {"P25"}


def verdicts():
    report_type = catalogue.report_type("kstt")
    periods = list(reports.periods(report_type, 2026))
    return {
        (j.code, j.period.code): j.verdict.status for j in judged(report_type=report_type, periods=periods, as_of=CLOCK)
    }


def every_case_occurs_in_2026():
    found = verdicts()
    counts = Counter(found.values())
    for status in ("on_time", "late", "excused", "not_sent", "overdue", "not_yet_due"):
        assert counts[status] > 0, status
    assert counts["on_time"] > counts["late"] > counts["not_sent"]
    assert found[("W04795", "2026Q3")] == "excused"  # the incident of 16/09/2026
    assert found[("W04795", "2026Q4")] == "overdue"  # on the chase list on the demo's day
    assert found[("P25-STP", "2026Q1")] == "late"
    # Returned, corrected, submitted again and accepted: phường Hòa Bình in Q2, and others.
    q2 = ReportInstance.objects.get(unit__code="W04795", period="2026Q2")
    assert list(q2.versions.order_by("number").values_list("review__decision", flat=True)) == ["returned", "accepted"]
    returned = ReportVersion.objects.filter(instance__period__startswith="2026", review__decision="returned")
    assert returned.values("instance__unit").distinct().count() > 20
    # Q4 is under way: some sent already, a draft saved but not sent, nothing after the clock.
    assert ReportVersion.objects.filter(instance__period="2026Q4").exists()
    assert Draft.objects.get(instance__unit__code="W04795", instance__period="2026Q4") is not None
    assert not ReportVersion.objects.filter(submitted_at__gt=CLOCK).exists()
    assert Dossier.objects.filter(unit__code="W04795").exists()
    assert Reminder.objects.exists()


def each_appeal_is_decided():
    decided = {(a.unit.code, a.period): a.decision for a in Appeal.objects.all()}
    assert decided == {("P25-STP", "2026Q1"): "upheld", ("W04792", "2026Q2"): "overturned"}


def the_province_sent_its_q3_report_compiled_from_the_reports_it_had():
    """Form 06 compiled as of the province's report holds a line per unit whose Q3 report had a version by the
    time it was sent (the standing one then: accepted by then, else the latest sent), and none for a unit that
    had sent nothing yet; the total is the sum of the lines. Form 07b and the narrative PDF are there."""
    (version,) = ReportVersion.objects.filter(instance__unit__code="P25", instance__period="2026Q3")
    assert version.submitted_at == SENT_AT
    assert version.instance.level == "province" and version.instance.recipient is None
    assert version.document_id is not None
    assert version.problems == []
    assert FORM06 not in version.values  # not the province's to fill: compiled wherever it is shown
    compiled = compile_from_reports(
        unit=version.instance.unit, period=Period.parse("2026Q3"), report_type=version.instance.report_type,
        as_of=version.submitted_at,
    )  # fmt: skip
    lines = {line.member.code: dict(line.reported) for line in compiled.compilation.lines if line.reported}
    sent_before = {}
    for v in ReportVersion.objects.filter(
        instance__period="2026Q3", instance__level__in=["department", "commune"], submitted_at__lte=SENT_AT
    ).select_related("instance__unit", "review"):
        accepted = hasattr(v, "review") and v.review.decision == "accepted" and v.review.at <= SENT_AT
        total = (v.values.get(FORM06) or {}).get(TOTAL)  # none: returned for its missing forms
        sent_before.setdefault(v.instance.unit.code, []).append((accepted, v.number, total))
    assert set(lines) == {code for code, sent in sent_before.items() if max(sent)[2] is not None}
    later = ReportVersion.objects.filter(instance__period="2026Q3", number=1, submitted_at__gt=SENT_AT)
    assert later.exists()  # the late ones came after the province had sent its report: not in it
    for code, cells in lines.items():
        assert cells == max(sent_before[code])[2], code
    total = compiled.compilation.total
    assert total == {k: sum(cells[k] for cells in lines.values()) for k in total}
    form07b = version.values[FORM07B]
    assert len(form07b) == 14 + 148 + 1
    assert form07b[TOTAL]["tthc_total"] == sum(row["tthc_total"] for key, row in form07b.items() if key != TOTAL)


def the_provincial_officer_s_pages_answer(client):
    client.force_login(User.objects.get(username="hoa"))
    pages = {
        "dashboard": reverse("compliance_dashboard:dashboard") + "?year=2026",
        "chase list": reverse("compliance_dashboard:dashboard") + "?year=2026&status=overdue",
        "ledger": reverse("compliance_ledger:province", args=[2026]),
        "review": reverse("review:list"),
        "compiled": reverse("compiled:form06_reports", args=["P25"]) + "?period=2026Q3",
    }
    for what, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, what
    chase = client.get(pages["chase list"]).content.decode()
    assert "W04795" in chase and "Quá hạn, chưa gửi" in chase


def snapshot():
    return (
        list(UnitVersion.objects.order_by("unit__code", "valid_from").values_list("unit__code", "valid_until")),
        Dossier.objects.count(),
        list(ReportVersion.objects.order_by("pk").values_list("instance__unit__code", "number", "submitted_at")),
        list(Draft.objects.order_by("pk").values_list("instance_id", "revision")),
        list(User.objects.order_by("username").values_list("username", "password", "unit__code")),
        Appeal.objects.count(),
        Reminder.objects.count(),
        AuditEntry.objects.count(),
    )


def loading_again_changes_nothing():
    before = snapshot()
    out = StringIO()
    call_command("load_demo", "--year", "2026", stdout=out, stderr=StringIO())
    assert "Units closed on 01/07/2025: 0 now, 135 already closed." in out.getvalue()
    assert "The province's report of 2026Q3: already there." in out.getvalue()
    assert " 0 drafts saved, 0 versions submitted, 0 reviews," in out.getvalue()
    assert snapshot() == before


# -- make run DEMO=2026 --------------------------------------------------------------------------


def test_make_run_demo_2026_loads_phu_tho_on_its_day_in_its_own_database():
    commands = make_run("DEMO=2026")
    kstt = [part for line in commands.splitlines() for part in line.split(";") if ".venv/bin/kstt " in part]
    assert len(kstt) >= 4  # migrate, load-demo, worker, runserver
    for part in kstt:
        assert "DATABASE_URL='sqlite:///" in part and "db-2026.sqlite3'" in part, part
        assert "KSTT_MEDIA_ROOT='" in part and "media-2026'" in part, part
        assert "KSTT_CLOCK='2026-12-17T09:00:00+07:00' .venv/bin/kstt" in part, part
    assert ".venv/bin/kstt load-demo --year 2026" in commands
    assert f"KSTT_CLOCK='{PHU_THO_2026.clock.isoformat()}'" in commands  # the day the scenario is written for


def test_make_run_stays_the_2021_demo_in_the_default_database():
    commands = make_run()
    assert "KSTT_CLOCK='2021-12-20T09:00:00+07:00' .venv/bin/kstt load-demo\n" in commands
    assert HOA_BINH_2021.clock.isoformat() == "2021-12-20T09:00:00+07:00"
    kstt = [part for line in commands.splitlines() for part in line.split(";") if ".venv/bin/kstt " in part]
    assert len(kstt) >= 4
    assert not [part for part in kstt if "DATABASE_URL" in part or "MEDIA_ROOT" in part or "2026" in part]


def test_make_run_refuses_a_demo_it_does_not_have():
    assert "DEMO is 2021 (the default) or 2026, not '2030'" in make_run("DEMO=2030")
