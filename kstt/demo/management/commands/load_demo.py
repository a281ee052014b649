"""Load the demo province (Hòa Bình 2021) and one login per role. Safe to run again."""

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from kstt import clock
from kstt.accounts.choices import Role
from kstt.accounts.models import User
from kstt.accounts.services import save_user
from kstt.catalogue.models import ProcedureField, SettingsVersion
from kstt.catalogue.services import CatalogueError, FieldFileError, load_catalogue, load_procedure_fields
from kstt.demo.appeals import load_appeals
from kstt.demo.departments import DEPARTMENT_FIELDS, department_fields_csv
from kstt.demo.reminders import load_reminders
from kstt.demo.submissions import load_history
from kstt.demo.synthetic import synthetic_dossiers
from kstt.dossiers.models import Dossier
from kstt.dossiers.services import MAX_PUSH, DossierLoad, push_dossiers
from kstt.incidents.services import load_incidents
from kstt.units import selectors as units_selectors
from kstt.units.models import Unit
from kstt.units.rules import UnitFileError
from kstt.units.services import load_units

#: Incidents of the demo year (interchange.md's example: D148 due 20/09/2021, moved to 21/09 by incident 1).
DEMO_INCIDENTS = """start,end,scope,description
2021-09-20T14:00:00+07:00,2021-09-20T18:30:00+07:00,D148;P17-STP,Mất kết nối cơ sở dữ liệu; không tiếp nhận được báo cáo
2021-12-17T08:00:00+07:00,2021-12-17T09:00:00+07:00,all,Bảo trì hệ thống theo kế hoạch (ngoài khung 24 giờ trước hạn)
"""

#: The demo logins' e-mail addresses: lan@kstt-demo.invalid, … (never deliverable).
DEMO_MAIL_DOMAIN = "kstt-demo.invalid"

#: The demo's dossiers are received from this day to the end of 2021 (or the day before the clock).
DOSSIERS_FROM = date(2020, 12, 1)
DOSSIERS_UNTIL = date(2021, 12, 31)

#: (username, full name, unit code, roles, what the login shows)
DEMO_USERS = [
    ("lan", "Nguyễn Thị Lan", "W05341", {Role.REPORTER}, "commune reporter, xã Yên Nghiệp"),
    ("minh", "Trần Văn Minh", "D157", {Role.REVIEWER}, "district reviewer, huyện Lạc Sơn"),
    ("tuan", "Lê Anh Tuấn", "P17-STP", {Role.REPORTER}, "department reporter, Sở Tư pháp"),
    ("hoa", "Phạm Thị Hoa", "P17", {Role.REVIEWER}, "provincial KSTT officer (Văn phòng UBND tỉnh)"),
    ("quantri", "Đỗ Quản Trị", "P17", {Role.ADMIN}, "administrator"),
]


