"""Reminder e-mails through a real SMTP server on loopback (aiosmtpd), and two workers at once.

Two workers, twice: two `kstt worker --once` processes started together over the same database (a file
copy of the SQLite test database, or the PostgreSQL test database itself); and, on PostgreSQL, two threads
with their own connections whose INSERTs race on each reminder's UNIQUE claim — both read which reminders
were already sent before either claims any, so both try to claim every reminder due. Either way each
e-mail must reach the SMTP server exactly once.
"""

import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.notifications import selectors, services
from kstt.notifications.choices import DeliveryStatus
from kstt.notifications.models import Notification, Reminder, ReminderDelivery
from kstt.notifications.tests.smtp import smtp_server
from kstt.tests.cast import AT

pytestmark = pytest.mark.django_db(transaction=True)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
#: Friday 17/09/2021 08:05 in Hà Nội (after the quiet hours): the communes are one day late (due 16/09); the
#: department, the districts and the province are three days before their deadline (Monday 20/09).
T = datetime(2021, 9, 17, 8, 5, tzinfo=HCM)


@pytest.fixture
def everyone(cast, kstt_report):
    """A reporter with an address in every unit, and a reviewer in each district and the province."""
    people = {}
    for code, unit in cast.items():
        people[code] = save_user(
            username=f"bc-{code.lower()}", full_name=f"Người báo cáo {code}", unit=unit, roles={Role.REPORTER},
            password=None, at=AT,
        )  # fmt: skip
    for code in ("D157", "D156", "P17"):
        people[f"td-{code}"] = save_user(
            username=f"td-{code.lower()}", full_name=f"Người thẩm định {code}", unit=cast[code],
            roles={Role.REVIEWER}, password=None, at=AT,
        )  # fmt: skip
    for user in people.values():
        user.email = f"{user.username}@hoabinh.gov.vn"
        user.save(update_fields=["email"])
    return people


@pytest.fixture
def smtp(settings):
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 10
        settings.DEFAULT_FROM_EMAIL = "KSTT Hòa Bình <kstt@hoabinh.gov.vn>"
        yield inbox


def test_the_smtp_server_receives_the_vietnamese_reminders(everyone, smtp):
    run = services.send_reminders(now=T)
    assert run.emails_failed == 0 and run.emails_sent == len(smtp.received) > 0
    by_address = {m.to: m for m in smtp.received if "Yên Nghiệp" in m.subject}
    assert sorted(by_address) == ["bc-w05341@hoabinh.gov.vn", "td-d157@hoabinh.gov.vn"]
    message = by_address["td-d157@hoabinh.gov.vn"]
    assert message.subject == "[KSTT] Ủy ban nhân dân xã Yên Nghiệp: báo cáo Quý III/2021 đã quá hạn 1 ngày"
    assert message.sender == "KSTT Hòa Bình <kstt@hoabinh.gov.vn>"
    assert "Kính gửi: những người báo cáo của Ủy ban nhân dân xã Yên Nghiệp và những người thẩm định" in message.body
    assert "có hạn gửi là 16/09/2021 23:59 nhưng đến nay chưa được gửi" in message.body
    assert "Mở báo cáo: http://127.0.0.1:8000/reports/W05341/2021Q3/" in message.body
    department = next(m for m in smtp.received if m.to == "bc-p17-stp@hoabinh.gov.vn")
    assert department.subject == "[KSTT] Sở Tư pháp: còn 3 ngày đến hạn gửi báo cáo Quý III/2021"
    assert "có hạn gửi là 20/09/2021 23:59 và đến nay chưa được gửi" in department.body
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_an_smtp_server_that_is_away_is_recorded_and_the_next_run_delivers(everyone, settings):
    with smtp_server() as (_, port):
        pass  # the port is free again: nobody answers there
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    first = services.send_reminders(now=T)
    assert first.emails_sent == 0 and first.emails_failed == ReminderDelivery.objects.count() > 0
    assert all("ConnectionRefusedError" in d.error for d in ReminderDelivery.objects.all())
    with smtp_server() as (inbox, port):
        settings.EMAIL_PORT = port
        second = services.send_reminders(now=T.replace(minute=15))
    assert second.sent == [] and second.emails_sent == len(inbox.received) == first.emails_failed
    assert Counter(m.to for m in inbox.received) == Counter(
        ReminderDelivery.objects.values_list("email", flat=True)
    )  # fmt: skip


