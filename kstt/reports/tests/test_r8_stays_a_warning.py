"""R8 findings stay warnings until the reviewer decides (rules.md §5, forms.md R8, issue 14 point 6).

A cell that differs from the dossiers marks the submitted version ``inaccurate`` (a flag the reviewer sees
first), but no reader turns the flag into a quality fault: the verdict has a fault only once the reviewer
returns the version, with the reasons the reviewer chose.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from kstt.catalogue.rules.periods import Period
from kstt.compliance.selectors import judged
from kstt.reports import services
from kstt.reports.tests.test_reconciliation import FORM, changed, dossiers, fill, open_report  # noqa: F401

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SUBMITTED = datetime(2021, 9, 15, 10, 0, tzinfo=HCM)  # on time (due by the end of 16/09)
AFTER_CLOSING = datetime(2021, 11, 1, 9, 0, tzinfo=HCM)


def verdict(report_type, unit):
    (item,) = judged(report_type=report_type, periods=[Period.parse("2021Q3")], as_of=AFTER_CLOSING, unit_ids=[unit.pk])
    return item.verdict


def submit_with_r8(lan, unit, report_type):
    report = open_report(lan, unit, report_type, at=SUBMITTED)
    why = "Một hồ sơ nộp qua bưu điện chưa nhập hệ thống"
    fill(report, lan, values=changed(report, received_online=2, received_total=4),
         reasons={FORM: {"HT": {"received_online": why, "received_total": why}}}, at=SUBMITTED)  # fmt: skip
    version = services.submit(instance=report, explanation="Đã ghi lý do", at=SUBMITTED, actor=lan)
    assert version.flags == ["inaccurate"] and any(f["rule"] == "R8" for f in version.findings)
    assert all(f["severity"] == "warning" for f in version.findings if f["rule"] == "R8")
    return version


def test_an_r8_flag_is_no_fault_while_nobody_has_decided(dossiers, lan, commune_yen_nghiep, kstt_report):  # noqa: F811
    submit_with_r8(lan, commune_yen_nghiep, kstt_report)
    found = verdict(kstt_report, commune_yen_nghiep)
    assert found.faults == ()
    assert found.status.value == "on_time"


def test_an_r8_flag_accepted_by_the_reviewer_is_no_fault(dossiers, lan, minh, commune_yen_nghiep, kstt_report):  # noqa: F811
    version = submit_with_r8(lan, commune_yen_nghiep, kstt_report)
    services.accept(version=version, at=datetime(2021, 9, 20, 9, 0, tzinfo=HCM), actor=minh)
    assert verdict(kstt_report, commune_yen_nghiep).faults == ()


def test_the_fault_is_the_reviewers_reasons_once_returned(dossiers, lan, minh, commune_yen_nghiep, kstt_report):  # noqa: F811
    version = submit_with_r8(lan, commune_yen_nghiep, kstt_report)
    services.return_report(version=version, reasons=["forms"], at=datetime(2021, 9, 20, 9, 0, tzinfo=HCM), actor=minh)
    assert verdict(kstt_report, commune_yen_nghiep).faults == ("forms",)  # the reviewer's, not the flag
