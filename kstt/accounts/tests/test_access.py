"""The access matrix: each role × own unit / unit below / unrelated unit (accounts.access)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from kstt.accounts import access
from kstt.accounts.access import UnitAccess
from kstt.tests.cast import AT, ON_2021
from kstt.units.services import load_units

VIEW, REPORT, REVIEW = UnitAccess(view=True), UnitAccess(view=True, report=True), UnitAccess(view=True, review=True)
NONE = UnitAccess()


@pytest.mark.parametrize(
    ("person", "unit", "expected"),
    [
        # reporter, commune: her own commune only
        pytest.param("lan", "commune_yen_nghiep", REPORT, id="commune-reporter-own-unit"),
        pytest.param("lan", "district_lac_son", NONE, id="commune-reporter-unit-above"),
        pytest.param("lan", "commune_mai_chau", NONE, id="commune-reporter-unrelated-unit"),
        # reporter, department: own unit only
        pytest.param("tuan", "dept_justice", REPORT, id="department-reporter-own-unit"),
        pytest.param("tuan", "province", NONE, id="department-reporter-unit-above"),
        pytest.param("tuan", "district_lac_son", NONE, id="department-reporter-unrelated-unit"),
        # reviewer, district: its communes, not Mai Châu's
        pytest.param("minh", "district_lac_son", VIEW, id="district-reviewer-own-unit"),
        pytest.param("minh", "commune_yen_nghiep", REVIEW, id="district-reviewer-unit-below"),
        pytest.param("minh", "commune_mai_chau", NONE, id="district-reviewer-unrelated-unit"),
        pytest.param("minh", "district_mai_chau", NONE, id="district-reviewer-sibling-district"),
        pytest.param("minh", "province", NONE, id="district-reviewer-unit-above"),
        # reviewer, province: reviews departments and districts, sees communes
        pytest.param("hoa", "province", VIEW, id="provincial-reviewer-own-unit"),
        pytest.param("hoa", "dept_justice", REVIEW, id="provincial-reviewer-department-below"),
        pytest.param("hoa", "district_mai_chau", REVIEW, id="provincial-reviewer-district-below"),
        pytest.param("hoa", "commune_mai_chau", VIEW, id="provincial-reviewer-commune-two-below"),
        # admin: sees every unit, acts for none
        pytest.param("quan", "province", VIEW, id="admin-own-unit"),
        pytest.param("quan", "commune_yen_nghiep", VIEW, id="admin-unit-below"),
        pytest.param("quan", "dept_justice", VIEW, id="admin-any-unit"),
    ],
)
def test_what_each_role_may_do_with_each_unit(request, person, unit, expected):
    user, target = request.getfixturevalue(person), request.getfixturevalue(unit)
    assert access.unit_access(user=user, unit=target, on=ON_2021) == expected


def test_an_anonymous_visitor_may_do_nothing(province):
    assert access.unit_access(user=AnonymousUser(), unit=province, on=ON_2021) == NONE


def test_a_deactivated_user_may_do_nothing(lan, commune_yen_nghiep):
    lan.is_active = False
    assert access.unit_access(user=lan, unit=commune_yen_nghiep, on=ON_2021) == NONE


def test_another_units_data_is_not_found(minh):
    with pytest.raises(Http404):
        access.unit_for_user(user=minh, code="W05200", on=ON_2021)


def test_a_unit_that_did_not_exist_on_the_date_is_not_found(hoa):
    load_units(
        data="code,name,level,kind,parent_code\nW09999,Xã Mới Lập,commune,xã,D157\n".encode(),
        effective_from=date(2023, 1, 1),
        at=AT,
    )
    assert access.unit_for_user(user=hoa, code="W09999", on=date(2023, 1, 1))[1] == VIEW
    with pytest.raises(Http404):
        access.unit_for_user(user=hoa, code="W09999", on=ON_2021)
    with pytest.raises(Http404):
        access.unit_for_user(user=hoa, code="NOPE", on=ON_2021)


@pytest.mark.parametrize(
    ("person", "visible"),
    [
        pytest.param("lan", {"W05341"}, id="reporter-sees-own-unit"),
        pytest.param("minh", {"D157", "W05341", "W05344"}, id="district-reviewer-sees-its-subtree"),
        pytest.param("hoa", {"P17", "P17-STP", "D157", "W05341", "W05344", "D156", "W05200"}, id="province-sees-all"),
        pytest.param("quan", {"P17", "P17-STP", "D157", "W05341", "W05344", "D156", "W05200"}, id="admin-sees-all"),
    ],
)
def test_visible_units(request, person, visible):
    user = request.getfixturevalue(person)
    assert {v.unit.code for v in access.visible_units(user=user, on=ON_2021)} == visible


def test_reporters_do_not_browse_the_tree(lan, tuan, minh, quan):
    assert [access.may_browse_units(u) for u in (lan, tuan, minh, quan)] == [False, False, True, True]


def test_search_stays_inside_what_the_user_may_see(minh, hoa, lan):
    assert [v.unit.code for v in access.search_units(user=minh, query="mai chau", on=ON_2021)] == []
    assert {v.unit.code for v in access.search_units(user=hoa, query="mai chau", on=ON_2021)} == {"D156", "W05200"}
    assert list(access.search_units(user=lan, query="yen nghiep", on=ON_2021)) == []
