"""The database connection drops in the middle of a submit (issue 16, point 5): nothing is half-written, the
user is told so clearly (503, in Vietnamese), and pressing again with the same Idempotency-Key submits once.

Two ways to lose it, each through the API and through the report page. On every engine, the statement that
marks the report submitted fails (an OperationalError, as a connection reset raises): the version and its
figures were already inserted in the submit's transaction. On PostgreSQL, for real: between the version's
INSERTs and the report's UPDATE, a second connection terminates the submitting backend
(``pg_terminate_backend``), as a database restart or a killed backend would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, connection

from kstt.audit.models import AuditEntry
from kstt.notifications.models import Notification
from kstt.reports.models import NarrativeDocument, ReportFigure, ReportInstance, ReportVersion
from kstt.reports.services import submission
from kstt.reports.tests.test_api import filled, signed_pdf, upload, url  # noqa: F401 (fixtures)
from kstt.reports.tests.test_report_page import URL, cells, narrative, page_fields
from kstt.reports.tests.test_submission_services import ROW, T1

pytestmark = pytest.mark.django_db(transaction=True)

#: What the page says (kstt/templates/503.html), in Vietnamese.
PAGE_TEXTS = ("Không kết nối được cơ sở dữ liệu", "Không có gì bị ghi dở dang", "không bao giờ gửi báo cáo hai lần")


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = T1
    settings.DEBUG = False  # the pages people see


@contextmanager
def statement_fails(table: str = "reports_reportinstance") -> Iterator[None]:
    """The UPDATE of ``table`` (the one that marks the report submitted) fails as a dropped connection makes
    it fail."""

    def wrapper(execute, sql, params, many, context):
        if sql.startswith(f'UPDATE "{table}"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


@contextmanager
def backend_terminated(monkeypatch) -> Iterator[None]:
    """Right after the version and its figures are written, another connection terminates this one."""
    original = submission.write_figures
    params = connection.get_connection_params()
    other = {k: params[k] for k in ("dbname", "user", "password", "host", "port") if params.get(k)}

    def write_then_lose_the_connection(version):
        original(version)
        assert ReportVersion.objects.filter(pk=version.pk).exists()  # written, inside the transaction
        pid = connection.connection.info.backend_pid
        with psycopg.connect(**other, autocommit=True) as killer:
            (done,) = killer.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()
        assert done, "the submitting backend was not terminated"

    with monkeypatch.context() as patch:
        patch.setattr(submission, "write_figures", write_then_lose_the_connection)
        yield


FAULTS = [
    pytest.param("statement", id="a-statement-fails"),
    pytest.param(
        "terminated",
        id="the-backend-is-terminated",
        marks=pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"),
    ),
]


@contextmanager
def fault(kind: str, monkeypatch) -> Iterator[None]:
    with statement_fails() if kind == "statement" else backend_terminated(monkeypatch):
        yield
    connection.close()  # the test's own connection, as Django closes it after a request whose connection failed


def nothing_was_submitted() -> None:
    assert ReportVersion.objects.count() == 0
    assert ReportFigure.objects.count() == 0
    assert not AuditEntry.objects.filter(event="reports.submitted").exists()
    assert Notification.objects.count() == 0  # told after the commit only: nobody told of a submission not made
    instance = ReportInstance.objects.get()
    assert (instance.status, instance.first_submitted_at) == ("draft", None)


def submitted_once() -> None:
    assert ReportVersion.objects.count() == 1
    assert ReportFigure.objects.filter(version__number=1).exists()
    assert AuditEntry.objects.filter(event="reports.submitted").count() == 1
    assert ReportInstance.objects.get().status == "submitted"


@pytest.mark.parametrize("kind", FAULTS)
def test_the_api_answers_503_writes_nothing_and_the_same_key_then_submits_once(filled, kind, monkeypatch):  # noqa: F811
    def press():
        return filled.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    with fault(kind, monkeypatch):
        lost = press()
    assert lost.status_code == 503
    assert lost["Retry-After"] == "10"
    body = lost.json()
    assert body["code"] == "database_unavailable"
    assert "không kết nối được cơ sở dữ liệu" in body["detail"]
    assert "Idempotency-Key" in body["detail"]
    nothing_was_submitted()

    again = press()
    assert again.status_code == 201, again.content
    assert press().status_code == 200  # and once more: the same version given back
    submitted_once()


@pytest.mark.parametrize("kind", FAULTS)
def test_the_page_answers_503_in_vietnamese_writes_nothing_and_pressing_again_submits_once(
    client,
    lan,
    filled,  # noqa: F811
    kind,
    monkeypatch,
):
    client.force_login(lan)
    data = {**page_fields(client), "action": "submit", **cells("HT", ROW), **narrative()}
    client.raise_request_exception = False
    with fault(kind, monkeypatch):
        lost = client.post(URL, data)
    assert lost.status_code == 503
    page = lost.content.decode()
    for text in PAGE_TEXTS:
        assert text in page, page
    assert "Traceback" not in page and "OperationalError" not in page
    nothing_was_submitted()

    assert client.post(URL, data).status_code == 302  # the browser's Back, then Submit again: the same page
    assert client.post(URL, data).status_code == 302  # a third press gives back the version the second made
    submitted_once()


def test_a_document_whose_transaction_fails_leaves_no_file_behind(filled, signed_pdf, tmp_path):  # noqa: F811
    """The page's Submit may carry the signed PDF: its file is written before its row, and deleted again when
    the transaction fails (kstt.reports.services.attach_document)."""
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    documents = NarrativeDocument.objects.count()
    with statement_fails("reports_draft"):
        lost = upload(filled, signed_pdf, name="ban-ky-lai.pdf")
    connection.close()
    assert (lost.status_code, lost.json()["code"]) == (503, "database_unavailable")
    assert NarrativeDocument.objects.count() == documents
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files  # no file that no row names
    assert upload(filled, signed_pdf, name="ban-ky-lai.pdf").status_code == 201
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == len(files) + 1
