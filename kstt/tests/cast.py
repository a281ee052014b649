"""Hòa Bình in miniature: the places and people every test tells its story with.

province            Ủy ban nhân dân tỉnh Hòa Bình (P17)
dept_justice        Sở Tư pháp (P17-STP)
district_lac_son    huyện Lạc Sơn (D157), with commune_yen_nghiep (W05341) and xã Ân Nghĩa (W05344)
district_mai_chau   huyện Mai Châu (D156), with commune_mai_chau (W05200)
procedure fields    Hộ tịch (HT), Chứng thực (CT), Đất đai (DD) for communes and districts, and
                    Lý lịch tư pháp (TP) for departments: the codes dossiers may name

lan   reporter, commune Yên Nghiệp: edits her own commune only
minh  reviewer, district Lạc Sơn: sees Yên Nghiệp, not Mai Châu's communes
hoa   reviewer (KSTT officer), the province: sees all, reviews departments and districts
tuan  reporter, Department of Justice
quan  administrator: catalogue, users, incidents
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.models import ProcedureField, ReportType
from kstt.catalogue.services import load_catalogue
from kstt.units.models import Unit
from kstt.units.services import load_units

__all__ = [
    "AT",
    "CAST_CSV",
    "CAST_FIELDS",
    "NOW",
    "ON_2021",
    "cast",
    "commune_mai_chau",
    "commune_yen_nghiep",
    "dept_justice",
    "district_lac_son",
    "district_mai_chau",
    "hoa",
    "kstt_report",
    "lan",
    "minh",
    "province",
    "quan",
    "tuan",
]

AT = datetime(2021, 7, 1, 2, 0, tzinfo=UTC)
#: "Now" in most stories: Wednesday 15 September 2021, 10:00 in Hà Nội (the Q3 window just ended).
NOW = datetime(2021, 9, 15, 3, 0, tzinfo=UTC)
ON_2021 = date(2021, 9, 1)

CAST_CSV = """code,name,level,kind,parent_code
P17,Ủy ban nhân dân tỉnh Hòa Bình,province,tỉnh,
P17-STP,Sở Tư pháp,department,"sở, ban, ngành",P17
D157,Ủy ban nhân dân huyện Lạc Sơn,district,huyện,P17
W05341,Ủy ban nhân dân xã Yên Nghiệp,commune,xã,D157
W05344,Ủy ban nhân dân xã Ân Nghĩa,commune,xã,D157
D156,Ủy ban nhân dân huyện Mai Châu,district,huyện,P17
W05200,Ủy ban nhân dân thị trấn Mai Châu,commune,thị trấn,D156
"""

#: (level, code, name) of the procedure fields the cast's dossiers name.
CAST_FIELDS = [
    *(
        (level, code, name)
        for level in ("commune", "district")
        for code, name in (("HT", "Hộ tịch"), ("CT", "Chứng thực"), ("DD", "Đất đai"))
    ),
    ("department", "TP", "Lý lịch tư pháp"),
]


@pytest.fixture
def cast(db) -> dict[str, Unit]:
    load_units(data=CAST_CSV.encode(), effective_from=None, at=AT, source="cast")
    ProcedureField.objects.bulk_create(
        [ProcedureField(level=level, code=code, name=name) for level, code, name in CAST_FIELDS],
        ignore_conflicts=True,
    )
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def province(cast):
    return cast["P17"]


@pytest.fixture
def dept_justice(cast):
    return cast["P17-STP"]


@pytest.fixture
def district_lac_son(cast):
    return cast["D157"]


@pytest.fixture
def commune_yen_nghiep(cast):
    return cast["W05341"]


@pytest.fixture
def district_mai_chau(cast):
    return cast["D156"]


@pytest.fixture
def commune_mai_chau(cast):
    return cast["W05200"]


def _person(username, name, unit, roles):
    return save_user(username=username, full_name=name, unit=unit, roles=roles, password="correct horse 2021", at=AT)


@pytest.fixture
def lan(commune_yen_nghiep):
    return _person("lan", "Nguyễn Thị Lan", commune_yen_nghiep, {Role.REPORTER})


@pytest.fixture
def minh(district_lac_son):
    return _person("minh", "Trần Văn Minh", district_lac_son, {Role.REVIEWER})


@pytest.fixture
def hoa(province):
    return _person("hoa", "Phạm Thị Hoa", province, {Role.REVIEWER})


@pytest.fixture
def tuan(dept_justice):
    return _person("tuan", "Lê Anh Tuấn", dept_justice, {Role.REPORTER})


@pytest.fixture
def quan(province):
    return _person("quan", "Đỗ Quản Trị", province, {Role.ADMIN})


@pytest.fixture
def kstt_report(db) -> ReportType:
    """The catalogue as shipped: the report type ``kstt`` (rules.md defaults) and forms 06 and 07b."""
    load_catalogue(at=AT)
    return ReportType.objects.get(code="kstt")
