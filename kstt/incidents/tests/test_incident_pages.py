"""Hoa, the provincial KSTT officer, records, edits and closes incidents; others cannot."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kstt.audit.models import AuditEntry
from kstt.incidents.models import Incident
from kstt.tests.cast import AT
from kstt.tests.ledger_cost import confirm
from kstt.units.models import Unit
from kstt.units.services import load_units

DA_BAC = "code,name,level,kind,parent_code\nD148,Ủy ban nhân dân huyện Đà Bắc,district,huyện,P17\n"


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
    # Today (the real clock) every line since 20/09/2021 is final: an incident still open holds them all open.
    confirm(client, record(client, all_units="on", end=""))
    incident = Incident.objects.get()
    assert incident.is_open
    confirm(client, client.post(reverse("incidents:close", args=[incident.pk]), {"end": "2021-09-21T09:15"}))
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
    picker = html[html.index('data-testid="unit-picker"') :].split("</form>")[0]
    assert 'name="units"' in picker and "checked" not in picker
    assert "data-unit-count>0<" in picker


def unit_boxes(html: str) -> dict[str, bool]:
    """Each unit's checkbox in the picker: its label, and whether it is ticked."""
    found = re.findall(
        r'<input class="form-check-input" type="checkbox" name="units" value="(\d+)" id="[^"]+"( checked)?>\s*'
        r'<label class="form-check-label" for="[^"]+">([^<]+)</label>',
        html,
    )
    return {label: bool(checked) for _, checked, label in found}


def chosen(html: str) -> list[str]:
    listed = html[html.index('data-testid="chosen-units"') :].split("</ul>")[0]
    return [unescape(text.strip()) for text in re.findall(r"<li[^>]*data-unit-chip[^>]*>([^<]+)</li>", listed)]


def test_without_javascript_the_picker_is_the_plain_list_of_every_unit(client, hoa):
    """The search box is hidden until unit_picker.js shows it: without scripts, every unit in force today
    is a checkbox, grouped by level, named with its code."""
    client.force_login(hoa)
    html = client.get(reverse("incidents:new")).content.decode()
    boxes = unit_boxes(html)
    assert set(boxes) == {
        "Ủy ban nhân dân tỉnh Hòa Bình (P17)", "Sở Tư pháp (P17-STP)", "Ủy ban nhân dân huyện Lạc Sơn (D157)",
        "Ủy ban nhân dân huyện Mai Châu (D156)", "Ủy ban nhân dân xã Yên Nghiệp (W05341)",
        "Ủy ban nhân dân xã Ân Nghĩa (W05344)", "Ủy ban nhân dân thị trấn Mai Châu (W05200)",
    }  # fmt: skip
    assert not any(boxes.values())
    search = re.search(r'<input type="search"[^>]*data-testid="unit-picker-search"[^>]*>', html).group(0)
    assert " hidden " in search
    assert html.index("Cấp huyện") < html.index("Ủy ban nhân dân huyện Lạc Sơn (D157)") < html.index("Cấp xã")
    assert "/static/kstt/unit_picker.js" in html


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        pytest.param("20/09/2021 14:00", "20/09/2021 14:00", id="typed-day-first"),
        pytest.param("2021-09-20T14:00", "20/09/2021 14:00", id="typed-iso"),
        pytest.param("20/9/2021 14:00", "20/09/2021 14:00", id="typed-without-zeros"),
        pytest.param("hôm qua", "hôm qua", id="not-a-time-as-typed"),
    ],
)
def test_a_refused_incident_comes_back_with_its_times_day_first(client, hoa, typed, shown):
    client.force_login(hoa)
    page = record(client, start=typed, end="20/09/2021 18:30")  # no unit chosen: refused
    assert page.status_code == 200 and Incident.objects.count() == 0
    html = page.content.decode()
    assert f'name="start" value="{shown}"' in html
    assert 'name="end" value="20/09/2021 18:30"' in html


def test_a_refused_incident_keeps_its_units_chosen_and_listed_above_the_search(client, hoa, dept_justice, province):
    client.force_login(hoa)
    yen_nghiep = Unit.objects.get(code="W05341")
    page = record(client, units=[yen_nghiep.pk, dept_justice.pk], description="")  # no description: refused
    assert page.status_code == 200 and Incident.objects.count() == 0
    html = page.content.decode()
    assert chosen(html) == ["Sở Tư pháp (P17-STP)", "Ủy ban nhân dân xã Yên Nghiệp (W05341)"]
    assert "data-unit-count>2<" in html
    boxes = unit_boxes(html)
    assert boxes["Sở Tư pháp (P17-STP)"] and boxes["Ủy ban nhân dân xã Yên Nghiệp (W05341)"]
    assert sum(boxes.values()) == 2
    assert html.index('data-testid="chosen-units"') < html.index('data-testid="unit-picker-search"')
    assert html.index('data-testid="unit-picker-search"') < html.index('data-testid="unit-options"')


def test_editing_an_incident_lists_its_units_as_chosen(client, hoa, dept_justice, district_lac_son):
    client.force_login(hoa)
    record(client, units=[dept_justice.pk, district_lac_son.pk])
    html = client.get(reverse("incidents:edit", args=[Incident.objects.get().pk])).content.decode()
    assert chosen(html) == ["Sở Tư pháp (P17-STP)", "Ủy ban nhân dân huyện Lạc Sơn (D157)"]  # by level


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        pytest.param("yen nghiep", ["W05341"], id="without-diacritics"),
        pytest.param("YÊN NGHIỆP", ["W05341"], id="with-diacritics-in-capitals"),
        pytest.param("nghiep yen", ["W05341"], id="words-in-any-order"),
        pytest.param("an nghia", ["W05344"], id="a-letter-with-two-marks"),
        pytest.param("đ157", ["D157"], id="d-with-stroke-is-d"),
        pytest.param("mai chau", ["D156", "W05200"], id="a-district-and-its-town"),
        pytest.param("p17", ["P17", "P17-STP"], id="by-code"),
        pytest.param("lac son xa", [], id="every-word-must-match"),
        pytest.param("   ", [], id="nothing-typed"),
    ],
)
def test_the_unit_picker_finds_units_by_name_or_code_diacritics_ignored(client, hoa, cast, typed, codes):
    client.force_login(hoa)
    response = client.get(reverse("incidents:unit_matches"), {"q": typed})
    assert response.status_code == 200
    by_id = {unit.pk: code for code, unit in cast.items()}
    assert sorted(by_id[pk] for pk in response.json()["units"]) == codes


def test_the_unit_picker_finds_a_unit_named_with_d_stroke_by_typing_d(client, hoa, cast):
    load_units(data=DA_BAC.encode(), effective_from=None, at=AT, source="test")
    client.force_login(hoa)
    found = client.get(reverse("incidents:unit_matches"), {"q": "da bac"}).json()["units"]
    assert found == [Unit.objects.get(code="D148").pk]


@pytest.mark.parametrize("person", ["lan", "minh", "tuan"])
def test_only_who_manages_incidents_may_search_the_picker(request, client, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("incidents:unit_matches"), {"q": "yen"}).status_code == 404


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
