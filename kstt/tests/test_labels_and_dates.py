"""Names beside codes, a level said once, and dates typed dd/mm/yyyy on every form.

Issue 7, points 3 and 4: Hoa records an incident typing 20/09/2021 14:00; Quản declares 03/04/2021
and gets 3 April; Minh reads "Cấp xã" once for Yên Nghiệp and "Cấp xã (thị trấn)" for Mai Châu.
"""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from kstt.catalogue.models import CalendarDay
from kstt.incidents.models import Incident
from kstt.tests.cast import AT
from kstt.units.services import load_units


@pytest.fixture(autouse=True)
def _vietnamese(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.cookies["django_language"] = "vi"


def _record(client, **overrides):
    data = {"start": "20/09/2021 14:00", "end": "20/09/2021 18:30", "description": "Mất kết nối", **overrides}
    return client.post(reverse("incidents:new"), data)


def test_hoa_types_the_incident_times_day_first_in_local_time(client, hoa, dept_justice):
    client.force_login(hoa)
    form = client.get(reverse("incidents:new")).content.decode()
    assert 'type="datetime-local"' not in form and 'placeholder="dd/mm/yyyy HH:MM"' in form
    page = _record(client, units=[dept_justice.pk], start="01/09/2021 14:00", end="01/09/2021 18:30")
    assert page.status_code == 302
    incident = Incident.objects.get()
    assert incident.start == datetime(2021, 9, 1, 7, 0, tzinfo=UTC)  # 1 September, 14:00 in Hà Nội
    assert incident.end == datetime(2021, 9, 1, 11, 30, tzinfo=UTC)
    edit = client.get(reverse("incidents:edit", args=[incident.pk])).content.decode()
    assert 'value="01/09/2021 14:00"' in edit


def test_an_incident_typed_month_first_is_refused(client, hoa, dept_justice):
    client.force_login(hoa)
    page = _record(client, units=[dept_justice.pk], start="09/20/2021 14:00")
    assert page.status_code == 200 and Incident.objects.count() == 0


def test_the_incident_pages_name_the_units_beside_their_codes(client, hoa, dept_justice, commune_yen_nghiep):
    client.force_login(hoa)
    _record(client, units=[dept_justice.pk, commune_yen_nghiep.pk], start="20/09/2021 14:00")
    incident = Incident.objects.get()
    listing = client.get(reverse("incidents:list")).content.decode()
    detail = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    for html in (listing, detail):
        assert "Sở Tư pháp (P17-STP)" in html and "Ủy ban nhân dân xã Yên Nghiệp (W05341)" in html
        assert "20/09/2021 14:00" in html  # the local time, day first


def test_the_incident_list_queries_do_not_grow_with_incidents(client, hoa, cast, django_assert_max_num_queries):
    client.force_login(hoa)
    for day in range(1, 9):
        _record(client, units=[cast["W05341"].pk, cast["D157"].pk], start=f"{day:02}/09/2021 08:00", end="")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("incidents:list")).status_code == 200


def test_quan_declares_a_day_typed_day_first(client, quan, kstt_report):
    client.force_login(quan)
    page = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    assert 'name="day"' in page and 'type="date"' not in page and 'placeholder="dd/mm/yyyy"' in page
    client.post(reverse("catalogue:declare_day"), {"day": "03/04/2021", "kind": "day_off", "name": "Nghỉ bù"})
    assert CalendarDay.objects.get().day == date(2021, 4, 3)


def test_the_unit_tree_takes_its_date_day_first(client, hoa, cast):
    load_units(
        data="code,name,level,kind,parent_code\nW05341,Ủy ban nhân dân xã Yên Nghiệp mới,commune,xã,D157\n".encode(),
        effective_from=date(2021, 10, 1),
        at=AT,
        source="test",
    )
    client.force_login(hoa)
    before = client.get(reverse("units:detail", args=["W05341"]) + "?on=02/09/2021").content.decode()
    after = client.get(reverse("units:detail", args=["W05341"]) + "?on=01/10/2021").content.decode()
    assert "02/09/2021" in before and "Yên Nghiệp mới" not in before.split("<h2")[0]
    assert "Yên Nghiệp mới" in after.split("<h2")[0]
    tree = client.get(reverse("units:tree") + "?on=02/09/2021").content.decode()
    assert 'value="02/09/2021"' in tree and 'type="date"' not in tree


@pytest.mark.parametrize(
    ("code", "level"),
    [
        pytest.param("W05341", "Cấp xã</dd>", id="commune-xa-said-once"),
        pytest.param("D157", "Cấp huyện</dd>", id="district-huyen-said-once"),
        pytest.param("P17-STP", "Sở, ban, ngành</dd>", id="department-said-once"),
        pytest.param("W05200", "Cấp xã (thị trấn)</dd>", id="township-kind-says-more"),
    ],
)
def test_a_units_level_is_said_once(client, hoa, code, level):
    client.force_login(hoa)
    html = client.get(reverse("units:detail", args=[code])).content.decode()
    assert f'data-testid="unit-level">{level}' in html


def test_a_units_history_names_its_parent(client, hoa, cast):
    client.force_login(hoa)
    history = (
        client.get(reverse("units:detail", args=["W05341"])).content.decode().split('data-testid="unit-history"')[1]
    )
    assert "Ủy ban nhân dân huyện Lạc Sơn" in history and "(D157)" in history


def test_the_administrations_unit_list_shows_names_levels_and_parents_and_finds_by_name(client, quan, cast):
    client.force_login(quan)
    listing = client.get(reverse("admin:units_unit_changelist")).content.decode()
    assert "Ủy ban nhân dân xã Yên Nghiệp" in listing
    assert "Cấp xã" in listing and "Ủy ban nhân dân huyện Lạc Sơn (D157)" in listing
    found = client.get(reverse("admin:units_unit_changelist") + "?q=Yên Nghiệp").content.decode()
    assert "W05341" in found and "W05200" not in found
    found = client.get(reverse("admin:units_unit_changelist") + "?q=yen nghiep").content.decode()
    assert "W05341" in found and "W05344" not in found


def test_the_administrations_user_list_names_units(client, quan, lan):
    client.force_login(quan)
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Ủy ban nhân dân xã Yên Nghiệp (W05341)" in listing


def test_the_administrations_lists_do_not_query_per_row(client, quan, cast, django_assert_max_num_queries):
    from kstt.accounts.choices import Role
    from kstt.accounts.services import save_user

    for n in range(10):
        save_user(
            username=f"cb{n}", full_name="Cán Bộ", unit=cast["W05344"], roles={Role.REPORTER}, password=None, at=AT
        )
    client.force_login(quan)
    for name in ("accounts_user", "units_unit", "audit_auditentry"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
