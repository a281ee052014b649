"""`kstt worker` runs the database queue's tasks and enqueues the reminders on a schedule."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks.backends.database.models import DBTaskResult

from kstt.notifications.management.commands import worker
from kstt.notifications.models import Reminder
from kstt.notifications.tasks import enqueue_reminders, send_reminders

pytestmark = pytest.mark.django_db(transaction=True)
T = datetime(2021, 9, 15, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_the_worker_runs_the_reminders_it_enqueued_then_stops_with_once(lan, kstt_report, settings):
    settings.KSTT_CLOCK = T
    lan.email = "lan@hoabinh.gov.vn"
    lan.save(update_fields=["email"])
    call_command("worker", "--once", "--poll", "0.01", verbosity=0)
    (task,) = DBTaskResult.objects.all()
    assert (task.task_path, task.status) == (send_reminders.module_path, "SUCCEEDED")
    assert ("W05341", "before", 1) in {(r["unit"], r["kind"], r["days"]) for r in task.return_value["reminders"]}
    assert Reminder.objects.filter(unit__code="W05341", kind="before", days=1).exists()
    assert [m.to for m in mail.outbox] == [["lan@hoabinh.gov.vn"]]


def test_a_run_already_waiting_in_the_queue_is_not_enqueued_twice(db):
    assert enqueue_reminders() is True
    assert enqueue_reminders() is False
    assert DBTaskResult.objects.count() == 1


def test_the_schedule_enqueues_now_and_stops_when_told(db):
    class OneRound(threading.Event):
        def wait(self, timeout=None):
            self.set()
            return True

    worker._schedule(OneRound(), 600)
    assert DBTaskResult.objects.filter(task_path=send_reminders.module_path).count() == 1


def test_a_nonsense_interval_is_refused(db, capsys):
    with pytest.raises(SystemExit):
        call_command("worker", "--interval", "0")
    assert "--interval must be at least 1 second" in capsys.readouterr().err


def test_the_worker_in_the_quiet_hours_sends_nothing_and_its_morning_run_sends_it(lan, kstt_report, settings):
    """22:00: the run the worker enqueues finds the quiet hours and leaves everything for the morning."""
    lan.email = "lan@hoabinh.gov.vn"
    lan.save(update_fields=["email"])
    settings.KSTT_CLOCK = datetime(2021, 9, 15, 22, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    call_command("worker", "--once", "--poll", "0.01", verbosity=0)
    (task,) = DBTaskResult.objects.all()
    assert task.return_value["quiet_hours"] is True and task.return_value["reminders"] == []
    assert not Reminder.objects.exists() and mail.outbox == []
    settings.KSTT_CLOCK = datetime(2021, 9, 16, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    call_command("worker", "--once", "--poll", "0.01", verbosity=0)
    reminder = Reminder.objects.get(unit__code="W05341")
    assert (reminder.kind, reminder.days, reminder.sent_at) == ("before", 1, settings.KSTT_CLOCK)
    assert [m.to for m in mail.outbox] == [["lan@hoabinh.gov.vn"]]