def _two_workers_at_once(monkeypatch, now):
    """Run send_reminders in two threads released together; both see the same reminders already sent."""
    read_together = threading.Barrier(2, timeout=30)
    original = selectors.sent_reminders

    def sent_reminders(**kwargs):
        found = original(**kwargs)
        read_together.wait()
        return found

    monkeypatch.setattr(services.selectors, "sent_reminders", sent_reminders)
    start, runs, errors = threading.Barrier(2, timeout=30), [None, None], []

    def worker(i):
        try:
            start.wait()
            runs[i] = services.send_reminders(now=now)
        except Exception as exc:  # reported below: a thread's error must fail the test
            errors.append(exc)
            read_together.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return runs


needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database locks whole tables between threads: the processes test covers it",
)


@needs_row_locks
def test_two_workers_at_once_deliver_each_email_exactly_once(everyone, smtp, monkeypatch):
    first, second = _two_workers_at_once(monkeypatch, T)
    reminders = Reminder.objects.count()
    assert reminders == 7  # three communes late, four units three days before
    # Both tried to claim every reminder: each was won by one worker and lost by the other.
    assert len(first.sent) + len(second.sent) == reminders
    assert first.lost + second.lost == reminders
    deliveries = list(ReminderDelivery.objects.values_list("email", "reminder__subject"))
    received = [(m.to, m.subject) for m in smtp.received]
    assert Counter(received) == Counter(deliveries)  # every e-mail once, none twice
    assert len(received) == len(set(received)) == 10
    assert Notification.objects.count() == 10  # one in-app notification per person and reminder
    assert set(ReminderDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


@needs_row_locks
def test_two_workers_retrying_the_same_failed_emails_send_each_once(everyone, smtp, monkeypatch, settings):
    good_port = settings.EMAIL_PORT
    with smtp_server() as (_, port):
        pass
    settings.EMAIL_PORT = port  # away: every e-mail fails
    services.send_reminders(now=T)
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    settings.EMAIL_PORT = good_port
    _two_workers_at_once(monkeypatch, T.replace(minute=15))
    received = [(m.to, m.subject) for m in smtp.received]
    assert len(received) == len(set(received)) == ReminderDelivery.objects.count() == 10
    assert set(ReminderDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 2)}


ROOT = Path(__file__).resolve().parents[3]


def _database_url_for_processes(tmp_path: Path) -> str:
    """A database other processes can open with the test's data: the PostgreSQL test database itself, or a
    file copy of SQLite's in-memory one."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user, password = settings_dict["USER"], settings_dict["PASSWORD"]
        host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
        return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}"
    path = tmp_path / "kstt.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def worker_environment(tmp_path, *, smtp_port: int, **extra: str) -> dict[str, str]:
    """The environment of a `kstt worker` process: this test database (a copy on SQLite), the clock at T, and
    e-mail through the SMTP server on loopback at ``smtp_port``; nothing of the test run's own settings."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "KSTT_", "PYTEST", "DJANGO"))}
    return environ | {
        "DATABASE_URL": _database_url_for_processes(tmp_path),
        "KSTT_CLOCK": T.isoformat(),
        "KSTT_EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "KSTT_MEDIA_ROOT": str(tmp_path / "media"),
        **extra,
    }


def test_two_worker_processes_at_once_deliver_each_email_exactly_once(everyone, smtp, settings, tmp_path):
    environ = worker_environment(
        tmp_path, smtp_port=settings.EMAIL_PORT, DEFAULT_FROM_EMAIL="KSTT <kstt@hoabinh.gov.vn>"
    )
    command = [sys.executable, "-m", "kstt.cli", "worker", "--once", "--poll", "0.1"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=180)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    received = [(m.to, m.subject) for m in smtp.received]
    assert len(received) == len(set(received)) == 10  # every e-mail once, none twice
    assert {m.to for m in smtp.received} >= {"bc-w05341@hoabinh.gov.vn", "td-d157@hoabinh.gov.vn"}
    runs = [re.findall(r"reminders: (\d+) sent, (\d+) claimed by another worker", output) for output in outputs]
    assert sum(int(sent) for found in runs for sent, _ in found) == 7, outputs  # each reminder sent by one of them
