"""Two submits with one Idempotency-Key at the same moment (PostgreSQL, two threads, real transactions):
one makes the version (201), the other gets it back (200)."""

import pytest
from django.db import connection

from kstt.reports.models import ReportVersion
from kstt.reports.tests.test_api import as_, filled, signed_pdf, url  # noqa: F401 (fixtures)
from kstt.reports.tests.test_submission_concurrency import race
from kstt.reports.tests.test_submission_services import T1

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = T1


@pytest.mark.usefixtures("filled")
def test_a_double_click_with_one_key_at_once_is_one_version_201_then_200(lan):
    def click():
        return as_(lan).post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="double").status_code

    assert sorted(race(click, click)) == [200, 201]
    assert ReportVersion.objects.count() == 1
