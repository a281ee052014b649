"""Load a demo province (Hòa Bình 2021, or Phú Thọ 2026 with ``--year 2026``) and one login per role. Safe to run
again."""

import csv
import io
from collections.abc import Sequence
from datetime import datetime, timedelta
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
from kstt.demo.departments import department_fields_csv
from kstt.demo.province import load_province_report
from kstt.demo.reminders import load_reminders
from kstt.demo.scenarios import HOA_BINH_2021, SCENARIOS, Scenario
from kstt.demo.submissions import HistoryLoad, load_history
from kstt.demo.synthetic import synthetic_dossiers
from kstt.dossiers.models import Dossier
from kstt.dossiers.services import MAX_PUSH, DossierLoad, push_dossiers
from kstt.incidents.services import load_incidents
from kstt.units import selectors as units_selectors
from kstt.units.models import Unit
from kstt.units.rules import UnitFileError
from kstt.units.services import LoadResult, close_units, load_units

#: The demo logins' e-mail addresses: lan@kstt-demo.invalid, … (never deliverable).
DEMO_MAIL_DOMAIN = "kstt-demo.invalid"

#: The 2021 demo's incidents and logins (kstt/demo/scenarios.py holds every demo's).
DEMO_INCIDENTS = HOA_BINH_2021.incidents
DEMO_USERS = [(u, n, c, set(r), w) for u, n, c, r, w in HOA_BINH_2021.users]


