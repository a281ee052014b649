"""forms.md R8 and R7 at submission, and the outline's required sections (rules.md §2).

Lan changes a figure the dossiers computed: the computed value stays beside it, a reason is asked
for, and the report arrives flagged ``inaccurate`` with the dossiers behind each differing cell.
"""

from datetime import UTC, datetime

import pytest

from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.reports import prefill, services
from kstt.reports.prefill import Difference, reconcile
from kstt.reports.tests.test_submission_services import GOOD, NARRATIVE, ROW

FORM = "06/VPCP/KSTT"
T1 = datetime(2021, 10, 4, 3, 0, tzinfo=UTC)
T2 = datetime(2021, 10, 5, 3, 0, tzinfo=UTC)
T_Q2 = datetime(2021, 7, 5, 3, 0, tzinfo=UTC)


# --- The pure comparison ---------------------------------------------------------------------------------

COMPUTED = {"HT": {"received_total": 3, "settled_total": 2}, "total": {"received_total": 3, "settled_total": 2}}


@pytest.mark.parametrize(
    ("values", "reasons", "expected"),
    [
        pytest.param(COMPUTED, {}, [], id="as-computed"),
        pytest.param(
            {"HT": {"received_total": "3", "settled_total": 2.0}, "total": COMPUTED["total"]},
            {},
            [],
            id="same-number-typed-as-text-or-float",
        ),
        pytest.param(
            {"HT": {"received_total": 4, "settled_total": 2}, "total": COMPUTED["total"]},
            {},
            [Difference("HT", "received_total", 4, 3, "")],
            id="changed-without-reason",
        ),
        pytest.param(
            {"HT": {"received_total": 4, "settled_total": 2}, "total": COMPUTED["total"]},
            {"HT": {"received_total": " hồ sơ giấy chưa nhập "}},
            [Difference("HT", "received_total", 4, 3, "hồ sơ giấy chưa nhập")],
            id="changed-with-reason",
        ),
        pytest.param(
            {"HT": {"received_total": None, "settled_total": 2}, "total": COMPUTED["total"]},
            {},
            [Difference("HT", "received_total", None, 3, "")],
            id="emptied-a-computed-figure",
        ),
        pytest.param(
            COMPUTED | {"CT": {"received_total": 1, "settled_total": None}},
            {},
            [Difference("CT", "received_total", 1, 0, "")],
            id="a-row-without-dossiers-counts-zero-and-empty-is-not-a-difference",
        ),
        pytest.param(
            COMPUTED | {"HT": {"received_total": "ba", "settled_total": 2}}, {}, [], id="not-a-number-is-left-to-R5"
        ),
    ],
)
def test_reconcile(values, reasons, expected):
    assert (
        reconcile(values=values, computed=COMPUTED, reasons=reasons, columns=("received_total", "settled_total"))
        == expected
    )


def test_the_findings_name_both_values_and_ask_for_a_reason():
    differences = [Difference("HT", "received_total", 4, 3, ""), Difference("total", "received_total", 4, 3, "")]
    findings = prefill.difference_findings(
        differences, form=FORM, column_numbers={"received_total": 3}, links={"HT": "/x?row=HT&column={column}"}
    )
    assert [(f["row"], f["rule"], f["severity"], f.get("missing")) for f in findings] == [
        ("HT", "R8", "warning", None),
        ("HT", "R8", "warning", "reason"),
        ("total", "R8", "warning", None),
    ]
    assert findings[0]["message"] == "Cột 3: số nhập 4 khác số tính từ hồ sơ 3"
    assert findings[0]["link"] == "/x?row=HT&column=received_total"
    assert findings[2]["link"] == ""


# --- At submission ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dossiers(cast, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT_PUSH, actor=None)


AT_PUSH = datetime(2021, 7, 1, 2, 0, tzinfo=UTC)


def open_report(lan, unit, report_type, period="2021Q3", at=T1):
    return services.open_instance(unit=unit, report_type=report_type, period=period, at=at, actor=lan)