class Command(BaseCommand):
    help = "Load the demo province (Hòa Bình 2021) and its demo logins, then print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="kstt-demo-2021", help="password of every demo login")
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="leave out the 2021 submission history (reports, versions, reviews)",
        )

    def handle(self, *args, password: str, no_history: bool = False, **options) -> None:
        now = clock.now()
        if clock.is_fixed():
            local = now.astimezone(clock.province_zone())
            self.stdout.write(
                f"The clock is fixed at {local:%d/%m/%Y %H:%M} (KSTT_CLOCK): the demo is seen on that day."
            )
        path = settings.KSTT_SHARED_DATA / "hoa_binh_2021.csv"
        try:
            result = load_units(data=path.read_bytes(), effective_from=None, at=now, source=str(path))
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror} (set KSTT_SHARED_DATA to the shared data folder)") from None
        except UnitFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.stdout.write(f"Units of Hòa Bình 2021: {result.created} new, {result.unchanged} already there.")
        try:
            catalogue = load_catalogue(at=now)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Catalogue: {len(catalogue.forms_created)} forms new, {len(catalogue.forms_unchanged)} already there."
        )
        incidents = load_incidents(data=demo_incidents(now).encode(), at=now, source="demo")
        self.stdout.write(f"Incidents: {incidents.created} new, {incidents.unchanged} already there.")
        fields_path = settings.KSTT_SHARED_DATA / "procedure_fields.csv"
        try:
            load_procedure_fields(data=fields_path.read_bytes(), at=now, source=str(fields_path))
        except (OSError, FieldFileError) as exc:
            raise CommandError(f"{fields_path}: {exc}") from None
        load_procedure_fields(data=department_fields_csv(), at=now, source="demo departments")
        pushed = self._dossiers(now)
        self.stdout.write(
            f"Dossiers of 2021: {pushed.created} new, {pushed.updated} updated, {pushed.unchanged} already there."
        )
        ahead = Dossier.objects.filter(Q(received_at__gt=now) | Q(finished_at__gt=now)).count()
        if ahead:
            self.stderr.write(
                f"{ahead} dossiers in the database are received or finished after the clock's instant "
                "(loaded by an older demo or at another time): start from a new database for a coherent demo."
            )
        later = SettingsVersion.objects.filter(recorded_at__gt=now).count()
        if later:
            self.stderr.write(
                f"{later} settings versions of the catalogue were recorded after the clock's instant (the database "
                "was migrated at another time; `make run` migrates on the demo's clock): start from a new database "
                "for a coherent demo."
            )
        units = {u.code: u for u in Unit.objects.filter(code__in=[code for _, _, code, _, _ in DEMO_USERS])}
        for username, full_name, code, roles, _ in DEMO_USERS:
            if not _demo_user_as_set(username, full_name, units[code], roles, password):
                save_user(
                    username=username, full_name=full_name, unit=units[code], roles=roles, password=password, at=now
                )
        for username, *_ in DEMO_USERS:
            # A reserved domain (.invalid): a demo e-mail can never reach anyone, whatever the e-mail settings.
            User.objects.filter(username=username, email="").update(email=f"{username}@{DEMO_MAIL_DOMAIN}")
        if not no_history:
            self._history(now)
            reminded = load_reminders(now=now)
            self.stdout.write(
                f"Reminders of 2021: {reminded.reminders} reminders sent (as the worker would have, each morning at "
                f"07:00), {reminded.emails} e-mails to the demo logins, {reminded.no_address} to reporters without "
                "an address (in the application only)."
            )
        self.stdout.write(f"\nDemo logins (password for all: {password})")
        for username, _, code, _, what in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {code:<8} {what}")

    def _history(self, now: datetime) -> None:
        history = load_history(now=now)
        self.stdout.write(
            f"Reports of 2021: {history.reports} with a history, {history.drafts} drafts saved, "
            f"{history.submitted} versions submitted, {history.reviewed} reviews, {history.unchanged} already there."
        )
        appeals = load_appeals(now=now)
        self.stdout.write(
            f"Appeals against deductions: {appeals.filed} filed, {appeals.decided} decided, "
            f"{appeals.unchanged} already there, {appeals.skipped} skipped."
        )

    def _dossiers(self, now: datetime) -> DossierLoad:
        """Dossiers of the demo's units, received from December 2020 up to the day before the clock.

        Received and finished before the clock's instant (nothing in the demo's future); those still
        pending at it are recent arrivals only. Departments get the fields they settle (departments.py).
        """
        on = date(2021, 6, 30)
        handling = [
            (v.unit.code, v.level)
            for v in units_selectors.versions_on(on).filter(level__in=["department", "district", "commune"])
            if v.level != "department" or v.unit.code in DEPARTMENT_FIELDS
        ]
        by_level: dict[str, list[str]] = {}
        for field in ProcedureField.objects.filter(level__in=["district", "commune"]).order_by("code"):
            by_level.setdefault(field.level, []).append(field.code)
        fields: dict[str, Sequence[str]] = {**by_level, **DEPARTMENT_FIELDS}  # a department by its code
        end = min(DOSSIERS_UNTIL, clock.local_date(now) - timedelta(days=1))
        total = DossierLoad()
        if end < DOSSIERS_FROM:
            return total
        records = synthetic_dossiers(
            units=sorted(handling), fields=fields, start=DOSSIERS_FROM, end=end, per_unit=120, as_of=now
        )
        while batch := list(islice(records, MAX_PUSH)):
            result = push_dossiers(records=batch, at=now, actor=None)
            total.created += result.created
            total.updated += result.updated
            total.unchanged += result.unchanged
        return total


def _demo_user_as_set(username: str, full_name: str, unit: Unit, roles: set[Role], password: str) -> bool:
    """True when the demo login is already there as the demo sets it (so loading again changes nothing)."""
    user = User.objects.filter(username=username).first()
    family, _, given = full_name.partition(" ")
    return (
        user is not None
        and (user.last_name, user.first_name, user.unit_id, user.roles) == (family, given, unit.pk, frozenset(roles))
        and user.check_password(password)
    )


def demo_incidents(now: datetime) -> str:
    """The demo's incidents as known at ``now``: none that starts later, and one still going on has no end."""
    rows = list(csv.DictReader(io.StringIO(DEMO_INCIDENTS)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["start", "end", "scope", "description"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        if datetime.fromisoformat(row["start"]) > now:
            continue
        if row["end"] and datetime.fromisoformat(row["end"]) > now:
            row["end"] = ""
        writer.writerow(row)
    return out.getvalue()
