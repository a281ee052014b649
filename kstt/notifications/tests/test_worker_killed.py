"""A worker killed in the middle of the reminders sends none of them twice (issue 16, point 5).

A real `kstt worker --once` sends the reminders of 17/09/2021 (seven reminders, ten e-mails) to a real SMTP
server on loopback that keeps every message it takes. The server holds its answer to the third message, as a
slow mail server does: the worker has handed it over and waits for the "250". Then the worker is SIGKILLed.
A second worker, twenty minutes later, finishes the run.

Each e-mail reaches the server once, none twice. The one in flight at the kill was taken by the server but
its worker never heard so: it is not sent again (at most once), and it is not silently lost either — the
second run marks it "outcome unknown, not sent again" (audited), for the office to see on the report.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kstt.audit.models import AuditEntry
from kstt.notifications import services
from kstt.notifications.choices import DeliveryStatus
from kstt.notifications.models import ReminderDelivery
from kstt.notifications.tests.smtp import Inbox, smtp_server
from kstt.notifications.tests.test_reminder_delivery import (  # noqa: F401
    HCM,
    ROOT,
    T,
    everyone,
    worker_environment,
)

pytestmark = pytest.mark.django_db(transaction=True)

#: The message the server takes but does not answer: the worker is killed while it waits for the answer.
HELD = 3
#: What the second worker reads back from the database: every e-mail's address, subject and status.
STATE = """
import json
from kstt.audit.models import AuditEntry
from kstt.notifications.models import ReminderDelivery
rows = ReminderDelivery.objects.values_list("email", "reminder__subject", "status")
unknown = AuditEntry.objects.filter(event="notifications.email_outcome_unknown").count()
print(json.dumps({"deliveries": [list(r) for r in rows], "audited_unknown": unknown}))
"""


class HoldingInbox(Inbox):
    """Keeps every message; holds its answer to the HELD-th one until released (or 60 s)."""

    holding = True

    async def handle_DATA(self, server, session, envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        with self.lock:
            held = self.holding and len(self.received) == HELD
        for _ in range(600):
            if not held or not self.holding:
                break
            await asyncio.sleep(0.1)
        return answer


def holding_smtp_server():
    return smtp_server(HoldingInbox())


def test_a_worker_killed_mid_batch_sends_no_reminder_twice_and_the_one_in_flight_is_marked_unknown(
    everyone,  # noqa: F811
    tmp_path,
):
    with holding_smtp_server() as (inbox, port):
        environ = worker_environment(tmp_path, smtp_port=port, EMAIL_TIMEOUT="60")
        worker = [sys.executable, "-m", "kstt.cli", "worker", "--once", "--poll", "0.1"]
        first = subprocess.Popen(worker, cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 90
        while len(inbox.received) < HELD:
            assert first.poll() is None, first.communicate()[0].decode()[-3000:]
            assert time.monotonic() < deadline, "the worker sent fewer than three e-mails in 90 s"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)  # while it waits for the server's answer to the third e-mail
        first.communicate(timeout=30)
        in_flight = inbox.received[HELD - 1]
        inbox.holding = False

        # The next run, twenty minutes later (past SENDING_STALE: the worker that was sending is gone).
        environ["KSTT_CLOCK"] = (T + timedelta(minutes=20)).isoformat()
        second = subprocess.run(worker, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)  # noqa: S603
        assert second.returncode == 0, second.stderr[-3000:]
        state = subprocess.run(  # noqa: S603 (our own entry point)
            [sys.executable, "-m", "kstt.cli", "shell", "-c", STATE],
            cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    found = json.loads(state.stdout.strip().splitlines()[-1])

    received = Counter((m.to, m.subject) for m in inbox.received)
    assert [pair for pair, times in received.items() if times > 1] == []  # none twice
    deliveries = {(email, subject): status for email, subject, status in found["deliveries"]}
    assert len(deliveries) == 10 and set(received) == set(deliveries)  # every e-mail went out, once
    unknown = [pair for pair, status in deliveries.items() if status == "unknown"]
    assert unknown == [(in_flight.to, in_flight.subject)]  # the one in flight: taken, not sent again, marked
    assert Counter(deliveries.values()) == {"sent": 9, "unknown": 1}
    assert found["audited_unknown"] == 1
    output = second.stdout + second.stderr
    assert "1 whose outcome is unknown" in output, output[-3000:]


def test_an_email_being_sent_is_settled_as_unknown_only_once_its_worker_is_surely_gone(everyone, settings):  # noqa: F811
    """Within SENDING_STALE its worker may still be waiting for the server: the e-mail stays "being sent"."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.send_reminders(now=T)
    delivery = ReminderDelivery.objects.order_by("pk").first()
    ReminderDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, attempted_at=T)
    assert services.send_reminders(now=T + timedelta(minutes=14)).emails_unknown == 0
    assert ReminderDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENDING
    assert services.send_reminders(now=T + timedelta(minutes=16)).emails_unknown == 1
    assert services.send_reminders(now=T + timedelta(minutes=17)).emails_unknown == 0  # settled once
    settled = ReminderDelivery.objects.get(pk=delivery.pk)
    assert (settled.status, settled.attempts) == (DeliveryStatus.UNKNOWN, 1)  # tried once, never again
    entry = AuditEntry.objects.get(event="notifications.email_outcome_unknown")
    assert (entry.target_id, entry.data["email"]) == (str(delivery.reminder_id), delivery.email)

    # The office sees it on the report's reminders, in Vietnamese.
    with translation.override("vi"), timezone.override(HCM):
        page = render_to_string("notifications/_reminders.html", {"reminders": [settled.reminder]})
    assert "không rõ kết quả, không gửi lại" in page
    assert "Tiến trình nền đã dừng khi đang gửi thư này lúc 08:05 17/09/2021" in page
