"""The demo province is seen on one day of 2021 (the fixed clock of `make run`) and is coherent on it."""

import csv
import subprocess
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import Max, Q

from kstt.accounts.models import User
from kstt.audit.models import AuditEntry
from kstt.catalogue.models import ProcedureField, SettingsVersion
from kstt.demo.departments import DEPARTMENT_FIELD_NAMES, DEPARTMENT_FIELDS
from kstt.demo.management.commands.load_demo import demo_incidents
from kstt.demo.synthetic import synthetic_dossiers
from kstt.dossiers.models import Dossier
from kstt.incidents.models import Incident
from kstt.units.models import Unit

ROOT = Path(__file__).resolve().parents[2]
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_INSTANT = datetime(2021, 12, 20, 9, 0, tzinfo=HCM)
UNITS = [("P17-STP", "department"), ("D157", "district"), ("W05341", "commune")]
FIELDS = {"P17-STP": ["TP", "CC"], "department": ["YT"], "district": ["XD"], "commune": ["HT"]}


def records(**overrides):
    arguments = {
        "units": UNITS,
        "fields": FIELDS,
        "start": date(2020, 12, 1),
        "end": date(2021, 12, 19),
        "per_unit": 400,
        "as_of": DEMO_INSTANT,
    } | overrides
    return list(synthetic_dossiers(**arguments))


def instant(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- the pure generator ------------------------------------------------------------------------


def test_nothing_is_received_or_finished_after_the_instant_the_dossiers_are_seen_at():
    made = records()
    assert max(instant(r["received_at"]) for r in made) < DEMO_INSTANT
    assert max(instant(r["finished_at"]) for r in made if r["finished_at"]) <= DEMO_INSTANT
    # the boundary is reached: some dossiers finished in the last days before the clock
    assert max(instant(r["finished_at"]) for r in made if r["finished_at"]) > DEMO_INSTANT - timedelta(days=7)


def test_only_recent_dossiers_are_still_pending_at_the_instant():
    made = records()
    pending = [instant(r["received_at"]) for r in made if not r["finished_at"]]
    assert pending, "a demo on its date has dossiers in progress"
    assert min(pending) > DEMO_INSTANT - timedelta(days=46)
    assert all(r["outcome"] == "" for r in made if not r["finished_at"])


def test_seen_years_later_every_dossier_is_finished():
    made = records(end=date(2021, 12, 31), as_of=datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    assert all(r["finished_at"] and r["outcome"] for r in made)


def test_the_dossiers_cannot_be_received_on_or_after_the_day_they_are_seen():
    with pytest.raises(ValueError, match="as_of must be later"):
        records(end=date(2021, 12, 20))


def test_a_unit_s_own_fields_come_before_its_level_s():
    fields = defaultdict(set)
    for r in records():
        fields[r["unit_code"]].add(r["field_code"])
    assert fields == {"P17-STP": {"TP", "CC"}, "D157": {"XD"}, "W05341": {"HT"}}


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(
            "2021-12-20T09:00:00+07:00",
            [("2021-09-20T14:00:00+07:00", True), ("2021-12-17T08:00:00+07:00", True)],
            id="demo-date-both-ended",
        ),
        pytest.param("2021-09-20T16:00:00+07:00", [("2021-09-20T14:00:00+07:00", False)], id="first-still-going-on"),
        pytest.param("2021-09-20T14:00:00+07:00", [("2021-09-20T14:00:00+07:00", False)], id="starting-at-the-clock"),
        pytest.param("2021-09-20T13:59:00+07:00", [], id="none-yet"),
    ],
)
def test_the_demo_knows_only_the_incidents_begun_by_its_clock(now, expected):
    rows = list(csv.DictReader(StringIO(demo_incidents(datetime.fromisoformat(now)))))
    assert [(row["start"], bool(row["end"])) for row in rows] == expected


# -- the department mapping ---------------------------------------------------------------------


def test_every_department_of_the_demo_province_has_its_fields():
    with (django_settings.KSTT_SHARED_DATA / "hoa_binh_2021.csv").open(encoding="utf-8") as handle:
        departments = {row["code"] for row in csv.DictReader(handle) if row["level"] == "department"}
    assert set(DEPARTMENT_FIELDS) == departments
    assert all(DEPARTMENT_FIELDS.values())


def test_the_department_of_justice_settles_justice_and_the_department_of_health_health():
    assert {"TP", "CC", "QT", "HT"} <= set(DEPARTMENT_FIELDS["P17-STP"])
    assert "YT" not in DEPARTMENT_FIELDS["P17-STP"]
    assert {"YT", "DUOC"} <= set(DEPARTMENT_FIELDS["P17-SYT"])
    assert "GT" in DEPARTMENT_FIELDS["P17-SGTVT"]


def test_no_department_settles_every_department_field():
    every = set(DEPARTMENT_FIELD_NAMES) | {"DN", "DT", "XD", "GT", "YT", "LDVL", "TP", "DDT"}
    assert max(len(fields) for fields in DEPARTMENT_FIELDS.values()) < len(every) / 5


# -- the demo loaded on its date ----------------------------------------------------------------


