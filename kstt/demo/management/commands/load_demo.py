"""Load the demo province (Hòa Bình 2021) and one login per role. Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.models import ProcedureField
from kstt.catalogue.services import CatalogueError, FieldFileError, load_catalogue, load_procedure_fields
from kstt.demo.synthetic import synthetic_dossiers
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

    def handle(self, *args, password: str, **options) -> None:
        now = clock.now()
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
        incidents = load_incidents(data=DEMO_INCIDENTS.encode(), at=now, source="demo")
        self.stdout.write(f"Incidents: {incidents.created} new, {incidents.unchanged} already there.")
        fields_path = settings.KSTT_SHARED_DATA / "procedure_fields.csv"
        try:
            load_procedure_fields(data=fields_path.read_bytes(), at=now, source=str(fields_path))
        except (OSError, FieldFileError) as exc:
            raise CommandError(f"{fields_path}: {exc}") from None
        pushed = self._dossiers(now)
        self.stdout.write(f"Dossiers of 2021: {pushed.created} new, {pushed.unchanged} already there.")
        units = {u.code: u for u in Unit.objects.filter(code__in=[code for _, _, code, _, _ in DEMO_USERS])}
        for username, full_name, code, roles, _ in DEMO_USERS:
            save_user(username=username, full_name=full_name, unit=units[code], roles=roles, password=password, at=now)
        self.stdout.write(f"\nDemo logins (password for all: {password})")
        for username, _, code, _, what in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {code:<8} {what}")

    def _dossiers(self, now) -> DossierLoad:
        """Dossiers received from mid-December 2020 to the end of 2021 by every unit that settles procedures."""
        from datetime import date
        from itertools import islice

        on = date(2021, 6, 30)
        handling = [
            (v.unit.code, v.level)
            for v in units_selectors.versions_on(on).filter(level__in=["department", "district", "commune"])
        ]
        fields: dict[str, list[str]] = {}
        for field in ProcedureField.objects.order_by("code"):
            fields.setdefault(field.level, []).append(field.code)
        records = synthetic_dossiers(
            units=sorted(handling), fields=fields, start=date(2020, 12, 1), end=date(2021, 12, 31), per_unit=120
        )
        total = DossierLoad()
        while batch := list(islice(records, MAX_PUSH)):
            result = push_dossiers(records=batch, at=now, actor=None)
            total.created += result.created
            total.updated += result.updated
            total.unchanged += result.unchanged
        return total
