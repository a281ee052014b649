"""The regulation's words, one set (issue 14 point 8): one label per status, defined once
(``kstt.reports.choices.Timeliness``) and used by every page, export and message; no variant of "late"
("muộn", "muộn hạn", "gửi muộn") anywhere people read; points deducted with a decimal comma."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from django.utils import translation

from kstt.compliance import choices as compliance_choices
from kstt.compliance.templatetags import dashboard_labels, ledger_labels
from kstt.reports import choices
from kstt.reports.templatetags import kstt_labels
from kstt.reports.timeliness import STATUSES, Status

ROOT = Path(__file__).resolve().parents[1]  # kstt/
WORDS = {
    Status.ON_TIME: "đúng hạn",
    Status.EXCUSED: "được gia hạn do sự cố",
    Status.LATE: "chậm",
    Status.NOT_SENT: "không gửi",
    Status.OVERDUE: "quá hạn, chưa gửi",
    Status.NOT_YET_DUE: "chưa đến hạn",
    Status.INCIDENT_OPEN: "sự cố chưa kết thúc",
}


def test_each_status_has_the_regulations_word_everywhere():
    assert set(WORDS) == set(STATUSES)
    with translation.override("vi"):
        for status, word in WORDS.items():
            shown = {
                choices.timeliness_label(status),
                compliance_choices.status_label(status),  # the ledger's pages and the xlsx export
                ledger_labels.verdict_label(status),
                dashboard_labels.verdict_label(status),
                kstt_labels.status_label(status),  # the home pages and the review page
            }
            assert {label.lower() for label in shown} == {word}, status


def _people_read() -> list[tuple[Path, str]]:
    """The texts people read: the Vietnamese catalogue's translations, the templates, the code (not tests)."""
    found = []
    po = (ROOT / "locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    found += [(Path("django.po"), m) for m in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', po, re.M)]
    for path in ROOT.rglob("*"):
        if path.suffix not in (".html", ".txt", ".py") or "tests" in path.parts or "migrations" in path.parts:
            continue
        found.append((path, path.read_text(encoding="utf-8")))
    return found


def test_no_variant_of_late_is_left():
    variants = re.compile(r"muộn", re.IGNORECASE)
    assert [str(path) for path, text in _people_read() if variants.search(text)] == []


def test_points_are_written_with_a_decimal_comma():
    with translation.override("vi"):
        assert choices.minus_points(Decimal("0.25")) == "−0,25"
        assert dashboard_labels.minus_points(Decimal("0.50")) == "−0,50"
        assert choices.minus_points(Decimal("0.00")) == "0" and choices.minus_points(None) == ""
        assert ledger_labels.points(Decimal("1.25")) == "1,25"
