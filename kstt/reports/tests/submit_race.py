"""Submits of one report at once, each in its own thread and database connection, through the API with
Lan's token: run in a process of its own by test_parallel_submits.py, on the test's database (a file copy of
SQLite's in-memory one, or PostgreSQL's test database), as a multi-threaded server would run them.

    python -m kstt.reports.tests.submit_race URL TOKEN COUNT  ->  {"statuses": [...], "versions": N}
"""

from __future__ import annotations

import json
import os
import sys
import threading


def main(url: str, token: str, count: int) -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    import django

    django.setup()
    from django.db import connections
    from django.test import Client

    from kstt.reports.models import ReportVersion

    barrier, statuses = threading.Barrier(count), [0] * count

    def submit(i: int) -> None:
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}", raise_request_exception=False)
        client.get("/api/units/")  # each thread has opened its connection before they all go at once
        barrier.wait()
        try:
            response = client.post(url, "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"press-{i}")
            statuses[i] = response.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"statuses": sorted(statuses), "versions": ReportVersion.objects.count()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
