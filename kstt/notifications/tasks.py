"""The background jobs of notifications: django-tasks, run by `kstt worker` (its database backend)."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task
from django_tasks.backends.database.models import DBTaskResult

from kstt import clock
from kstt.notifications import services

logger = logging.getLogger(__name__)


@task()
def send_reminders() -> dict[str, Any]:
    """One run of the reminders at the clock's instant (services.send_reminders); its summary is the result."""
    run = services.send_reminders(now=clock.now())
    logger.info(
        "reminders: %d sent, %d claimed by another worker; e-mails: %d sent, %d failed, %d without an address, "
        "%d whose outcome is unknown (a worker stopped while sending them; not sent again)",
        len(run.sent),
        run.lost,
        run.emails_sent,
        run.emails_failed,
        run.no_address,
        run.emails_unknown,
    )
    return run.as_json()


def enqueue_reminders() -> bool:
    """Enqueue a run of the reminders unless one is already waiting in the queue; True when enqueued.
    Two workers may both enqueue one at the same moment: the runs' claims keep every reminder once-only."""
    waiting = DBTaskResult.objects.ready().filter(task_path=send_reminders.module_path)
    if waiting.exists():
        return False
    send_reminders.enqueue()
    return True
