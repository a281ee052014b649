"""GET /health/: the database, the worker's heartbeat, the media disk — without a login, revealing nothing else."""

from __future__ import annotations

import threading
from collections import namedtuple
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse

from kstt import health
from kstt.notifications import services
from kstt.notifications.management.commands import worker
from kstt.notifications.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db
T = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def alive(settings, tmp_path):
    """A healthy site: the clock at T, a worker seen just now, a media directory with room to spare."""
    settings.KSTT_CLOCK = T
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_HEALTH_MIN_FREE_BYTES = 1
    settings.KSTT_WORKER_STALE_SECONDS = 180
    services.record_heartbeat("w1")
    return settings


def test_all_well_is_200_ok_and_nothing_else_without_a_login(client, alive):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert reverse("health") == "/health/"


def test_a_post_is_refused(client, alive):
    assert client.post("/health/").status_code == 405


@pytest.mark.parametrize(
    ("age", "word"),
    [(timedelta(seconds=180), "ok"), (timedelta(seconds=181), "stale"), (timedelta(hours=5), "stale")],
)
def test_the_worker_is_stale_when_its_newest_heartbeat_is_older_than_the_setting(client, alive, age, word):
    alive.KSTT_CLOCK = T + age
    response = client.get("/health/")
    if word == "ok":
        assert (response.status_code, response.json()) == (200, {"status": "ok"})
    else:
        assert response.status_code == 503
        assert response.json() == {"status": "fail", "checks": {"database": "ok", "worker": "stale", "disk": "ok"}}


def test_the_newest_heartbeat_of_any_worker_counts(client, alive):
    WorkerHeartbeat.objects.create(worker_id="old", seen_at=T - timedelta(days=3))
    alive.KSTT_CLOCK = T + timedelta(seconds=60)
    assert client.get("/health/").status_code == 200


def test_no_worker_ever_seen_is_stale(client, alive):
    WorkerHeartbeat.objects.all().delete()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "worker": "stale", "disk": "ok"}


def test_the_disk_is_low_under_the_free_space_setting(client, alive, monkeypatch):
    monkeypatch.setattr(health.shutil, "disk_usage", lambda path: Usage(100, 90, 10))
    alive.KSTT_HEALTH_MIN_FREE_BYTES = 10
    assert client.get("/health/").status_code == 200
    alive.KSTT_HEALTH_MIN_FREE_BYTES = 11
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "worker": "ok", "disk": "low"}


def test_a_missing_media_directory_is_low_and_its_path_is_not_told(client, alive, tmp_path):
    alive.MEDIA_ROOT = tmp_path / "gone"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == "low"
    assert str(tmp_path) not in response.content.decode()


def test_a_database_that_does_not_answer_fails_and_its_error_is_not_told(client, alive, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("connection refused by db.internal.example:5432")

    monkeypatch.setattr(connection, "cursor", broken)
    monkeypatch.setattr(health.notifications, "last_worker_heartbeat", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "checks": {"database": "fail", "worker": "stale", "disk": "ok"}}
    assert "example" not in response.content.decode() and "refused" not in response.content.decode()


def test_the_health_endpoint_does_not_redirect_to_https_in_production(client, alive):
    alive.SECURE_SSL_REDIRECT = True
    alive.SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    assert client.get("/health/").status_code == 200
    assert client.get("/").status_code == 301


def test_the_worker_records_its_heartbeat_and_each_worker_keeps_one_row(alive):
    alive.KSTT_CLOCK = T + timedelta(minutes=1)
    services.record_heartbeat("w1")
    services.record_heartbeat("w2")
    assert dict(WorkerHeartbeat.objects.values_list("worker_id", "seen_at")) == {
        "w1": T + timedelta(minutes=1),
        "w2": T + timedelta(minutes=1),
    }


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_then_stops_when_told(settings):
    settings.KSTT_CLOCK = T

    class OneRound(threading.Event):
        def wait(self, timeout=None):
            self.set()
            return True

    worker._heartbeat(OneRound(), "w9", 30)
    assert WorkerHeartbeat.objects.get(worker_id="w9").seen_at == T
