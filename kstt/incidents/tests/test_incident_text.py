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
