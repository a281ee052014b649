"""Hoa, the provincial KSTT officer, records, edits and closes incidents; others cannot."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kstt.audit.models import AuditEntry
from kstt.incidents.models import Incident


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def record(client, **overrides):
    data = {
        "start": "2021-09-20T14:00",
        "end": "2021-09-20T18:30",
        "all_units": "",
        "units": [],
        "description": "Mất kết nối",
        **overrides,
    }
    return client.post(reverse("incidents:new"), data)


def test_hoa_records_an_incident_in_local_time_with_evidence(client, hoa, dept_justice):
    client.force_login(hoa)
    evidence = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    page = record(client, units=[dept_justice.pk], evidence=evidence)
    incident = Incident.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert incident.start == datetime(2021, 9, 20, 7, 0, tzinfo=UTC)  # 14:00 in Hà Nội
    assert list(incident.units.values_list("code", flat=True)) == ["P17-STP"]
    assert incident.recorded_by == hoa
    assert AuditEntry.objects.filter(event="incidents.recorded", target_id=str(incident.pk)).exists()
    download = client.get(reverse("incidents:evidence", args=[incident.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"


def test_an_incident_without_units_or_all_units_is_refused(client, hoa):
    client.force_login(hoa)
    page = record(client)
    assert page.status_code == 200
    assert "Hãy chọn các đơn vị bị ảnh hưởng" in page.content.decode()
    assert Incident.objects.count() == 0


def test_an_incident_that_ends_before_it_starts_is_refused(client, hoa):
    client.force_login(hoa)
    page = record(client, all_units="on", end="2021-09-20T10:00")
    assert page.status_code == 200
    assert Incident.objects.count() == 0


def test_hoa_closes_an_open_incident(client, hoa):
    client.force_login(hoa)
    record(client, all_units="on", end="")
    incident = Incident.objects.get()
    assert incident.is_open
    client.post(reverse("incidents:close", args=[incident.pk]), {"end": "2021-09-21T09:15"})
    incident.refresh_from_db()
    assert incident.end == datetime(2021, 9, 21, 2, 15, tzinfo=UTC)


def test_hoa_edits_the_scope(client, hoa, dept_justice, district_lac_son):
    client.force_login(hoa)
    record(client, units=[dept_justice.pk])
    incident = Incident.objects.get()
    client.post(
        reverse("incidents:edit", args=[incident.pk]),
        {"start": "2021-09-20T14:00", "end": "2021-09-20T18:30", "units": [district_lac_son.pk], "description": "Sửa"},
    )
    assert list(incident.units.values_list("code", flat=True)) == ["D157"]
    assert AuditEntry.objects.filter(event="incidents.updated").count() == 1


def test_the_administrator_manages_incidents_too(client, quan):
    client.force_login(quan)
    assert client.get(reverse("incidents:list")).status_code == 200


@pytest.mark.parametrize("person", ["lan", "minh", "tuan"])
def test_reporters_and_district_reviewers_cannot_manage_incidents(request, client, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("incidents:list")).status_code == 404
    assert record(client, all_units="on").status_code == 404
    assert Incident.objects.count() == 0


def test_a_reporter_sees_an_incident_that_touches_his_unit_but_not_others(client, hoa, tuan, lan, dept_justice):
    client.force_login(hoa)
    record(client, units=[dept_justice.pk])
    incident = Incident.objects.get()
    client.force_login(tuan)
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 200
    assert client.post(reverse("incidents:close", args=[incident.pk]), {"end": "2021-09-21T09:15"}).status_code == 404
    client.force_login(lan)
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404


def test_the_new_incident_form_starts_with_no_scope_chosen(client, hoa):
    client.force_login(hoa)
    html = client.get(reverse("incidents:new")).content.decode()
    checkbox = html[html.index('name="all_units"') - 80 : html.index('name="all_units"') + 80]
    assert "checked" not in checkbox
    assert "selected" not in html[html.index('name="units"') :].split("</select>")[0]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param(
            {"start": "2021-09-20T15:01"}, "start", "không thể bắt đầu trong tương lai", id="starts-in-a-minute"
        ),
        pytest.param({"end": "2021-09-20T15:01"}, "end", "không thể kết thúc trong tương lai", id="ends-in-a-minute"),
    ],
)
def test_an_incident_in_the_future_is_refused(client, hoa, settings, fields, field, message):
    settings.KSTT_CLOCK = datetime(2021, 9, 20, 8, 0, tzinfo=UTC)  # 15:00 in Hà Nội, 20/09/2021
    client.force_login(hoa)
    data = {"start": "2021-09-20T14:00", "end": "", "all_units": "on", "description": "Mất kết nối", **fields}
    page = client.post(reverse("incidents:new"), data)
    assert page.status_code == 200
    assert message in " ".join(page.context["form"].errors[field])
    assert "20/09/2021 15:00" in page.content.decode()
    assert Incident.objects.count() == 0


def test_an_incident_up_to_now_is_recorded(client, hoa, settings):
    settings.KSTT_CLOCK = datetime(2021, 9, 20, 8, 0, tzinfo=UTC)
    client.force_login(hoa)
    page = record(client, all_units="on", start="2021-09-20T14:00", end="2021-09-20T15:00")
    assert page.status_code == 302
    assert Incident.objects.get().end == settings.KSTT_CLOCK


def test_an_incident_cannot_be_closed_in_the_future(client, hoa, settings):
    settings.KSTT_CLOCK = datetime(2021, 9, 21, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
    client.force_login(hoa)
    record(client, all_units="on", end="")
    incident = Incident.objects.get()
    page = client.post(reverse("incidents:close", args=[incident.pk]), {"end": "2021-09-21T10:01"}, follow=True)
    assert "không thể kết thúc trong tương lai" in page.content.decode()
    incident.refresh_from_db()
    assert incident.is_open
