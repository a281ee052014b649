"""The date-aware tree: one selector answers "all units under X on date D"."""

from datetime import date

import pytest

from kstt.tests.cast import AT
from kstt.units import selectors
from kstt.units.models import Unit
from kstt.units.services import load_units

MOVE = date(2023, 1, 1)


@pytest.fixture
def ân_nghĩa_moves_to_mai_chau(cast):
    """On 1 January 2023 xã Ân Nghĩa leaves Lạc Sơn for Mai Châu and is renamed."""
    load_units(
        data="code,name,level,kind,parent_code\nW05344,Ủy ban nhân dân xã Ân Nghĩa Mới,commune,xã,D156\n".encode(),
        effective_from=MOVE,
        at=AT,
    )
    return Unit.objects.get(code="W05344")


def codes(ids):
    return set(Unit.objects.filter(id__in=ids).values_list("code", flat=True))


def test_units_under_a_district_are_its_communes(district_lac_son):
    assert codes(selectors.descendant_ids(district_lac_son, on=date(2021, 9, 1))) == {"W05341", "W05344"}


def test_units_under_the_province_are_every_level_below(province):
    assert codes(selectors.descendant_ids(province, on=date(2021, 9, 1))) == {
        "P17-STP",
        "D157",
        "W05341",
        "W05344",
        "D156",
        "W05200",
    }


def test_include_self_adds_the_unit(district_mai_chau):
    assert codes(selectors.descendant_ids(district_mai_chau, on=date(2021, 9, 1), include_self=True)) == {
        "D156",
        "W05200",
    }


def test_a_moved_commune_is_under_its_old_district_before_and_its_new_one_after(
    ân_nghĩa_moves_to_mai_chau, district_lac_son, district_mai_chau
):
    before, after = date(2022, 12, 31), MOVE
    assert "W05344" in codes(selectors.descendant_ids(district_lac_son, on=before))
    assert "W05344" not in codes(selectors.descendant_ids(district_lac_son, on=after))
    assert "W05344" in codes(selectors.descendant_ids(district_mai_chau, on=after))
    assert selectors.unit_on("W05344", before).name == "Ủy ban nhân dân xã Ân Nghĩa"
    assert selectors.unit_on("W05344", after).name == "Ủy ban nhân dân xã Ân Nghĩa Mới"


def test_ancestors_follow_the_tree_of_the_date(
    ân_nghĩa_moves_to_mai_chau, district_lac_son, district_mai_chau, province
):
    assert selectors.ancestor_ids(ân_nghĩa_moves_to_mai_chau, on=date(2022, 6, 1)) == [district_lac_son.pk, province.pk]
    assert selectors.ancestor_ids(ân_nghĩa_moves_to_mai_chau, on=date(2023, 6, 1)) == [
        district_mai_chau.pk,
        province.pk,
    ]
    assert selectors.ancestor_ids(province, on=date(2023, 6, 1)) == []


def test_a_unit_does_not_exist_before_its_first_day(cast):
    load_units(
        data="code,name,level,kind,parent_code\nW09999,Xã Mới Lập,commune,xã,D157\n".encode(),
        effective_from=MOVE,
        at=AT,
    )
    assert selectors.unit_on("W09999", date(2022, 12, 31)) is None
    assert selectors.unit_on("W09999", MOVE).name == "Xã Mới Lập"


def test_search_ignores_diacritics_and_case(cast):
    found = selectors.search("lac son", on=date(2021, 9, 1))
    assert [v.unit.code for v in found] == ["D157"]
    assert [v.unit.code for v in selectors.search("YÊN nghiep", on=date(2021, 9, 1))] == ["W05341"]


def test_search_finds_by_code(cast):
    assert [v.unit.code for v in selectors.search("w05200", on=date(2021, 9, 1))] == ["W05200"]


def test_search_within_a_unit_stays_below_it(district_lac_son, cast):
    assert {v.unit.code for v in selectors.search("xa", on=date(2021, 9, 1), within=district_lac_son)} == {
        "W05341",
        "W05344",
    }


def test_the_tree_selectors_issue_one_query(district_lac_son, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(Unit.objects.filter(id__in=selectors.descendant_ids(district_lac_son, on=date(2021, 9, 1))))
    with django_assert_num_queries(1):
        selectors.ancestor_ids(district_lac_son, on=date(2021, 9, 1))


def test_the_units_of_a_date_are_read_again_each_time(cast):
    """The query of a date is built once per process; what it finds is never kept: a unit loaded since is there."""
    on = date(2021, 9, 1)
    before = {version.unit.code for version in selectors.versions_on(on)}
    load_units(
        data="code,name,level,kind,parent_code\nW09999,Xã Mới,commune,xã,D156\n".encode(), effective_from=None, at=AT
    )
    after = {version.unit.code for version in selectors.versions_on(on)}
    assert after == before | {"W09999"} and selectors.unit_on("W09999", on).name == "Xã Mới"
