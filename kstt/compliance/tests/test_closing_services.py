"""Closing a year through its service functions and the API (rules.md §6, chốt sổ).

Hòa Bình's 2021 in miniature (ledger_story): on 15/02/2022 every 2021 line is final. Hoa (the
provincial office) closes it; Tuấn (Sở Tư pháp) cannot; later facts change nothing in the snapshot.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period
from kstt.catalogue.services import CatalogueError, change_settings
from kstt.compliance import closing_selectors, services
from kstt.compliance.models import YearClosing
from kstt.compliance.tests.ledger_story import HN, history  # noqa: F401 (the fixture)
from kstt.incidents.services import record_incident
from kstt.records import ImmutableError
from kstt.tests.cast import *  # noqa: F403

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]

CLOSED_AT = datetime(2022, 2, 15, 9, 0, tzinfo=HN)
LATER = datetime(2022, 2, 20, 9, 0, tzinfo=HN)


@pytest.fixture
def kstt(settings):
    settings.KSTT_CLOCK = CLOSED_AT
    return catalogue.report_type("kstt")


def close(report_type, province, actor, at=CLOSED_AT):
    return services.close_year(report_type=report_type, year=2021, province=province, at=at, actor=actor)


def test_the_office_closes_its_province_and_the_closing_is_immutable(kstt, province, hoa):
    record = close(kstt, province, hoa)
    assert (record.revision, record.closed_by, record.closed_at) == (1, hoa, CLOSED_AT)
    assert len(record.sha256) == 64
    entry = AuditEntry.objects.get(event="compliance.year_closed")
    assert entry.actor == hoa and entry.data["province"] == "P17"
    with pytest.raises(ImmutableError):
        record.save()
    with pytest.raises(ImmutableError):
        YearClosing.objects.update(note="changed")
    with pytest.raises(ImmutableError):
        record.delete()


def test_unit_people_may_not_close_and_an_administrator_may(kstt, province, tuan, minh, quan):
    for person in (tuan, minh):
        with pytest.raises(services.ClosingError) as refused:
            close(kstt, province, person)
        assert refused.value.code == "not_allowed"
    assert close(kstt, province, quan).closed_by == quan


def test_the_judgement_lists_what_blocks_and_who_was_never_reviewed(kstt, province, settings):
    state = closing_selectors.judgement(
        report_type=kstt, year=2021, province=province, as_of=datetime(2022, 1, 5, 9, 0, tzinfo=HN)
    )
    assert not state.may_close
    assert {(f.unit, f.period, str(b)) for f, b in state.blocks} == {
        ("D156", "2021Q4", "not_final"),
        ("D157", "2021Q4", "not_final"),
        ("P17-STP", "2021Q4", "not_final"),
    }
    later = closing_selectors.judgement(report_type=kstt, year=2021, province=province, as_of=CLOSED_AT)
    assert later.may_close and later.blocks == []
    # P17-STP's 2021Q3 and the rest were reviewed; none is left unreviewed in the story.
    assert later.not_reviewed == []


def test_a_pending_appeal_blocks_the_closing_until_it_is_decided(kstt, province, hoa, tuan):
    appeal = services.file_appeal(
        unit=tuan.unit, report_type=kstt, period=Period.parse("2021Q1"), reason="Mất điện", at=CLOSED_AT, actor=tuan
    )
    with pytest.raises(services.ClosingError) as refused:
        close(kstt, province, hoa, at=LATER)
    assert refused.value.code == "blocked" and refused.value.params["count"] == 1
    services.decide_appeal(appeal=appeal, decision="upheld", reason="Không có bằng chứng", at=LATER, actor=hoa)
    record = close(kstt, province, hoa, at=datetime(2022, 2, 21, 9, 0, tzinfo=HN))
    line = next(
        x for x in closing_selectors.snapshot_of(record)["lines"] if (x["unit"], x["period"]) == ("P17-STP", "2021Q1")
    )
    assert line["appeal"]["decision"] == "upheld" and line["points"] == "0.50"


def test_a_closed_line_cannot_be_appealed_and_the_message_names_the_closing(kstt, province, hoa, tuan):
    close(kstt, province, hoa)
    with pytest.raises(services.AppealError) as refused:
        services.file_appeal(
            unit=tuan.unit, report_type=kstt, period=Period.parse("2021Q1"), reason="Mất điện", at=LATER, actor=tuan
        )
    assert refused.value.code == "closed"
    message = refused.value.message
    assert "2021" in message and "Phạm Thị Hoa" in message and "1" in message


def test_a_settings_version_judging_a_closed_year_is_refused(kstt, province, hoa, quan):
    close(kstt, province, hoa)
    with pytest.raises(CatalogueError) as refused:
        change_settings(
            report_type=kstt,
            values={"late_points": "0.30"},
            valid_from=date(2021, 7, 1),
            note="QĐ 12/2022",
            at=LATER,
            actor=quan,
        )
    assert "2021" in str(refused.value) and "Phạm Thị Hoa" in str(refused.value)
    # A version from 2022 on judges no closed year.
    version = change_settings(
        report_type=kstt,
        values={"late_points": "0.30"},
        valid_from=date(2022, 1, 1),
        note="QĐ 12/2022",
        at=LATER,
        actor=quan,
    )
    assert version.late_points == Decimal("0.30")


def test_facts_recorded_later_change_nothing_in_the_snapshot(kstt, province, hoa):
    record = close(kstt, province, hoa)
    before = closing_selectors.closed_ledger(record)
    record_incident(
        start=datetime(2021, 3, 18, 8, 0, tzinfo=HN),
        end=datetime(2021, 3, 21, 18, 0, tzinfo=HN),
        all_units=True,
        units=[],
        description="Mất điện toàn tỉnh",
        at=LATER,
        actor=hoa,
    )
    after = closing_selectors.closed_ledger(YearClosing.objects.get())
    assert [line.judged.verdict for line in after.lines] == [line.judged.verdict for line in before.lines]
    _, _, changes = closing_selectors.differences(report_type=kstt, closing=record, as_of=LATER)
    assert {(c.unit, c.period) for c in changes} >= {("D157", "2021Q1")}


def test_reopen_and_close_again_keeps_both_revisions(kstt, province, hoa):
    first = close(kstt, province, hoa)
    with pytest.raises(services.ClosingError) as refused:
        services.reopen_year(report_type=kstt, year=2021, province=province, reason="  ", at=LATER, actor=hoa)
    assert refused.value.code == "reason"
    services.reopen_year(report_type=kstt, year=2021, province=province, reason="Sai sót", at=LATER, actor=hoa)
    assert closing_selectors.closing_in_force(report_type=kstt, year=2021, province=province, at=LATER) is None
    second = close(kstt, province, hoa, at=datetime(2022, 2, 21, 9, 0, tzinfo=HN))
    assert [c.revision for c in closing_selectors.closings(report_type=kstt, year=2021, province=province)] == [2, 1]
    assert first.snapshot and second.revision == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
def test_two_closings_at_once_make_one_revision(kstt, province, hoa):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=10)
            close(kstt, province, hoa)
            outcomes.append("ok")
        except services.ClosingError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1 and set(outcomes) - {"ok"} <= {"closed", "closed_now"}
    assert YearClosing.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
def test_a_closing_made_while_another_judges_the_year_waits_for_it(kstt, province, hoa, monkeypatch):
    """The interleaving that made two revisions: the first closing has found the year open and judges it
    (slowly); the second one runs meanwhile. It must wait for the first and find the year closed."""
    judged_once = threading.Event()
    real = closing_selectors.judgement
    outcomes: dict[str, str] = {}

    def slow_first(**kwargs):
        found = real(**kwargs)
        if not judged_once.is_set():
            judged_once.set()
            threading.Event().wait(1.5)  # the second closing runs now, if nothing holds it back
        return found

    monkeypatch.setattr(closing_selectors, "judgement", slow_first)

    def attempt(name: str) -> None:
        try:
            close(kstt, province, hoa)
            outcomes[name] = "ok"
        except services.ClosingError as exc:
            outcomes[name] = exc.code
        finally:
            connection.close()

    first = threading.Thread(target=attempt, args=("first",))
    first.start()
    assert judged_once.wait(timeout=30)
    second = threading.Thread(target=attempt, args=("second",))
    second.start()
    first.join()
    second.join()
    assert outcomes == {"first": "ok", "second": "closed"}
    assert list(YearClosing.objects.values_list("revision", flat=True)) == [1]


# --- GET /api/deductions/ -------------------------------------------------------------------------------


def get(user, **params):
    api = APIClient()
    api.force_authenticate(user)
    return api.get("/api/deductions/", params)


def test_the_api_gives_the_closed_snapshot_then_live_and_diff(kstt, province, hoa, tuan, settings):
    open_year = get(hoa, year=2021).json()
    record = close(kstt, province, hoa)
    closed = get(hoa, year=2021)
    assert closed.status_code == 200
    body = closed.json()
    assert body["closed"] == {"at": "2022-02-15T09:00:00+07:00", "by": "hoa", "sha256": record.sha256, "revision": 1}
    assert {k: v for k, v in body.items() if k != "closed"} == open_year
    assert get(hoa, year=2021).content == closed.content  # the same bytes each time
    settings.KSTT_CLOCK = LATER
    record_incident(
        start=datetime(2021, 3, 18, 8, 0, tzinfo=HN),
        end=datetime(2021, 3, 21, 18, 0, tzinfo=HN),
        all_units=True,
        units=[],
        description="Mất điện toàn tỉnh",
        at=LATER,
        actor=hoa,
    )
    assert get(hoa, year=2021).content == closed.content
    assert "closed" not in get(hoa, year=2021, live=1).json()
    diff = get(hoa, year=2021, diff=1).json()
    assert diff["closed"]["sha256"] == record.sha256 and diff["changes"]
    assert all(set(change) == {"unit", "report", "period", "closed", "live"} for change in diff["changes"])
    # A unit sees its own lines of the snapshot.
    mine = get(tuan, year=2021).json()
    assert {line["unit"] for line in mine["lines"]} == {"P17-STP"} and mine["closed"]["sha256"] == record.sha256


@pytest.mark.parametrize(
    ("params", "status"),
    [({"year": 2021, "diff": 1}, 400), ({"year": 2021, "live": 1, "diff": 1}, 400), ({"year": 2021, "live": "x"}, 400)],
)
def test_bad_api_queries(kstt, hoa, params, status):
    assert get(hoa, **params).status_code == status


def test_a_province_the_caller_may_not_read_is_refused(kstt, tuan):
    assert get(tuan, year=2021, province="P17").status_code == 400
