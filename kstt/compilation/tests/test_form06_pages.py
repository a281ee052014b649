"""A reviewer opens the computed form 06, clicks a figure, and sees the dossiers behind it."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.models import ProcedureField
from kstt.catalogue.rules.form06 import add
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import compile_form06
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.tests.cast import AT
from kstt.units.models import Unit
from kstt.units.services import load_units


@pytest.fixture
def dossiers(cast, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)


def test_minh_opens_lac_sons_compiled_form_and_a_cell(client, minh, dossiers):
    client.force_login(minh)
    html = client.get(reverse("compilation:form06", args=["D157"]) + "?period=2021Q3").content.decode()
    assert "Xã, phường, thị trấn" in html
    assert 'data-testid="cell-W05344-13"' in html  # Ân Nghĩa's overdue pending dossier
    page = client.get(
        reverse("compilation:form06_cell", args=["D157"]) + "?period=2021Q3&row=W05344&column=pending_overdue"
    )
    assert page.status_code == 200
    assert "HS-5" in page.content.decode()
    assert "HS-1" not in page.content.decode()


def test_lan_sees_her_communes_form_by_field(client, lan, dossiers):
    client.force_login(lan)
    html = client.get(reverse("compilation:form06", args=["W05341"]) + "?period=2021Q3").content.decode()
    assert 'data-testid="cell-HT-3"' in html and 'data-testid="cell-total-3"' in html
    cell = client.get(reverse("compilation:form06_cell", args=["W05341"]) + "?period=2021Q3&row=HT&column=10")
    assert "HS-2" in cell.content.decode()


@pytest.mark.parametrize(
    ("person", "code", "status"),
    [
        pytest.param("lan", "D157", 404, id="reporter-the-district-above"),
        pytest.param("lan", "W05344", 404, id="reporter-another-commune"),
        pytest.param("minh", "W05200", 404, id="reviewer-another-districts-commune"),
        pytest.param("minh", "W05341", 200, id="reviewer-a-commune-below"),
        pytest.param("hoa", "P17", 200, id="provincial-officer-the-province"),
    ],
)
def test_form06_pages_follow_the_access_rules(request, client, dossiers, person, code, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("compilation:form06", args=[code]) + "?period=2021Q3").status_code == status
    cell = reverse("compilation:form06_cell", args=[code]) + "?period=2021Q3&row=total&column=3"
    assert client.get(cell).status_code == status


def test_the_workbook_downloads(client, hoa, dossiers):
    client.force_login(hoa)
    page = client.get(reverse("compilation:form06_xlsx", args=["P17"]) + "?period=2021Q3")
    assert page.status_code == 200
    assert page["Content-Disposition"] == 'attachment; filename="bieu-06-P17-2021Q3.xlsx"'
    assert page.content[:2] == b"PK"


def test_the_form_page_queries_do_not_grow_with_units(client, hoa, dossiers, django_assert_max_num_queries):
    client.force_login(hoa)
    with django_assert_max_num_queries(15):
        client.get(reverse("compilation:form06", args=["P17"]) + "?period=2021Q3")


def form06(code: str, query: str) -> str:
    return reverse("compilation:form06", args=[code]) + query


def cell(code: str, query: str) -> str:
    return reverse("compilation:form06_cell", args=[code]) + query


# --- Bad input gets a clear answer -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("?period=2021Q9", "“2021Q9” không phải là kỳ báo cáo", id="no-such-quarter"),
        pytest.param("?period=quy-3", "“quy-3” không phải là kỳ báo cáo", id="not-a-period-code"),
        pytest.param("?period=2031Q1", "Quý I/2031 chưa bắt đầu", id="years-ahead"),
        pytest.param("?period=2020Q4", "KSTT không có báo cáo trước năm 2021", id="before-the-first-form"),
    ],
)
@pytest.mark.parametrize("page", [form06, cell, lambda code, q: reverse("compilation:form06_xlsx", args=[code]) + q])
def test_a_period_the_pages_cannot_show_is_refused_in_vietnamese(client, minh, dossiers, page, query, message):
    client.force_login(minh)
    answer = client.get(page("D157", query + "&row=total&column=3"))
    assert answer.status_code == 400
    assert message in answer.content.decode()


def test_a_period_whose_window_has_not_started_by_the_clock_is_refused(client, minh, dossiers, settings):
    settings.KSTT_CLOCK = datetime(2021, 9, 14, 16, 59, tzinfo=UTC)  # 23:59 on 14/09/2021 in Hà Nội
    client.force_login(minh)
    assert client.get(form06("D157", "?period=2021Q4")).status_code == 400
    settings.KSTT_CLOCK = datetime(2021, 9, 14, 17, 0, tzinfo=UTC)  # 00:00 on 15/09: Q4's window opens
    assert client.get(form06("D157", "?period=2021Q4")).status_code == 200


def test_no_period_opens_the_latest_one_that_has_ended(client, minh, dossiers, settings):
    settings.KSTT_CLOCK = datetime(2021, 9, 20, 2, 0, tzinfo=UTC)
    client.force_login(minh)
    page = client.get(form06("D157", ""))
    assert page.status_code == 200 and page.context["period"] == Period(2021, "Q3")


@pytest.mark.parametrize(
    ("code", "query", "status"),
    [
        pytest.param("W05341", "?period=2021Q3&row=W05344&column=3", 404, id="another-communes-row-on-a-communes-form"),
        pytest.param("D157", "?period=2021Q3&row=W05200&column=3", 404, id="another-districts-commune"),
        pytest.param("D157", "?period=2021Q3&row=D156/commune&column=3", 404, id="another-districts-group"),
        pytest.param("W05341", "?period=2021Q3&row=ZZZZ&column=3", 400, id="unknown-field"),
        pytest.param("D157", "?period=2021Q3&row=ZZZZ&column=3", 400, id="unknown-row"),
        pytest.param("D157", "?period=2021Q3&row=department&column=3", 400, id="a-level-the-form-has-not"),
        pytest.param("D157", "?period=2021Q3&row=total&column=99", 400, id="unknown-column"),
        pytest.param("D157", "?period=2021Q3&row=total&column=", 400, id="no-column"),
        pytest.param("W05341", "?period=2021Q3&row=&column=3", 400, id="no-row"),
    ],
)
def test_a_cell_the_form_has_not_is_refused(client, minh, dossiers, code, query, status):
    client.force_login(minh)
    answer = client.get(cell(code, query))
    assert answer.status_code == status
    if status == 400:
        assert "Biểu" in answer.content.decode()


def test_the_api_answers_bad_input_with_400_json_in_vietnamese(minh, dossiers):
    api = APIClient()
    api.force_authenticate(minh)
    api.credentials(HTTP_ACCEPT_LANGUAGE="vi")
    ahead = api.get(reverse("api-form06"), {"unit": "D157", "period": "2031Q1"})
    assert ahead.status_code == 400 and "chưa bắt đầu" in ahead.json()["detail"]
    assert api.get(reverse("api-form06"), {"unit": "D157", "period": "2020Q4"}).status_code == 400
    assert api.get(reverse("api-form06"), {"unit": "D157"}).status_code == 400
    cells = reverse("api-form06-cell")
    unknown = api.get(cells, {"unit": "D157", "period": "2021Q3", "row": "ZZZZ", "column": "3"})
    assert unknown.status_code == 400 and unknown.json()["detail"] == "Biểu này không có dòng “ZZZZ”."
    column = api.get(cells, {"unit": "D157", "period": "2021Q3", "row": "total", "column": "99"})
    assert column.status_code == 400 and "không có cột" in column.json()["detail"]
    outside = api.get(cells, {"unit": "W05341", "period": "2021Q3", "row": "W05344", "column": "3"})
    assert outside.status_code == 404
    assert api.get(cells, {"unit": "W05341", "period": "2031Q1", "row": "total", "column": "3"}).status_code == 400


# --- Labels, not codes ---------------------------------------------------------------------------


def test_the_period_menu_and_the_breadcrumb_say_quy(client, minh, dossiers):
    client.force_login(minh)
    html = client.get(form06("D157", "?period=2021Q3")).content.decode()
    assert '<option value="2021Q3" selected>Quý III/2021</option>' in html
    assert ">2021Q3<" not in html
    six_months = client.get(form06("D157", "?period=2021H1")).content.decode()
    assert '<option value="2021H1" selected>6 tháng đầu năm 2021</option>' in six_months
    crumb = client.get(cell("D157", "?period=2021Q3&row=total&column=3")).content.decode()
    assert "Ủy ban nhân dân huyện Lạc Sơn · Quý III/2021" in crumb


@pytest.mark.parametrize(
    ("code", "row", "heading"),
    [
        pytest.param("P17", "total", "dòng Tổng cộng", id="total"),
        pytest.param("P17", "commune", "dòng Xã, phường, thị trấn", id="level"),
        pytest.param("P17", "district", "dòng Huyện, thị xã, thành phố", id="districts"),
        pytest.param("P17", "department", "dòng Sở, ban, ngành", id="departments"),
        pytest.param("P17", "W05344", "dòng Ủy ban nhân dân xã Ân Nghĩa", id="unit"),
        pytest.param(
            "P17", "D157/commune", "dòng Xã, phường, thị trấn — Ủy ban nhân dân huyện Lạc Sơn", id="districts-group"
        ),
        pytest.param("W05341", "HT", "dòng Hộ tịch", id="field"),
    ],
)
def test_a_cells_dossiers_are_headed_by_the_printed_labels(client, hoa, dossiers, code, row, heading):
    ProcedureField.objects.update_or_create(level="commune", code="HT", defaults={"name": "Hộ tịch"})
    client.force_login(hoa)
    page = client.get(cell(code, f"?period=2021Q3&row={row}&column=10"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Cột 10 (Số hồ sơ đã giải quyết — Quá hạn), {heading}</h1>" in html


# --- The province's form: communes under their district ------------------------------------------


def test_the_provinces_communes_are_grouped_under_their_district_with_its_subtotal(dossiers, kstt_report):
    form = compile_form06(unit=Unit.objects.get(code="P17"), period=Period(2021, "Q3"), report_type=kstt_report)
    communes = next(g for g in form.groups if g.level == "commune")
    assert [(s.parent_code, [r.key for r in s.rows]) for s in communes.subgroups] == [
        ("D156", ["W05200"]),
        ("D157", ["W05341", "W05344"]),
    ]
    for sub in communes.subgroups:
        assert sub.key == f"{sub.parent_code}/commune"
        assert sub.subtotal == add(r.counts for r in sub.rows)
    lac_son = communes.subgroups[1]
    assert lac_son.subtotal["received_total"] == 5  # Yên Nghiệp's four in play and Ân Nghĩa's one
    assert add(s.subtotal for s in communes.subgroups) == communes.subtotal
    assert [g.subgroups for g in form.groups if g.level != "commune"] == [(), ()]  # departments, districts: flat


def test_a_districts_own_form_lists_its_communes_flat(dossiers, kstt_report):
    form = compile_form06(unit=Unit.objects.get(code="D157"), period=Period(2021, "Q3"), report_type=kstt_report)
    assert all(g.subgroups == () for g in form.groups)


def test_the_province_page_shows_each_districts_group_and_its_subtotal_links_to_its_dossiers(client, hoa, dossiers):
    client.force_login(hoa)
    html = client.get(form06("P17", "?period=2021Q3")).content.decode()
    assert html.index('data-testid="group-D156"') < html.index('data-testid="group-D157"')
    group = html[html.index('data-testid="group-D157"') :].split("</tbody>")[0]
    assert 'data-testid="toggle-D157"' in group and "cộng 2 đơn vị" in group
    assert 'data-testid="cell-W05341-3"' in group and 'data-testid="cell-W05344-3"' in group
    assert 'data-testid="cell-W05200-3"' not in group
    assert 'data-testid="cell-D157/commune-3">5<' in group
    assert "Thu gọn tất cả các nhóm" in html
    dossiers_behind = client.get(cell("P17", "?period=2021Q3&row=D157/commune&column=3")).content.decode()
    assert all(f">HS-{n}<" in dossiers_behind for n in (1, 2, 3, 4, 5))
    assert ">HS-6<" not in dossiers_behind and ">HS-7<" not in dossiers_behind


PHU_THO_2025 = """code,name,level,kind,parent_code
P25,Ủy ban nhân dân tỉnh Phú Thọ,province,tỉnh,
P25-STP,Sở Tư pháp tỉnh Phú Thọ,department,"sở, ban, ngành",P25
W09001,Ủy ban nhân dân phường Hòa Bình,commune,phường,P25
W09002,Ủy ban nhân dân xã Tân Lạc,commune,xã,P25
"""


def test_in_the_two_level_shape_communes_sit_flat_under_their_level(client, kstt_report, cast):
    load_units(data=PHU_THO_2025.encode(), effective_from=date(2025, 7, 1), at=AT, source="test")
    phu_tho = Unit.objects.get(code="P25")
    form = compile_form06(unit=phu_tho, period=Period(2025, "Q4"), report_type=kstt_report)
    communes = next(g for g in form.groups if g.level == "commune")
    assert communes.subgroups == () and [r.key for r in communes.rows] == ["W09001", "W09002"]
    officer = save_user(
        username="thu", full_name="Hà Thu", unit=phu_tho, roles={Role.REVIEWER}, password="correct horse 2025", at=AT
    )
    client.force_login(officer)
    page = client.get(form06("P25", "?period=2025Q4"))
    assert page.status_code == 200
    assert 'data-testid="cell-W09001-3"' not in page.content.decode()  # no dossiers: zeros, no links
    assert "Ủy ban nhân dân xã Tân Lạc" in page.content.decode() and 'class="form06-group"' not in page.content.decode()


def test_a_cells_dossiers_name_their_unit_and_field(client, hoa, dossiers, django_assert_max_num_queries):
    ProcedureField.objects.update_or_create(level="commune", code="HT", defaults={"name": "Hộ tịch"})
    client.force_login(hoa)
    with django_assert_max_num_queries(25):  # names come from the scope and one field lookup, not a query per row
        page = client.get(cell("P17", "?period=2021Q3&row=commune&column=3"))
    assert page.status_code == 200
    table = page.content.decode().split('data-testid="evidence"')[1].split("</table>")[0]
    assert "Yên Nghiệp" in table and "(W05341)" in table
    assert "<td>Hộ tịch</td>" in table
    assert "<td>HT</td>" not in table
