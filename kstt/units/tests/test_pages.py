"""The unit tree pages: reviewers and admins browse and search; everyone else gets a 404."""

import pytest
from django.urls import reverse

ON = "2021-09-01"


def get(client, user, url, **headers):
    client.force_login(user)
    return client.get(url, **headers)


def test_a_district_reviewer_browses_from_their_district(client, minh):
    page = get(client, minh, reverse("units:tree") + f"?on={ON}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ủy ban nhân dân xã Yên Nghiệp" in html
    assert "Mai Châu" not in html


def test_the_provincial_officer_browses_departments_and_districts(client, hoa):
    html = get(client, hoa, reverse("units:tree") + f"?on={ON}").content.decode()
    assert "Sở Tư pháp" in html
    assert "huyện Mai Châu" in html


@pytest.mark.parametrize("person", ["lan", "tuan"])
def test_reporters_do_not_browse_the_tree(request, client, person):
    user = request.getfixturevalue(person)
    assert get(client, user, reverse("units:tree")).status_code == 404
    assert get(client, user, reverse("units:search") + "?q=lac").status_code == 404


def test_search_without_diacritics_finds_the_commune(client, minh):
    page = get(client, minh, reverse("units:search") + f"?q=yen+nghiep&on={ON}", HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert "Ủy ban nhân dân xã Yên Nghiệp" in page.content.decode()
    assert "<html" not in page.content.decode()  # an htmx fragment


def test_search_never_shows_another_districts_communes(client, minh):
    page = get(client, minh, reverse("units:search") + f"?q=mai+chau&on={ON}", HTTP_HX_REQUEST="true")
    assert "Mai Châu" not in page.content.decode()


def test_search_without_htmx_renders_the_whole_page(client, hoa):
    page = get(client, hoa, reverse("units:search") + f"?q=lac+son&on={ON}")
    assert "<html" in page.content.decode()
    assert "Lạc Sơn" in page.content.decode()


def test_children_fragment_lists_the_units_below(client, hoa):
    page = get(client, hoa, reverse("units:children", args=["D157"]) + f"?on={ON}")
    html = page.content.decode()
    assert "Yên Nghiệp" in html and "Ân Nghĩa" in html


def test_children_of_another_district_are_not_found(client, minh):
    assert get(client, minh, reverse("units:children", args=["D156"]) + f"?on={ON}").status_code == 404


@pytest.mark.parametrize(
    ("person", "code", "status"),
    [
        pytest.param("lan", "W05341", 200, id="reporter-own-unit"),
        pytest.param("lan", "D157", 404, id="reporter-unit-above"),
        pytest.param("lan", "W05200", 404, id="reporter-unrelated-unit"),
        pytest.param("minh", "D157", 200, id="reviewer-own-unit"),
        pytest.param("minh", "W05341", 200, id="reviewer-unit-below"),
        pytest.param("minh", "W05200", 404, id="reviewer-unrelated-unit"),
        pytest.param("tuan", "P17-STP", 200, id="department-reporter-own-unit"),
        pytest.param("tuan", "P17", 404, id="department-reporter-province"),
        pytest.param("quan", "W05200", 200, id="admin-any-unit"),
        pytest.param("hoa", "NOPE", 404, id="unknown-code"),
    ],
)
def test_unit_page_access(request, client, person, code, status):
    user = request.getfixturevalue(person)
    assert get(client, user, reverse("units:detail", args=[code]) + f"?on={ON}").status_code == status


def test_the_unit_page_says_what_the_user_may_do(client, minh):
    html = get(client, minh, reverse("units:detail", args=["W05341"]) + f"?on={ON}").content.decode()
    assert "thẩm định báo cáo của đơn vị này" in html


def test_the_unit_page_hides_a_parent_the_user_may_not_see(client, lan):
    html = get(client, lan, reverse("units:detail", args=["W05341"]) + f"?on={ON}").content.decode()
    assert reverse("units:detail", args=["D157"]) not in html


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    page = client.get(reverse("units:tree"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_the_tree_page_query_count_does_not_grow_with_units(client, hoa, django_assert_max_num_queries):
    client.force_login(hoa)
    with django_assert_max_num_queries(8):
        client.get(reverse("units:tree") + f"?on={ON}")
