"""Lan's form 06 starts from her commune's dossiers: typing a different value in a cell reveals, without
a reload, the value computed from the dossiers (a link to them) and the reason to give (forms.md R8)."""

import pytest
from playwright.sync_api import expect

from kstt.dossiers.services import push_dossiers
from kstt.reports.models import Draft
from kstt.reports.tests.test_prefill import DOSSIERS
from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import AT, NOW

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


def test_typing_over_a_prefilled_cell_reveals_the_computed_value_and_the_reason(page, live_server, lan, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/reports/W05341/2021Q3/")
    cell = page.get_by_test_id("cell-06-HT-received_total")
    expect(cell).to_have_value("3")
    expect(page.get_by_test_id("recon-06-HT-received_total")).to_have_count(0)

    cell.fill("4")
    recon = page.get_by_test_id("recon-06-HT-received_total")
    expect(recon).to_be_visible()
    expect(recon.locator("a")).to_have_text("hồ sơ: 3")
    expect(recon.locator("a")).to_have_attribute(
        "href", "/units/W05341/form06/cell/?period=2021Q3&row=HT&column=received_total"
    )
    reason = page.get_by_test_id("reason-06-HT-received_total")
    expect(reason).to_be_visible()
    expect(page.get_by_test_id("recon-06-HT-received_online")).to_have_count(0)  # unchanged: nothing extra

    reason.fill("Bổ sung hồ sơ giấy")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("reason-06-HT-received_total")).to_have_value("Bổ sung hồ sơ giấy")
    draft = Draft.objects.get(instance__unit__code="W05341", instance__period="2021Q3")
    assert draft.reasons == {"06/VPCP/KSTT": {"HT": {"received_total": "Bổ sung hồ sơ giấy"}}}

    page.get_by_test_id("cell-06-HT-received_total").fill("3")  # back to the dossiers' figure
    expect(page.get_by_test_id("recon-06-HT-received_total")).to_be_hidden()
