"""The one-stop system pushes dossiers; scripts read form 06 and the dossiers behind a cell."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.models import Dossier
from kstt.tests.cast import AT
from kstt.tests.tokens import api_key


@pytest.fixture
def feed(province):
    user = save_user(
        username="motcua", full_name="Hệ thống một cửa", unit=None, roles={Role.FEED}, password=None, at=AT
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_the_feed_pushes_a_batch_with_its_token(feed, cast):
    response = feed.post(reverse("api-dossiers"), DOSSIERS, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 8, "updated": 0, "unchanged": 0}
    assert feed.post(reverse("api-dossiers"), {"dossiers": DOSSIERS}, format="json").json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 8,
    }


def test_a_bad_record_refuses_the_whole_batch_with_its_index(feed, cast):
    bad = [*DOSSIERS[:3], {**DOSSIERS[3], "unit_code": "X999"}]
    response = feed.post(reverse("api-dossiers"), bad, format="json")
    assert response.status_code == 400
    assert response.json()["index"] == 3
    assert "unknown unit X999" in response.json()["detail"]
    assert Dossier.objects.count() == 0


def test_a_batch_over_10000_records_is_refused(feed, cast):
    response = feed.post(reverse("api-dossiers"), [DOSSIERS[0]] * 10_001, format="json")
    assert response.status_code == 413
    assert Dossier.objects.count() == 0


def test_a_body_that_is_not_a_list_of_records_is_refused(feed, cast):
    assert feed.post(reverse("api-dossiers"), {"dossier": 1}, format="json").status_code == 400
    assert feed.post(reverse("api-dossiers"), [1, 2], format="json").status_code == 400


@pytest.mark.parametrize("person", ["lan", "minh", "hoa"])
def test_people_without_the_feed_role_cannot_push(request, cast, person):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(person))
    assert client.post(reverse("api-dossiers"), DOSSIERS, format="json").status_code == 403
    assert Dossier.objects.count() == 0


def test_an_anonymous_push_is_refused(cast):
    assert APIClient().post(reverse("api-dossiers"), DOSSIERS, format="json").status_code in (401, 403)


def test_form06_and_the_dossiers_behind_a_cell_through_the_api(feed, minh, kstt_report):
    feed.post(reverse("api-dossiers"), DOSSIERS, format="json")
    client = APIClient()
    client.force_authenticate(minh)
    form = client.get(reverse("api-form06"), {"unit": "D157", "period": "2021Q3"}).json()
    assert form["total"]["received_total"] == 6
    cell = client.get(
        reverse("api-form06-cell"), {"unit": "D157", "period": "2021Q3", "row": "W05344", "column": "13"}
    ).json()
    assert [d["code"] for d in cell["results"]] == ["HS-5"]
    assert client.get(reverse("api-form06"), {"unit": "W05200", "period": "2021Q3"}).status_code == 404
    assert client.get(reverse("api-form06"), {"unit": "D157", "period": "2021Q9"}).status_code == 400
    bad_column = {"unit": "D157", "period": "2021Q3", "row": "total", "column": "99"}
    assert client.get(reverse("api-form06-cell"), bad_column).status_code == 400


def test_every_bad_record_of_a_batch_is_named_with_its_index(feed, cast):
    """What PostgreSQL would refuse with a database error (a 500) is a 400 on every engine, naming
    each bad record; nothing of the batch is stored."""
    bad = [
        {**DOSSIERS[0], "code": "H" * 200},
        DOSSIERS[1],
        {**DOSSIERS[2], "code": "HS-\x00-3"},
        {**DOSSIERS[3], "field_code": "F" * 40},
        {**DOSSIERS[4], "field_code": "ZZZZ"},
        {**DOSSIERS[5], "received_at": "2021-W26-4T08:00:00+07:00"},
        {**DOSSIERS[6], "code": 7},
    ]
    response = feed.post(reverse("api-dossiers"), bad, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["index"], body["reason"]) == (0, "code is 200 characters long (at most 64)")
    assert body["detail"] == "record 0: code is 200 characters long (at most 64)"
    assert body["errors"] == [
        {"index": 0, "reason": "code is 200 characters long (at most 64)"},
        {"index": 2, "reason": "code contains a control character (U+0000)"},
        {"index": 3, "reason": "dossier HS-4: field_code is 40 characters long (at most 32)"},
        {"index": 4, "reason": "dossier HS-5: unknown procedure field ZZZZ (not in the catalogue)"},
        {
            "index": 5,
            "reason": "dossier HS-6: received_at is not an instant written YYYY-MM-DDTHH:MM[:SS[.ffffff]]+HH:MM: "
            "'2021-W26-4T08:00:00+07:00'",
        },
        {"index": 6, "reason": "code is not text (int)"},
    ]
    assert Dossier.objects.count() == 0


def test_a_code_twice_in_one_batch_is_refused(feed, cast):
    response = feed.post(reverse("api-dossiers"), [DOSSIERS[0], DOSSIERS[1], DOSSIERS[0]], format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"index": 2, "reason": "duplicate dossier HS-1 (first at record 0)"}]
    assert Dossier.objects.count() == 0


def test_at_most_100_bad_records_are_listed(feed, cast):
    bad = [{**DOSSIERS[0], "code": f"HS-{i}", "field_code": "ZZZZ"} for i in range(150)]
    response = feed.post(reverse("api-dossiers"), bad, format="json")
    assert response.status_code == 400
    assert len(response.json()["errors"]) == 100