class Command(BaseCommand):
    help = (
        "Load a demo province and its demo logins, then print them: Hòa Bình 2021 (default), or Phú Thọ after "
        "the 2025 reform with --year 2026."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            choices=sorted(SCENARIOS),
            default=HOA_BINH_2021.year,
            help="the demo: 2021 (Hòa Bình, three levels) or 2026 (Phú Thọ, two levels since 1 July 2025)",
        )
        parser.add_argument("--password", default=None, help="password of every demo login (kstt-demo-YEAR)")
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="leave out the year's submission history (reports, versions, reviews)",
        )

    def handle(self, *args, year: int, password: str | None, no_history: bool = False, **options) -> None:
        scenario = SCENARIOS[year]
        password = password or scenario.password
        now = clock.now()
        if clock.is_fixed():
            local = now.astimezone(clock.province_zone())
            self.stdout.write(
                f"The clock is fixed at {local:%d/%m/%Y %H:%M} (KSTT_CLOCK): the demo is seen on that day."
            )
        self._units(scenario, now)
        try:
            catalogue = load_catalogue(at=now)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Catalogue: {len(catalogue.forms_created)} forms new, {len(catalogue.forms_unchanged)} already there."
        )
        incidents = load_incidents(data=demo_incidents(now, scenario.incidents).encode(), at=now, source="demo")
        self.stdout.write(f"Incidents: {incidents.created} new, {incidents.unchanged} already there.")
        fields_path = settings.KSTT_SHARED_DATA / "procedure_fields.csv"
        try:
            load_procedure_fields(data=fields_path.read_bytes(), at=now, source=str(fields_path))
        except (OSError, FieldFileError) as exc:
            raise CommandError(f"{fields_path}: {exc}") from None
        load_procedure_fields(data=department_fields_csv(), at=now, source="demo departments")
        pushed = self._dossiers(scenario, now)
        self.stdout.write(
            f"Dossiers of {scenario.year}: {pushed.created} new, {pushed.updated} updated, "
            f"{pushed.unchanged} already there."
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
        units = {u.code: u for u in Unit.objects.filter(code__in=[code for _, _, code, _, _ in scenario.users])}
        for username, full_name, code, roles, _ in scenario.users:
            if not _demo_user_as_set(username, full_name, units[code], set(roles), password):
                save_user(
                    username=username,
                    full_name=full_name,
                    unit=units[code],
                    roles=set(roles),
                    password=password,
                    at=now,
                )
        for username, *_ in scenario.users:
            # A reserved domain (.invalid): a demo e-mail can never reach anyone, whatever the e-mail settings.
            User.objects.filter(username=username, email="").update(email=f"{username}@{DEMO_MAIL_DOMAIN}")
        if not no_history:
            self._history(scenario, now)
            reminded = load_reminders(now=now, year=scenario.year)
            self.stdout.write(
                f"Reminders of {scenario.year}: {reminded.reminders} reminders sent (as the worker would have, each "
                f"morning at 07:00), {reminded.emails} e-mails to the demo logins, {reminded.no_address} to "
                "reporters without an address (in the application only)."
            )
        self.stdout.write(f"\nDemo logins of {scenario.title} (password for all: {password})")
        for username, _, code, _, what in scenario.users:
            self.stdout.write(f"  {username:<8} {code:<8} {what}")

    def _units(self, scenario: Scenario, now: datetime) -> None:
        """Load the scenario's unit files in order, then close on ``closing_on`` the units of the files in force
        "always" that the files from that day do not list (those still in force then: safe to run again).

        With a change of shape, the tree before it (an undated file) is loaded once: its units already there are
        left alone, since a file without a date corrects the latest version in place, and the latest version of a
        unit the change carries on is the one from that day (a commune renamed, now under the province)."""
        kept: set[str] = set()
        earlier: list[str] = []
        for unit_file in scenario.unit_files:
            path = settings.KSTT_SHARED_DATA / unit_file.name if unit_file.name else None
            source = str(path or unit_file.label)
            try:
                data = path.read_bytes() if path is not None else unit_file.data() if unit_file.data else b""
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror} (set KSTT_SHARED_DATA to the shared data folder)") from None
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
            codes = [row["code"] for row in rows]
            there: set[str] = set()
            if unit_file.effective_from is None and scenario.closing_on is not None:
                there = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
            result = LoadResult(unchanged=len(there))
            if len(there) < len(rows):
                try:
                    result = load_units(
                        data=_without(rows, there), effective_from=unit_file.effective_from, at=now, source=source
                    )
                except UnitFileError as exc:
                    raise CommandError(f"{source}: {exc}") from None
                result.unchanged += len(there)
            self.stdout.write(
                f"Units of {unit_file.label}: {result.created} new, {result.changed} changed, "
                f"{result.unchanged} already there."
            )
            if unit_file.effective_from is None:
                earlier += codes
            elif unit_file.effective_from == scenario.closing_on:
                kept.update(codes)
        if scenario.closing_on is None:
            return
        closing = [code for code in dict.fromkeys(earlier) if code not in kept]
        in_force = units_selectors.units_on(closing, scenario.closing_on)
        wanted = [code for code in closing if code in in_force]
        closed = close_units(codes=wanted, on=scenario.closing_on, at=now) if wanted else 0
        self.stdout.write(
            f"Units closed on {scenario.closing_on:%d/%m/%Y}: {closed} now, {len(closing) - closed} already closed."
        )

    def _history(self, scenario: Scenario, now: datetime) -> None:
        history = HistoryLoad()
        if scenario.province_report is not None:
            # The province compiles its report from the reports as they stood when it sent it: the history
            # up to that instant first, the province's report, then the rest of the year up to the clock.
            period, sent_at = scenario.province_report
            if sent_at <= now:
                history = self._add(history, scenario, sent_at)
                province = load_province_report(
                    unit_code=_root_code(scenario), period=period, at=sent_at, seed=scenario.seed
                )
                self.stdout.write(
                    f"The province's report of {period}: already there."
                    if province.unchanged
                    else f"The province's report of {period}: {province.submitted} sent (form 06 compiled from "
                    f"{province.lines} units' reports, {province.missing} missing)."
                )
        history = self._add(history, scenario, now)
        self.stdout.write(
            f"Reports of {scenario.year}: {history.reports} with a history, {history.drafts} drafts saved, "
            f"{history.submitted} versions submitted, {history.reviewed} reviews, {history.unchanged} already there."
        )
        appeals = load_appeals(now=now, officer=scenario.officer, appeals=scenario.appeals)
        self.stdout.write(
            f"Appeals against deductions: {appeals.filed} filed, {appeals.decided} decided, "
            f"{appeals.unchanged} already there, {appeals.skipped} skipped."
        )

    @staticmethod
    def _add(total: HistoryLoad, scenario: Scenario, now: datetime) -> HistoryLoad:
        loaded = load_history(now=now, year=scenario.year, seed=scenario.seed, pinned=scenario.pinned)
        return HistoryLoad(
            reports=loaded.reports,
            drafts=total.drafts + loaded.drafts,
            submitted=total.submitted + loaded.submitted,
            reviewed=total.reviewed + loaded.reviewed,
            # the lines an earlier step of this load made are not "already there"
            unchanged=max(loaded.unchanged - total.submitted - total.reviewed, 0),
        )

    def _dossiers(self, scenario: Scenario, now: datetime) -> DossierLoad:
        """Dossiers of the demo's units, received from December of the year before up to the day before the clock.

        Received and finished before the clock's instant (nothing in the demo's future); those still
        pending at it are recent arrivals only. Departments get the fields they settle (departments.py).
        """
        handling = [
            (v.unit.code, v.level)
            for v in units_selectors.versions_on(scenario.tree_on).filter(
                level__in=["department", "district", "commune"]
            )
            if v.level != "department" or v.unit.code in scenario.department_fields
        ]
        by_level: dict[str, list[str]] = {}
        for field in ProcedureField.objects.filter(level__in=["district", "commune"]).order_by("code"):
            by_level.setdefault(field.level, []).append(field.code)
        fields: dict[str, Sequence[str]] = {**by_level, **scenario.department_fields}  # a department by its code
        end = min(scenario.dossiers_until, clock.local_date(now) - timedelta(days=1))
        total = DossierLoad()
        if end < scenario.dossiers_from:
            return total
        records = synthetic_dossiers(
            units=sorted(handling),
            fields=fields,
            start=scenario.dossiers_from,
            end=end,
            per_unit=120,
            seed=scenario.seed,
            as_of=now,
        )
        while batch := list(islice(records, MAX_PUSH)):
            result = push_dossiers(records=batch, at=now, actor=None)
            total.created += result.created
            total.updated += result.updated
            total.unchanged += result.unchanged
        return total


def _without(rows: list[dict[str, str]], codes: set[str]) -> bytes:
    """A unit file of these rows but those of ``codes``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["code", "name", "level", "kind", "parent_code"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(row for row in rows if row["code"] not in codes)
    return out.getvalue().encode()


def _root_code(scenario: Scenario) -> str:
    """The province of the scenario's latest tree: the unit of its administrator."""
    return next(code for _, _, code, roles, _ in scenario.users if Role.ADMIN in roles)


def _demo_user_as_set(username: str, full_name: str, unit: Unit, roles: set[Role], password: str) -> bool:
    """True when the demo login is already there as the demo sets it (so loading again changes nothing)."""
    user = User.objects.filter(username=username).first()
    family, _, given = full_name.partition(" ")
    return (
        user is not None
        and (user.last_name, user.first_name, user.unit_id, user.roles) == (family, given, unit.pk, frozenset(roles))
        and user.check_password(password)
    )


def demo_incidents(now: datetime, incidents: str = DEMO_INCIDENTS) -> str:
    """The demo's incidents as known at ``now``: none that starts later, and one still going on has no end."""
    rows = list(csv.DictReader(io.StringIO(incidents)))
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
