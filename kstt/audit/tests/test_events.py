"""The audit trail reads as Vietnamese: every event has a name, every time is the province's."""

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from kstt.audit import services as audit
from kstt.audit.events import EVENTS, event_label
from kstt.audit.models import AuditEntry

SOURCE = Path(__file__).resolve().parents[2]


def recorded_event_codes() -> dict[str, str]:
    """Every event code a call passes as ``event=`` anywhere in KSTT's code (tests left out)."""
    codes = {}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "event":
                        for value in ast.walk(keyword.value):
                            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                                codes[value.value] = str(path.relative_to(SOURCE))
    return codes


def test_the_source_scan_finds_the_events_services_record():
    codes = recorded_event_codes()
    assert {"units.loaded", "accounts.user_created", "accounts.user_updated", "catalogue.settings_changed"} <= set(
        codes
    )


def test_every_event_code_recorded_anywhere_has_a_name():
    missing = {code: where for code, where in recorded_event_codes().items() if code not in EVENTS}
    assert missing == {}, "name these events in kstt/audit/events.py"


def test_every_named_event_has_a_vietnamese_name():
    with translation.override("en"):
        english = {code: str(label) for code, label in EVENTS.items()}
    with translation.override("vi"):
        untranslated = [code for code, label in EVENTS.items() if str(label) == english[code]]
    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "code", "shown"),
    [
        pytest.param("vi", "catalogue.deadlines_changed", "Thay đổi thiết lập thời hạn", id="vi-deadlines-changed"),
        pytest.param("vi", "units.loaded", "Nạp danh sách đơn vị", id="vi-units-loaded"),
        pytest.param("en", "units.loaded", "Units loaded", id="en-units-loaded"),
        pytest.param("vi", "something.new", "something.new", id="unknown-code-shown-as-is"),
    ],
)
def test_an_event_is_shown_by_its_name(language, code, shown):
    with translation.override(language):
        assert event_label(code) == shown


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        pytest.param(datetime(2026, 11, 29, 10, 46, tzinfo=UTC), "29/11/2026 17:46", id="morning-utc-afternoon-local"),
        pytest.param(datetime(2021, 9, 30, 17, 30, tzinfo=UTC), "01/10/2021 00:30", id="utc-evening-is-next-day-local"),
    ],
)
def test_an_entry_reads_in_the_provinces_time(db, at, shown):
    entry = AuditEntry(at=at, event="units.loaded")
    with translation.override("vi"):
        assert str(entry) == f"{shown} Nạp danh sách đơn vị"


def test_the_administration_site_shows_the_trail_in_vietnamese_and_local_time(client, quan, province):
    entry = audit.record(
        actor=quan, event="units.loaded", at=datetime(2026, 11, 29, 10, 46, tzinfo=UTC), target=province
    )
    client.force_login(quan)
    listing = client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert "Nhật ký thao tác" in listing and "Mục nhật ký" in listing
    assert "29/11/2026 17:46" in listing and "Nạp danh sách đơn vị" in listing
    assert ">units.loaded<" not in listing and "10:46" not in listing
    change = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).content.decode()
    assert "29/11/2026 17:46 Nạp danh sách đơn vị · đơn vị" in change  # the title: time, event, record
    assert "Người thực hiện" in change and "Sự kiện" in change
    filtered = client.get(reverse("admin:audit_auditentry_changelist") + "?event=units.loaded")
    assert filtered.status_code == 200 and "Nạp danh sách đơn vị" in filtered.content.decode()


def test_records_named_in_lists_read_in_local_time_and_words(db):
    from kstt.catalogue.models import CalendarDay
    from kstt.incidents.models import Incident

    incident = Incident(pk=7, start=datetime(2021, 9, 30, 17, 30, tzinfo=UTC), description="x")
    assert str(incident) == "#7 01/10/2021 00:30"
    with translation.override("vi"):
        assert str(CalendarDay(day=date(2021, 9, 3), kind="day_off", name="Nghỉ bù")) == (
            "03/09/2021 Ngày nghỉ Nghỉ bù"
        )
