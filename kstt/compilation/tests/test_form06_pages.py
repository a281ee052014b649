"""A reviewer opens the computed form 06, clicks a figure, and sees the dossiers behind it."""

import pytest
from django.urls import reverse

from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.tests.cast import AT


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


def test_a_bad_cell_is_not_found(client, minh, dossiers):
    client.force_login(minh)
    assert (
        client.get(reverse("compilation:form06_cell", args=["D157"]) + "?period=2021Q3&row=total&column=99").status_code
        == 404
    )


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
