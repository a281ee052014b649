"""The demos `kstt load-demo` can load: Hòa Bình seen in December 2021 (the default), and Phú Thọ after the
2025 reform seen in December 2026 (``--year 2026``, `make run DEMO=2026`).

Data only: each scenario names its unit files (with the date each is in force from), the units it closes,
its incidents, its logins, the cases its history tells on purpose, its appeals and, for the two-level shape,
the province's own report it compiles and sends. The loader (``load_demo``) and the history machinery
(``history``, ``submissions``, ``appeals``, ``reminders``) are the same for both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kstt.accounts.choices import Role
from kstt.demo.appeals import APPEALS, APPEALS_2026, DemoAppeal
from kstt.demo.departments import (
    DEPARTMENT_FIELDS,
    PHU_THO_DEPARTMENT_FIELDS,
    phu_tho_departments_csv,
)
from kstt.demo.history import Case
from kstt.demo.submissions import PINNED, PINNED_2026

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

#: The day the two-level shape starts (rules.md §1): districts close, communes report to the province.
REFORM = date(2025, 7, 1)


@dataclass(frozen=True)
class UnitFile:
    """A unit file to load: a file of the shared data folder (``name``) or bytes the demo makes (``data``),
    in force from ``effective_from`` (None: as it has always been)."""

    label: str
    effective_from: date | None = None
    name: str = ""
    data: Callable[[], bytes] | None = None


@dataclass(frozen=True)
class Scenario:
    year: int
    title: str
    clock: datetime  # the instant `make run` fixes the clock at (docs/reference/demo.md, Makefile)
    password: str
    unit_files: tuple[UnitFile, ...]
    #: The day the tree changes shape: every unit of the files in force "always" that the files in force from
    #: that day do not list closes that day (Hòa Bình's districts, and its communes merged under other codes).
    closing_on: date | None = None
    incidents: str = ""
    #: (username, full name, unit code, roles, what the login shows)
    users: tuple[tuple[str, str, str, frozenset[Role], str], ...] = ()
    department_fields: Mapping[str, Sequence[str]] = field(default_factory=dict)
    dossiers_from: date = date(2020, 12, 1)
    dossiers_until: date = date(2021, 12, 31)
    tree_on: date = date(2021, 6, 30)  # the tree whose units get dossiers
    seed: int = 2021
    pinned: Mapping[tuple[str, str], Case] = field(default_factory=dict)
    appeals: Sequence[DemoAppeal] = ()
    officer: str = "hoa"  # who decides the appeals
    #: The province's own report compiled from its units' reports and sent (period code, local instant).
    province_report: tuple[str, datetime] | None = None


HOA_BINH_2021 = Scenario(
    year=2021,
    title="Hòa Bình 2021",
    clock=datetime(2021, 12, 20, 9, 0, tzinfo=HCM),
    password="kstt-demo-2021",  # the demo's printed password
    unit_files=(UnitFile("Hòa Bình 2021", name="hoa_binh_2021.csv"),),
    # interchange.md's example: D148 due 20/09/2021, moved to 21/09 by incident 1.
    incidents="""start,end,scope,description
2021-09-20T14:00:00+07:00,2021-09-20T18:30:00+07:00,D148;P17-STP,Mất kết nối cơ sở dữ liệu; không tiếp nhận được báo cáo
2021-12-17T08:00:00+07:00,2021-12-17T09:00:00+07:00,all,Bảo trì hệ thống theo kế hoạch (ngoài khung 24 giờ trước hạn)
""",
    users=(
        ("lan", "Nguyễn Thị Lan", "W05341", frozenset({Role.REPORTER}), "commune reporter, xã Yên Nghiệp"),
        ("minh", "Trần Văn Minh", "D157", frozenset({Role.REVIEWER}), "district reviewer, huyện Lạc Sơn"),
        ("tuan", "Lê Anh Tuấn", "P17-STP", frozenset({Role.REPORTER}), "department reporter, Sở Tư pháp"),
        (
            "hoa",
            "Phạm Thị Hoa",
            "P17",
            frozenset({Role.REVIEWER, Role.REPORTER}),
            "provincial KSTT officer (Văn phòng UBND tỉnh): reviews, compiles and sends the province's report",
        ),
        ("quantri", "Đỗ Quản Trị", "P17", frozenset({Role.ADMIN}), "administrator"),
    ),
    department_fields=DEPARTMENT_FIELDS,
    pinned=PINNED,
    appeals=APPEALS,
    # The province's deadline for Q3 (E + 6 = Monday 20/09/2021): it compiles and sends that morning.
    province_report=("2021Q3", datetime(2021, 9, 20, 10, 30, tzinfo=HCM)),
)


PHU_THO_2026 = Scenario(
    year=2026,
    title="Phú Thọ 2026",
    # Q4's window ended on Monday 14/12: the communes' deadline (16/12) has passed, the departments' (18/12) not.
    clock=datetime(2026, 12, 17, 9, 0, tzinfo=HCM),
    password="kstt-demo-2026",  # the demo's printed password
    unit_files=(
        UnitFile("Hòa Bình 2021 (before the reform)", name="hoa_binh_2021.csv"),
        UnitFile("Phú Thọ from 01/07/2025", effective_from=REFORM, name="phu_tho_2025.csv"),
        UnitFile("Phú Thọ's departments from 01/07/2025", effective_from=REFORM, data=phu_tho_departments_csv),
    ),
    closing_on=REFORM,
    incidents="""start,end,scope,description
2026-09-16T14:00:00+07:00,2026-09-16T18:30:00+07:00,W04795;W04846,Mất kết nối tới hệ thống; không gửi được báo cáo
2026-12-11T08:00:00+07:00,2026-12-11T09:00:00+07:00,all,Bảo trì hệ thống theo kế hoạch (ngoài khung 24 giờ trước hạn)
""",
    users=(
        ("thu", "Hà Thị Thu", "W04795", frozenset({Role.REPORTER}), "commune reporter, phường Hòa Bình"),
        ("tuan", "Lê Anh Tuấn", "P25-STP", frozenset({Role.REPORTER}), "department reporter, Sở Tư pháp"),
        (
            "hoa",
            "Phạm Thị Hoa",
            "P25",
            frozenset({Role.REVIEWER, Role.REPORTER}),
            "provincial KSTT officer: reviews departments and communes, sends the province's report",
        ),
        ("quantri", "Đỗ Quản Trị", "P25", frozenset({Role.ADMIN}), "administrator"),
    ),
    department_fields=PHU_THO_DEPARTMENT_FIELDS,
    dossiers_from=date(2025, 12, 1),
    dossiers_until=date(2026, 12, 31),
    tree_on=date(2026, 6, 30),
    seed=2026,
    pinned=PINNED_2026,
    appeals=APPEALS_2026,
    # The province's deadline for Q3 (E + 6 = Sunday 20/09) moves to Monday 21/09; it sends that morning.
    province_report=("2026Q3", datetime(2026, 9, 21, 10, 30, tzinfo=HCM)),
)

SCENARIOS: dict[int, Scenario] = {s.year: s for s in (HOA_BINH_2021, PHU_THO_2026)}