def fill(report, lan, *, values=None, reasons=None, narrative=NARRATIVE, at=T1):
    report.draft.refresh_from_db()
    services.save_draft(
        instance=report, values=report.draft.values if values is None else values, narrative=narrative,
        reasons=reasons or {}, expected_revision=report.draft.revision, at=at, actor=lan,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bc.pdf", content=b"%PDF-1.7", verification={"signed": True}, at=at, actor=lan
    )
    report.refresh_from_db()
    return report


def changed(report, **cells):
    values = {row: dict(cols) for row, cols in report.draft.values[FORM].items()}
    for column, value in cells.items():
        values["HT"][column] = value
        values["total"][column] = value + values["CT"][column]
    return {FORM: values}


def test_a_changed_cell_without_a_reason_is_a_finding(dossiers, lan, commune_yen_nghiep, kstt_report):
    report = open_report(lan, commune_yen_nghiep, kstt_report)
    fill(report, lan, values=changed(report, received_online=2, received_total=4))
    version = services.submit(instance=report, at=T2, actor=lan)  # flagged, submitted on the first press
    r8 = [f for f in version.findings if f["rule"] == "R8"]
    assert version.flags == ["inaccurate"]
    missing = {(f["row"], f["column"]) for f in r8 if f.get("missing") == "reason"}
    assert missing == {("HT", "received_online"), ("HT", "received_total")}
    online = next(f for f in r8 if (f["row"], f["column"]) == ("HT", "received_online") and "missing" not in f)
    assert online["message"] == "Cột 4: số nhập 2 khác số tính từ hồ sơ 1"
    assert online["link"] == "/units/W05341/form06/cell/?period=2021Q3&row=HT&column=received_online"


def test_with_a_reason_it_is_still_an_r8_warning_with_both_values(dossiers, lan, commune_yen_nghiep, kstt_report):
    report = open_report(lan, commune_yen_nghiep, kstt_report)
    why = "Một hồ sơ nộp qua bưu điện chưa nhập hệ thống"
    fill(report, lan, values=changed(report, received_online=2, received_total=4),
         reasons={FORM: {"HT": {"received_online": why, "received_total": why}}})  # fmt: skip
    version = services.submit(instance=report, explanation="Đã ghi lý do", at=T2, actor=lan)
    r8 = [f for f in version.findings if f["rule"] == "R8"]
    assert version.flags == ["inaccurate"]
    assert not [f for f in r8 if f.get("missing")]
    assert {(f["row"], f["column"], f["value"], f["computed"]) for f in r8} == {
        ("HT", "received_online", "2", "1"),
        ("HT", "received_total", "4", "3"),
        ("total", "received_online", "2", "1"),
        ("total", "received_total", "5", "4"),
    }
    assert all(why in f["message"] for f in r8 if f["row"] == "HT")
    # The link leads to the dossiers behind the cell (the form 06 cell page).
    assert all(f["link"].startswith("/units/W05341/form06/cell/?period=2021Q3&row=") for f in r8)


def test_the_dossier_link_opens_the_dossiers_behind_the_cell(client, dossiers, lan, commune_yen_nghiep, kstt_report):
    report = open_report(lan, commune_yen_nghiep, kstt_report)
    fill(report, lan, values=changed(report, received_online=2, received_total=4))
    findings, _ = services.checks(report, report.draft)
    link = next(f["link"] for f in findings if f["rule"] == "R8" and f["column"] == "received_online")
    client.force_login(lan)
    assert "HS-1" in client.get(link).content.decode()


def test_without_dossiers_there_is_no_r8(lan, commune_yen_nghiep, kstt_report):
    report = open_report(lan, commune_yen_nghiep, kstt_report)
    fill(report, lan, values=GOOD)
    version = services.submit(instance=report, at=T2, actor=lan)
    assert (version.flags, version.findings) == ([], [])


# --- R7 against the previous period --------------------------------------------------------------------


