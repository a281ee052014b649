"""Lan submits: Minh (her district's reviewer) is told there is a report to review. Minh returns or
accepts: Lan (and every reporter of her commune) is told, with a link to the report. After the commit
only: a rolled-back change tells nobody; a history loaded from a file tells nobody either."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.notifications.models import Notification
from kstt.reports import services
from kstt.reports.tests.review_story import REVIEW_DAY, SUBMITTED, fill
from kstt.tests.cast import AT


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(lan, minh, commune_yen_nghiep, kstt_report):
    report = services.open_instance(
        unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=SUBMITTED, actor=lan
    )
    return fill(report, lan)


def submit(report, lan, captured):
    with captured(execute=True):
        return services.submit(instance=report, at=SUBMITTED, actor=lan)


def test_a_submission_tells_the_districts_reviewers_after_the_commit(
    report, lan, minh, hoa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.submit(instance=report, at=SUBMITTED, actor=lan)
    assert Notification.objects.count() == 0  # nothing before the commit
    for callback in pending:
        callback()
    note = Notification.objects.get()
    assert note.recipient == minh and note.kind == "submitted" and note.created_at == SUBMITTED
    assert note.url == reverse("review:detail", args=["W05341", "2021Q3"])
    with translation.override("vi"):
        assert note.text.startswith("Ủy ban nhân dân xã Yên Nghiệp") and "Quý III/2021" in note.text


def test_a_return_tells_the_communes_reporters_with_the_reasons(
    report, lan, minh, commune_yen_nghiep, django_capture_on_commit_callbacks
):
    ly = save_user(username="ly", full_name="Đinh Thị Lý", unit=commune_yen_nghiep, roles={Role.REPORTER},
                   password="x" * 12, at=AT)  # fmt: skip
    version = submit(report, lan, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(version=version, reasons=["inaccurate"], text="Xem lại ô Hộ tịch", at=REVIEW_DAY,
                               actor=minh)  # fmt: skip
    notes = Notification.objects.filter(kind="returned")
    assert {n.recipient for n in notes} == {lan, ly}
    note = notes.first()
    assert note.url == "/reports/W05341/2021Q3/" and note.created_at == REVIEW_DAY
    assert "Trần Văn Minh" in note.params["reviewer"]
    assert note.params["reasons"] == "Số liệu không chính xác; Xem lại ô Hộ tịch"


def test_an_acceptance_tells_the_reporters_and_not_the_reviewer(report, lan, minh, django_capture_on_commit_callbacks):
    version = submit(report, lan, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(version=version, at=REVIEW_DAY, actor=minh)
    accepted = Notification.objects.get(kind="accepted")
    assert accepted.recipient == lan
    assert list(Notification.objects.filter(recipient=minh).values_list("kind", flat=True)) == ["submitted"]


def test_a_rolled_back_submission_tells_nobody(report, lan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.submit(instance=report, at=SUBMITTED, actor=lan)
                raise RuntimeError("the disk is full")
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0


def test_the_bell_counts_minhs_new_report(client, report, lan, minh, django_capture_on_commit_callbacks):
    submit(report, lan, django_capture_on_commit_callbacks)
    client.force_login(minh)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="bell-count">1' in html


def test_a_loaded_history_notifies_nobody(
    lan, minh, commune_yen_nghiep, kstt_report, django_capture_on_commit_callbacks
):
    data = (
        b"unit_code,report,period,event,at,reasons\n"
        b"W05341,kstt,2021Q3,submitted,2021-09-15T10:00:00+07:00,\n"
        b"W05341,kstt,2021Q3,returned,2021-09-16T10:00:00+07:00,outline\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.load_submissions(data=data, at=datetime(2021, 10, 1, tzinfo=UTC), source="history.csv")
    assert Notification.objects.count() == 0
