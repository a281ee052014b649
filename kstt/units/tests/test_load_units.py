"""`kstt load-units`: the files of ../shared/data, all-or-nothing, idempotent, effective-dated."""

from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from kstt import clock
from kstt.audit.models import AuditEntry
from kstt.units import selectors
from kstt.units.models import Unit, UnitVersion
from kstt.units.services import UnitsError, load_units

DATA = settings.KSTT_SHARED_DATA
HOA_BINH = DATA / "hoa_binh_2021.csv"
PHU_THO = DATA / "phu_tho_2025.csv"


def load(*args):
    out = StringIO()
    call_command("load_units", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def snapshot():
    return sorted(
        UnitVersion.objects.values_list(
            "unit__code", "name", "level", "kind", "parent__code", "valid_from", "valid_until"
        )
    )


pytestmark = pytest.mark.django_db


def test_hoa_binh_2021_loads_every_unit_with_its_parent():
    assert "181 units: 181 new, 0 changed, 0 unchanged" in load(HOA_BINH)
    on = date(2021, 9, 1)
    assert selectors.count_on(on) == 181
    yen_nghiep = selectors.unit_on("W05341", on)
    assert (yen_nghiep.name, yen_nghiep.level, yen_nghiep.parent.code) == (
        "Ủy ban nhân dân xã Yên Nghiệp",
        "commune",
        "D157",
    )
    province = Unit.objects.get(code="P17")
    below = Unit.objects.filter(id__in=selectors.descendant_ids(province, on=on))
    assert below.count() == 180


def test_loading_the_same_file_twice_changes_nothing():
    load(HOA_BINH)
    before, audits = snapshot(), AuditEntry.objects.count()
    assert "0 new, 0 changed, 181 unchanged" in load(HOA_BINH)
    assert snapshot() == before
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        pytest.param(
            "W99999,Xã Ma,commune,xã,D999", "line 183: unknown parent D999 of unit W99999", id="unknown-parent"
        ),
        pytest.param("W99999,Xã Ma,hamlet,xã,D157", "line 183: unknown level 'hamlet'", id="unknown-level"),
        pytest.param(
            "W05341,Xã Yên Nghiệp,commune,xã,D157",
            "line 183: duplicate code W05341 (first on line 156)",
            id="duplicate-code",
        ),
        pytest.param("W99999,,commune,xã,D157", "line 183: empty name for unit W99999", id="empty-name"),
    ],
)
def test_a_bad_row_fails_the_whole_file_and_changes_nothing(tmp_path, bad_line, message):
    file = tmp_path / "units.csv"
    file.write_text(HOA_BINH.read_text(encoding="utf-8") + bad_line + "\n", encoding="utf-8")
    audits = AuditEntry.objects.count()  # migrate's own entry (the shipped catalogue loaded)
    with pytest.raises(CommandError) as error:
        load(file)
    assert message in str(error.value)
    assert "nothing was loaded" in str(error.value)
    assert Unit.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    file = tmp_path / "units.csv"
    file.write_bytes("code,name,level,kind,parent_code\nP1,Hòa Bình,province,tinh,\n".encode("latin-1"))
    with pytest.raises(CommandError, match="line 2: the file is not UTF-8 text"):
        load(file)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        load(tmp_path / "absent.csv")


def test_a_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="not a date"):
        load(HOA_BINH, "--from", "1/7/2025")


def test_a_changed_name_without_a_date_corrects_the_unit_in_place(tmp_path):
    load(HOA_BINH)
    file = tmp_path / "fix.csv"
    file.write_text("code,name,level,kind,parent_code\nW05341,UBND xã Yên Nghiệp,commune,xã,D157\n", encoding="utf-8")
    assert "0 new, 1 changed" in load(file)
    assert list(UnitVersion.objects.filter(unit__code="W05341").values_list("name", "valid_from")) == [
        ("UBND xã Yên Nghiệp", None)
    ]