def submit_q2(lan, unit, report_type, pending_total):
    q2 = open_report(lan, unit, report_type, period="2021Q2", at=T_Q2)
    row = ROW | {"received_total": 5, "settled_total": 5 - pending_total, "settled_early": 5 - pending_total,
                 "settled_on_time": 0, "settled_late": 0, "pending_total": pending_total,
                 "pending_in_time": pending_total, "pending_overdue": 0}  # fmt: skip
    fill(q2, lan, values={FORM: {"HT": row, "total": row}}, at=T_Q2)
    return services.submit(instance=q2, explanation="kỳ trước", at=T_Q2, actor=lan)


def test_r7_warns_when_carried_over_differs_from_the_previous_pending(lan, commune_yen_nghiep, kstt_report):
    submit_q2(lan, commune_yen_nghiep, kstt_report, pending_total=3)  # GOOD carries over 1
    report = open_report(lan, commune_yen_nghiep, kstt_report)
    fill(report, lan, values=GOOD)
    version = services.submit(instance=report, at=T2, actor=lan)
    r7 = [f for f in version.findings if f["rule"] == "R7"]
    assert [(f["row"], f["column"], f["severity"]) for f in r7] == [
        ("HT", "carried_over", "warning"),
        ("total", "carried_over", "warning"),
    ]
    assert "cột 6 kỳ này = 1; cột 11 kỳ trước = 3" in r7[0]["message"]
    assert version.flags == ["inaccurate"]


def test_r7_is_quiet_when_carried_over_matches(lan, commune_yen_nghiep, kstt_report):
    submit_q2(lan, commune_yen_nghiep, kstt_report, pending_total=1)
    report = fill(open_report(lan, commune_yen_nghiep, kstt_report), lan, values=GOOD)
    assert services.submit(instance=report, at=T2, actor=lan).findings == []


def test_r7_uses_the_latest_submitted_version_of_the_previous_period(lan, minh, commune_yen_nghiep, kstt_report):
    first = submit_q2(lan, commune_yen_nghiep, kstt_report, pending_total=3)
    services.return_report(version=first, reasons=["inaccurate"], at=T_Q2, actor=minh)
    q2 = first.instance
    q2.refresh_from_db()
    row = dict(first.values[FORM]["HT"]) | {"settled_total": 4, "settled_early": 4, "pending_total": 1,
                                             "pending_in_time": 1}  # fmt: skip
    services.save_draft(instance=q2, values={FORM: {"HT": row, "total": row}}, narrative=NARRATIVE, reasons={},
                        expected_revision=q2.draft.revision, at=T_Q2, actor=lan)  # fmt: skip
    services.submit(instance=q2, at=T_Q2, actor=lan)
    report = fill(open_report(lan, commune_yen_nghiep, kstt_report), lan, values=GOOD)
    assert [f for f in services.checks(report, report.draft)[0] if f["rule"] == "R7"] == []


def test_no_r7_without_a_previous_report(lan, commune_yen_nghiep, kstt_report):
    report = fill(open_report(lan, commune_yen_nghiep, kstt_report), lan, values=GOOD)
    assert services.checks(report, report.draft)[0] == []


# --- The outline's required sections -------------------------------------------------------------------


def test_a_blank_required_section_makes_the_report_incomplete(lan, commune_yen_nghiep, kstt_report):
    narrative = NARRATIVE | {"feedback": "  ", "next_tasks": ""}
    report = fill(open_report(lan, commune_yen_nghiep, kstt_report), lan, values=GOOD, narrative=narrative)
    version = services.submit(instance=report, explanation="Bổ sung sau", at=T2, actor=lan)
    assert version.flags == ["incomplete"]
    assert [(p["code"], p["detail"]) for p in version.problems] == [
        ("section", "feedback"),
        ("section", "next_tasks"),
    ]


def test_optional_sections_may_stay_blank(lan, commune_yen_nghiep, kstt_report):
    narrative = NARRATIVE | {"communication": "", "proposals": " "}  # IV. proposals is optional
    report = fill(open_report(lan, commune_yen_nghiep, kstt_report), lan, values=GOOD, narrative=narrative)
    assert services.checks(report, report.draft)[1] == []
