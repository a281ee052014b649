"""Load the demo province (Hòa Bình 2021) and one login per role. Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.units.models import Unit
from kstt.units.rules import UnitFileError
from kstt.units.services import load_units

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
        now = timezone.now()
        path = settings.KSTT_SHARED_DATA / "hoa_binh_2021.csv"
        try:
            result = load_units(data=path.read_bytes(), effective_from=None, at=now, source=str(path))
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror} (set KSTT_SHARED_DATA to the shared data folder)") from None
        except UnitFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.stdout.write(f"Units of Hòa Bình 2021: {result.created} new, {result.unchanged} already there.")
        units = {u.code: u for u in Unit.objects.filter(code__in=[code for _, _, code, _, _ in DEMO_USERS])}
        for username, full_name, code, roles, _ in DEMO_USERS:
            save_user(username=username, full_name=full_name, unit=units[code], roles=roles, password=password, at=now)
        self.stdout.write(f"\nDemo logins (password for all: {password})")
        for username, _, code, _, what in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {code:<8} {what}")
