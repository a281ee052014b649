"""An incident's description holds only text every engine stores alike (issue 13, point 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kstt.incidents import services
from kstt.incidents.models import Incident
from kstt.incidents.tests.test_incident_pages import record
from kstt.tests.cast import NOW


def test_a_nul_in_the_description_is_refused_by_the_page(client, hoa):
    client.force_login(hoa)
    page = record(client, all_units="on", description="Mất\x00 kết nối")
    assert page.status_code == 200 and reverse("incidents:new") in page.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.parametrize("description", ["Mất\x00 kết nối", "Mất kết nối \udc80"])
def test_the_service_refuses_what_cannot_be_stored_whoever_calls_it(hoa, description):
    with pytest.raises(services.IncidentError, match="the description holds a"):
        services.record_incident(start=NOW, end=None, all_units=True, units=[], description=description, at=NOW,
                                 actor=hoa)  # fmt: skip
    assert not Incident.objects.exists()


@pytest.mark.parametrize("description", ["", "   ", "\u200b\u200b", "\ufeff\u00a0\u3000", "\u0301"])
def test_a_description_that_shows_nothing_is_no_description(hoa, description):
    with pytest.raises(services.IncidentError, match="describe the incident"):
        services.record_incident(start=NOW, end=None, all_units=True, units=[], description=description, at=NOW,
                                 actor=hoa)  # fmt: skip
    assert not Incident.objects.exists()


def test_the_page_refuses_an_invisible_description(client, hoa):
    client.force_login(hoa)
    page = record(client, all_units="on", description="\u200b\u2060")
    assert page.status_code == 200 and reverse("incidents:new") in page.content.decode()
    assert not Incident.objects.exists()


def test_a_file_line_with_an_invisible_description_is_refused_with_its_line():
    from kstt.incidents.rules import IncidentFileError, parse_incident_rows

    with pytest.raises(IncidentFileError, match="line 2: empty description"):
        parse_incident_rows(["start", "end", "scope", "description"],
                            [{"start": "2021-09-10T08:00:00+07:00", "end": "", "scope": "all",
                              "description": "\u200b"}], known_codes=set(), now=NOW)  # fmt: skip