@pytest.fixture
def demo_on_its_date(settings, db):
    """The demo without its report history (test_demo_history.py loads that)."""
    settings.KSTT_CLOCK = DEMO_INSTANT
    out = StringIO()
    call_command("load_demo", "--no-history", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_says_its_clock_is_fixed(demo_on_its_date):
    assert "The clock is fixed at 20/12/2021 09:00" in demo_on_its_date


def test_the_demo_says_when_the_catalogue_was_recorded_after_its_clock(settings, db):
    """The test database, like one migrated without `make run`, loaded the shipped catalogue at the real time:
    its settings versions say "Ghi nhận" after the demo's day, and load-demo says how to get a coherent demo."""
    assert SettingsVersion.objects.filter(recorded_at__gt=DEMO_INSTANT).exists()
    settings.KSTT_CLOCK = DEMO_INSTANT
    err = StringIO()
    call_command("load_demo", "--no-history", stdout=StringIO(), stderr=err)
    assert "settings versions of the catalogue were recorded after the clock's instant" in err.getvalue()


def test_no_demo_dossier_is_received_or_finished_after_the_clock(demo_on_its_date):
    assert Dossier.objects.count() == 180 * 120
    assert not Dossier.objects.filter(Q(received_at__gt=DEMO_INSTANT) | Q(finished_at__gt=DEMO_INSTANT)).exists()
    latest = Dossier.objects.aggregate(received=Max("received_at"), finished=Max("finished_at"))
    assert latest["received"].astimezone(HCM).date() >= date(2021, 12, 17)  # the Friday before the clock
    pending = Dossier.objects.filter(finished_at__isnull=True)
    assert pending.exists()
    assert not pending.filter(received_at__lt=DEMO_INSTANT - timedelta(days=46)).exists()
    assert Incident.objects.count() == 2
    assert not Incident.objects.filter(Q(start__gt=DEMO_INSTANT) | Q(end__gt=DEMO_INSTANT)).exists()


def test_each_demo_department_has_dossiers_of_its_own_fields_only(demo_on_its_date):
    seen = defaultdict(set)
    for unit, field in Dossier.objects.filter(unit__code__startswith="P17-").values_list("unit__code", "field_code"):
        seen[unit].add(field)
    assert set(seen) == set(DEPARTMENT_FIELDS)
    for code, fields in seen.items():
        assert fields <= set(DEPARTMENT_FIELDS[code]), code
    named = set(ProcedureField.objects.filter(level="department").values_list("code", flat=True))
    assert {field for fields in DEPARTMENT_FIELDS.values() for field in fields} <= named
    assert ProcedureField.objects.get(level="department", code="CC").name == "Công chứng"


def snapshot():
    return (
        list(Unit.objects.order_by("code").values_list("code", "versions__name", "versions__valid_from")),
        list(Incident.objects.order_by("start").values_list("start", "end", "description")),
        list(ProcedureField.objects.values_list("level", "code", "name")),
        list(
            Dossier.objects.order_by("code").values_list("code", "field_code", "received_at", "finished_at", "outcome")
        ),
        list(User.objects.order_by("username").values_list("username", "password", "unit__code", "is_reporter")),
        AuditEntry.objects.count(),
    )


def test_loading_the_demo_again_changes_nothing(demo_on_its_date):
    before = snapshot()
    out = StringIO()
    call_command("load_demo", "--no-history", stdout=out, stderr=StringIO())
    assert "Dossiers of 2021: 0 new, 0 updated, 21600 already there." in out.getvalue()
    assert snapshot() == before


# -- make run ----------------------------------------------------------------------------------


def make_run(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 (make, our own Makefile, dry run)
        ["make", "--no-print-directory", "-n", "run", *args],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_serves_the_demo_on_its_date_and_says_so():
    commands = make_run()
    assert "KSTT_CLOCK='2021-12-20T09:00:00+07:00' .venv/bin/kstt migrate --no-input" in commands
    assert "KSTT_CLOCK='2021-12-20T09:00:00+07:00' .venv/bin/kstt load-demo" in commands
    assert "KSTT_CLOCK='2021-12-20T09:00:00+07:00' .venv/bin/kstt runserver" in commands
    assert "The clock is fixed at" in commands


def test_every_command_of_make_run_runs_on_the_demos_clock():
    """migrate too: it loads the shipped catalogue, and the catalogue page shows when its settings were
    recorded beside the fixed clock (issue 13: "Ghi nhận 06/12/2026 20:36" on a page of 20/12/2021)."""
    kstt_commands = [part for line in make_run().splitlines() for part in line.split(";") if ".venv/bin/kstt " in part]
    assert len(kstt_commands) >= 4  # migrate, load-demo, worker, runserver
    assert all("KSTT_CLOCK='2021-12-20T09:00:00+07:00' .venv/bin/kstt" in part for part in kstt_commands), kstt_commands


def test_make_run_takes_the_real_time_on_request():
    commands = make_run("KSTT_CLOCK=")
    assert "KSTT_CLOCK='' .venv/bin/kstt runserver" in commands


# -- the banner --------------------------------------------------------------------------------

BANNER = "Đồng hồ hệ thống được cố định ở 20/12/2021 09:00 (chế độ demo/đào tạo)."


@pytest.mark.parametrize("page", ["/accounts/login/", "/", "/units/", "/admin/", "/admin/audit/auditentry/"])
def test_every_page_says_when_the_clock_is_fixed(settings, client, quan, page):
    settings.KSTT_CLOCK = datetime(2021, 12, 20, 2, 0, tzinfo=UTC)  # 09:00 in the province
    if page != "/accounts/login/":
        client.force_login(quan)
    response = client.get(page)
    assert response.status_code == 200
    assert response.content.decode().count(BANNER) == 1


def test_the_banner_speaks_english_to_whom_chose_it(settings, client, lan):
    settings.KSTT_CLOCK = DEMO_INSTANT
    client.force_login(lan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "The system clock is fixed at 20/12/2021 09:00 (demo/training mode)." in client.get("/").content.decode()


@pytest.mark.parametrize("page", ["/accounts/login/", "/", "/admin/"])
def test_no_banner_on_the_real_time(settings, client, quan, page):
    settings.KSTT_CLOCK = None
    if page != "/accounts/login/":
        client.force_login(quan)
    response = client.get(page)
    assert response.status_code == 200
    assert 'data-testid="fixed-clock"' not in response.content.decode()
