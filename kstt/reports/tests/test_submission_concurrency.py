"""Two requests at the same moment (PostgreSQL, real transactions in two threads): one wins, the
other is refused, nothing is lost or doubled."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections

from kstt.reports import services
from kstt.reports.models import Draft, ReportVersion

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
T = datetime(2021, 9, 15, 3, 0, tzinfo=UTC)


def race(*calls):
    """Run each call in its own thread and connection, all released at once; their results or errors."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_clicks_on_submit_at_once_make_one_version(lan, commune_yen_nghiep, kstt_report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T, actor=lan)
    services.save_draft(
        instance=report, values={"06/VPCP/KSTT": {"HT": {}}}, narrative={}, reasons={}, expected_revision=0,
        at=T, actor=lan,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao.pdf", content=b"%PDF-1.7", verification={"signed": False}, at=T, actor=lan
    )
    results = race(*[lambda: services.submit(instance=report, explanation="Thử", at=T, actor=lan)] * 2)
    assert ReportVersion.objects.count() == 1
    assert sorted(type(r).__name__ for r in results) == ["ReportVersion", "StateError"]


def test_two_saves_at_once_one_is_refused(lan, commune_yen_nghiep, kstt_report):
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T, actor=lan)

    def save(value):
        return lambda: services.save_draft(
            instance=report, values={"06/VPCP/KSTT": {"HT": {"received_total": value}}}, narrative={}, reasons={},
            expected_revision=0, at=T, actor=lan,
        )  # fmt: skip

    results = race(save(1), save(2))
    assert sorted(type(r).__name__ for r in results) == ["Draft", "DraftConflict"]
    assert Draft.objects.get().revision == 1


@pytest.mark.parametrize("opened", [False, True], ids=["a-report-not-opened-yet", "an-opened-report"])
def test_the_same_report_in_one_request_twice_at_once_with_one_key_is_one_version(
    lan, commune_yen_nghiep, kstt_report, settings, tmp_path, opened
):
    """A system's retry that arrives while its first request is still running (POST …/submission/): both
    presses give the one version, whether the first is opening the report or finds it there."""
    from kstt.catalogue.rules.periods import Period
    from kstt.reports.models import NarrativeDocument, ReportInstance
    from kstt.reports.tests.test_submission_services import GOOD, NARRATIVE

    settings.MEDIA_ROOT = tmp_path
    period = Period.parse("2021Q3")
    instance = None
    if opened:
        instance = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period=period, at=T,
                                          actor=lan)  # fmt: skip

    def press():
        return services.submit_report(
            unit=commune_yen_nghiep, report_type=kstt_report, period=period, values=GOOD, narrative=NARRATIVE,
            reasons={}, document=services.SignedDocument("bao-cao.pdf", b"%PDF-1.7", {"signed": False}),
            idempotency_key="he-thong-1", at=T, actor=lan, instance=instance, looked=not opened,
        )  # fmt: skip

    results = race(press, press)
    assert all(isinstance(r, services.Submitted) for r in results), results
    assert sorted(r.made for r in results) == [False, True]
    assert {r.version.pk for r in results} == {ReportVersion.objects.get().pk}
    assert (ReportInstance.objects.count(), NarrativeDocument.objects.count()) == (1, 1)
    assert sorted(p.name for p in tmp_path.rglob("*.pdf")) == [
        NarrativeDocument.objects.get().file.name.rsplit("/")[-1]
    ]
