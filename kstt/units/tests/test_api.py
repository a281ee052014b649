"""/api/units/: the same access helper as the pages."""

import pytest
from django.urls import reverse

ON = "2021-09-01"


def test_anonymous_callers_are_refused(client, cast):
    """401 naming the token scheme (DRF's TokenAuthentication comes first), in the API's error shape."""
    response = client.get(reverse("api-units"))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_reviewer_lists_their_subtree(client, minh):
    client.force_login(minh)
    body = client.get(reverse("api-units") + f"?on={ON}").json()
    assert [u["code"] for u in body["results"]] == ["D157", "W05341", "W05344"]
    assert body["results"][1] == {
        "code": "W05341",
        "name": "Ủy ban nhân dân xã Yên Nghiệp",
        "level": "commune",
        "kind": "xã",
        "parent_code": "D157",
        "valid_from": None,
        "valid_until": None,
    }


def test_search_ignores_diacritics(client, hoa):
    client.force_login(hoa)
    body = client.get(reverse("api-units") + f"?on={ON}&q=an+nghia").json()
    assert [u["code"] for u in body["results"]] == ["W05344"]


def test_a_reporter_lists_only_their_unit_and_cannot_search(client, lan):
    client.force_login(lan)
    assert [u["code"] for u in client.get(reverse("api-units")).json()["results"]] == ["W05341"]
    assert client.get(reverse("api-units") + "?q=lac").json()["results"] == []


@pytest.mark.parametrize(
    ("person", "code", "status"),
    [("minh", "W05341", 200), ("minh", "W05200", 404), ("lan", "D157", 404), ("quan", "W05200", 200)],
)
def test_unit_detail_access(request, client, person, code, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("api-unit", args=[code]) + f"?on={ON}").status_code == status


def test_unit_detail_has_children_history_and_access(client, hoa):
    client.force_login(hoa)
    body = client.get(reverse("api-unit", args=["D157"]) + f"?on={ON}").json()
    assert [c["code"] for c in body["children"]] == ["W05341", "W05344"]
    assert len(body["history"]) == 1
    assert body["access"] == {"view": True, "report": False, "review": True}


def test_the_openapi_schema_describes_the_units_endpoints(client, hoa):
    client.force_login(hoa)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/units/" in schema["paths"]
    assert "/api/units/{code}/" in schema["paths"]
