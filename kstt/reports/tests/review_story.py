"""Lan's commune report for Q3/2021, filled and submitted, for the reviewer's page tests."""

from __future__ import annotations

from datetime import UTC, datetime

from kstt.reports import services
from kstt.reports.tests.test_submission_services import BROKEN, GOOD, NARRATIVE, ROW  # noqa: F401 (re-exported)

FORM = "06/VPCP/KSTT"
SUBMITTED = datetime(2021, 9, 15, 3, 0, tzinfo=UTC)  # 15/09/2021 10:00 in Hà Nội
LATER = datetime(2021, 9, 16, 2, 0, tzinfo=UTC)  # 16/09/2021 09:00
REVIEW_DAY = datetime(2021, 9, 20, 3, 0, tzinfo=UTC)  # the clock while Minh reviews

# The figures of the submission tests: GOOD passes every rule; BROKEN fails R1 on HT and the total.


def fill(report, reporter, values=GOOD, *, at=SUBMITTED, narrative=None, signed=True):
    report.refresh_from_db()
    services.save_draft(
        instance=report, values=values, narrative=NARRATIVE | (narrative or {"direction": "Kết quả quý III"}),
        reasons={}, expected_revision=report.draft.revision, at=at, actor=reporter,
    )  # fmt: skip
    verification = (
        {"signed": True, "flags": [], "signatures": [{"signer_common_name": "Nguyễn Văn Chủ Tịch",
         "signer_organisation": "UBND xã Yên Nghiệp", "signing_time": "2021-09-15T09:30:00+07:00",
         "intact": True, "changed_after_signing": False}]}
        if signed
        else {"signed": False, "flags": ["unsigned"], "signatures": []}
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao-q3.pdf", content=b"%PDF-1.7 test " + at.isoformat().encode(),
        verification=verification, at=at, actor=reporter,
    )  # fmt: skip
    report.refresh_from_db()
    return report


def submitted(unit, report_type, reporter, *, period="2021Q3", values=GOOD, explanation="", at=SUBMITTED, **kw):
    report = services.open_instance(unit=unit, report_type=report_type, period=period, at=at, actor=reporter)
    fill(report, reporter, values, at=at, **kw)
    version = services.submit(instance=report, explanation=explanation, at=at, actor=reporter)
    report.refresh_from_db()
    return report, version