class TestTheReformOf2025:
    """Phú Thọ from 1 July 2025 (two levels) absorbs Hòa Bình (three levels)."""

    REFORM = date(2025, 7, 1)

    @pytest.fixture(params=["a hand-made list", "--close-absent"])
    def reshaped(self, request):
        load(HOA_BINH)
        if request.param == "--close-absent":
            load(PHU_THO, "--from", self.REFORM.isoformat(), "--close-absent")
            return
        load(PHU_THO, "--from", self.REFORM.isoformat())
        call_command("close_units", *self.gone(), "--on", self.REFORM.isoformat(), stdout=StringIO())

    def gone(self):
        in_2025 = {line.split(",")[0] for line in PHU_THO.read_text(encoding="utf-8").splitlines()[1:]}
        return sorted(code for code in Unit.objects.values_list("code", flat=True) if code not in in_2025)

    def test_a_reused_code_is_one_unit_in_2021_and_another_in_2025(self, reshaped):
        in_2021 = selectors.unit_on("W04795", date(2021, 9, 1))
        in_2025 = selectors.unit_on("W04795", date(2025, 9, 1))
        assert (in_2021.name, in_2021.parent.code) == ("Ủy ban nhân dân phường Thịnh Lang", "D148")
        assert (in_2025.name, in_2025.parent.code) == ("Ủy ban nhân dân phường Hòa Bình", "P25")

    def test_the_2025_tree_has_two_levels_and_no_districts(self, reshaped):
        on = date(2025, 9, 1)
        phu_tho = Unit.objects.get(code="P25")
        below = selectors.versions_on(on).filter(unit_id__in=selectors.descendant_ids(phu_tho, on=on))
        assert below.count() == 148
        assert set(below.values_list("level", flat=True)) == {"commune"}
        assert selectors.unit_on("D148", on) is None
        assert selectors.unit_on("P17", on) is None

    def test_the_day_before_the_reform_the_2021_tree_stands(self, reshaped):
        eve = date(2025, 6, 30)
        assert selectors.unit_on("P25", eve) is None
        assert selectors.count_on(eve) == 181
        assert selectors.unit_on("D148", eve).name == "Ủy ban nhân dân thành phố Hòa Bình"

    def test_reloading_the_2025_file_changes_nothing(self, reshaped):
        before = snapshot()
        assert "0 new, 0 changed, 149 unchanged" in load(PHU_THO, "--from", self.REFORM.isoformat())
        assert snapshot() == before

    def test_close_absent_closes_what_the_hand_made_list_closes_and_audits_it(self):
        load(HOA_BINH)
        gone = self.gone()
        out = load(PHU_THO, "--from", self.REFORM.isoformat(), "--close-absent")
        assert f"{len(gone)} units absent from the file closed from 2025-07-01: {', '.join(gone[:10])} and " in out
        assert (
            sorted(c for c in Unit.objects.values_list("code", flat=True) if not selectors.unit_on(c, date(2025, 9, 1)))
            == gone
        )
        entry = AuditEntry.objects.get(event="units.closed")
        assert entry.data == {"on": "2025-07-01", "codes": gone}

    def test_reloading_with_close_absent_changes_nothing(self, reshaped):
        before, audits = snapshot(), AuditEntry.objects.count()
        out = load(PHU_THO, "--from", self.REFORM.isoformat(), "--close-absent")
        assert "0 new, 0 changed, 149 unchanged" in out
        assert "0 units absent from the file closed from 2025-07-01\n" in out
        assert snapshot() == before
        assert AuditEntry.objects.count() == audits

    def test_close_absent_leaves_the_other_provinces_alone(self, tmp_path):
        load(HOA_BINH)
        son_la = tmp_path / "son_la.csv"
        son_la.write_text(
            "code,name,level,kind,parent_code\nP14,Tỉnh Sơn La,province,tỉnh,\nW03646,Xã Chiềng Cơi,commune,xã,P14\n",
            encoding="utf-8",
        )
        load(son_la)
        load(PHU_THO, "--from", self.REFORM.isoformat(), "--close-absent")
        assert selectors.unit_on("P14", date(2025, 9, 1)) is not None
        assert selectors.unit_on("W03646", date(2025, 9, 1)) is not None
        assert selectors.unit_on("P17", date(2025, 9, 1)) is None


def test_closing_a_unit_that_still_has_units_below_it_is_refused():
    load(HOA_BINH)
    with pytest.raises(CommandError, match=r"left without a parent on 2025-07-01: W05266 \(under D157\)"):
        call_command("close_units", "D157", "--on", "2025-07-01", stdout=StringIO())
    assert selectors.unit_on("D157", date(2025, 8, 1)) is not None


def test_closing_an_unknown_unit_is_refused():
    load(HOA_BINH)
    with pytest.raises(CommandError, match="not in force on 2025-07-01: X1; nothing was closed"):
        call_command("close_units", "X1", "W05341", "--on", "2025-07-01", stdout=StringIO())
    assert selectors.unit_on("W05341", date(2025, 8, 1)) is not None


def test_all_of_vietnam_2021_loads():
    assert "11366 units: 11366 new" in load(DATA / "vn_units_2021.csv")
    assert UnitVersion.objects.filter(level="commune").count() == 10598


def test_close_absent_without_a_date_is_refused():
    load(HOA_BINH)
    before = snapshot()
    with pytest.raises(CommandError, match="--close-absent needs --from"):
        load(PHU_THO, "--close-absent")
    assert snapshot() == before


def test_close_absent_that_would_orphan_a_listed_unit_loads_nothing(tmp_path):
    load(HOA_BINH)
    before, audits = snapshot(), AuditEntry.objects.count()
    file = tmp_path / "half.csv"
    file.write_text(
        "code,name,level,kind,parent_code\nP17,Tỉnh Hòa Bình,province,tỉnh,\n"
        "W05341,Ủy ban nhân dân xã Yên Nghiệp mới,commune,xã,D157\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CommandError, match=r"left without a parent on 2025-07-01: W05341 \(under D157\); nothing was loaded"
    ):
        load(file, "--from", "2025-07-01", "--close-absent")
    assert snapshot() == before
    assert AuditEntry.objects.count() == audits


def test_the_service_refuses_close_absent_without_a_date():
    with pytest.raises(UnitsError, match="needs the date"):
        load_units(data=PHU_THO.read_bytes(), effective_from=None, at=clock.now(), close_absent=True)
    assert not UnitVersion.objects.exists()
