"""`kstt worker`: the background worker — the database queue's tasks, and the reminders on a schedule.

It runs django-tasks' database worker (the same loop as ``db_worker``) and, beside it, enqueues a run of
the reminders every KSTT_REMINDER_INTERVAL seconds and records a heartbeat every KSTT_WORKER_HEARTBEAT
seconds (the health endpoint, kstt/health.py, reads it). Several `kstt worker` processes may run at once: each
task is claimed by one worker (django-tasks locks it), and each reminder by one run (its UNIQUE claim).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django_tasks.backends.database.management.commands.db_worker import Worker
from django_tasks.utils import get_random_id

from kstt.notifications import services
from kstt.notifications.tasks import enqueue_reminders

logger = logging.getLogger("kstt.worker")


class Command(BaseCommand):
    help = (
        "Run the background worker: the tasks of the database queue, and the reminders every "
        "KSTT_REMINDER_INTERVAL seconds. Stop it with Ctrl-C or SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="enqueue the reminders once, run every task waiting in the queue, then stop",
        )
        parser.add_argument(
            "--interval",
            type=int,
            default=None,
            help="seconds between two runs of the reminders (default: KSTT_REMINDER_INTERVAL)",
        )
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between two looks at an empty queue")

    def handle(
        self, *args: Any, once: bool = False, interval: int | None = None, poll: float = 1.0, **options: Any
    ) -> None:
        self._logging(int(options.get("verbosity", 1)))
        every = interval if interval is not None else settings.KSTT_REMINDER_INTERVAL
        if every < 1 or poll <= 0:
            self.stderr.write("--interval must be at least 1 second and --poll more than 0")
            raise SystemExit(2)
        worker = Worker(
            queue_names=["default"],
            interval=poll,
            batch=once,
            backend_name="default",
            startup_delay=not once,
            max_tasks=None,
            worker_id=get_random_id(),
        )
        if once:
            services.record_heartbeat(worker.worker_id)
            enqueue_reminders()
            worker.run()
            return
        stop = threading.Event()
        schedule = threading.Thread(target=_schedule, args=(stop, every), name="kstt-reminders", daemon=True)
        logger.info("KSTT worker %s: the reminders every %d s", worker.worker_id, every)
        schedule.start()
        heartbeat = threading.Thread(
            target=_heartbeat,
            args=(stop, worker.worker_id, settings.KSTT_WORKER_HEARTBEAT),
            name="kstt-heartbeat",
            daemon=True,
        )
        heartbeat.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            schedule.join(timeout=10)
            heartbeat.join(timeout=10)

    def _logging(self, verbosity: int) -> None:
        level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
        for name in ("django_tasks", "kstt.worker", "kstt.notifications"):
            logging.getLogger(name).setLevel(level)


def _schedule(stop: threading.Event, every: int) -> None:
    """Enqueue a run of the reminders now and every ``every`` seconds, until ``stop`` is set."""
    while not stop.is_set():
        try:
            if enqueue_reminders():
                logger.info("reminders enqueued")
        except Exception:  # a database that is briefly away must not stop the schedule
            logger.exception("the reminders could not be enqueued; trying again in %d s", every)
        finally:
            connection.close()  # this thread's own connection
        stop.wait(every)


def _heartbeat(stop: threading.Event, worker_id: str, every: int) -> None:
    """Record that this worker is alive now and every ``every`` seconds, until ``stop`` is set (kstt/health.py)."""
    while not stop.is_set():
        try:
            services.record_heartbeat(worker_id)
        except Exception:  # a database that is briefly away must not stop the heartbeat
            logger.exception("the heartbeat could not be recorded; trying again in %d s", every)
        finally:
            connection.close()  # this thread's own connection
        stop.wait(every)
