"""Lan's form 06 starts from Yên Nghiệp's dossiers (forms.md R8 on the report page): a cell she changes
shows the value computed from the dossiers beside it, a link to those dossiers and a reason to give; the
reason is kept in the draft; at submission the differing cells are listed with the flags, and Minh
reads the computed value and the reason beside each of them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kstt.dossiers.services import push_dossiers
from kstt.reports import prefill
from kstt.reports.models import Draft
from kstt.reports.tests.test_prefill import DOSSIERS
from kstt.reports.tests.test_report_page import FORM, PDF, URL, cells, narrative, post, report
from kstt.tests.cast import AT, NOW

REASON = "r|06/VPCP/KSTT|HT|received_total"
WHY = "Bổ sung 1 hồ sơ giấy chưa nhập phần mềm"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


@pytest.fixture
def lan_client(client, lan, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    client.force_login(lan)
    return client


def prefilled(client, **changed: int) -> dict[str, str]:
    """The cells of the prefilled draft as the page posts them, HT's ``changed`` ones typed over."""
    client.get(URL)  # opening the report prefills it
    values = prefill.computed_values(report())
    return cells("HT", values["HT"] | changed) | cells("CT", values["CT"])


def test_the_prefilled_page_shows_nothing_extra_but_knows_the_computed_values(lan_client):
    html = lan_client.get(URL).content.decode()
    assert 'name="v|06/VPCP/KSTT|HT|received_total" value="3" data-computed="3"' in html
    assert (
        "/units/W05341/form06/cell/?period=2021Q3" in html and "column=received_total" in html
    )  # the link the browser will show
    assert 'data-testid="recon-' not in html and 'name="r|' not in html
    assert 'data-testid="differences"' not in html


def test_a_changed_cell_shows_the_computed_value_with_its_dossiers_and_asks_for_a_reason(lan_client):
    assert post(lan_client, prefilled(lan_client, received_total=4)).status_code == 302
    html = lan_client.get(URL).content.decode()
    box = html[html.index('data-testid="recon-06-HT-received_total"') :][:1200]
    assert "recon-missing" in html[html.index('data-testid="recon-06-HT-received_total"') - 60 :][:80]
    assert "hồ sơ: 3" in box and "column=received_total" in box and "row=HT" in box
    assert f'name="{REASON}" value=""' in box and "Lý do sửa số liệu" in box
    assert 'data-testid="recon-06-HT-received_online"' not in html  # unchanged: nothing extra
    assert 'data-testid="recon-06-CT-' not in html
    listed = html[html.index('data-testid="differences"') :][:1500]
    assert "chưa ghi lý do" in listed and "hồ sơ: 3" in listed  # the R8 "missing reason" finding


def test_the_reason_is_saved_in_the_draft_and_silences_the_missing_reason(lan_client):
    post(lan_client, prefilled(lan_client, received_total=4) | {REASON: f"  {WHY} "})
    draft = Draft.objects.get(instance=report())
    assert draft.reasons == {FORM: {"HT": {"received_total": WHY}}}
    assert not [f for f in prefill.reconciliation_findings(report(), draft.values, draft.reasons) if f.get("missing")]
    html = lan_client.get(URL).content.decode()
    assert f'name="{REASON}" value="{WHY}"' in html
    assert "recon-missing" not in html and "chưa ghi lý do" not in html


def test_back_to_the_computed_value_the_reason_is_dropped(lan_client):
    post(lan_client, prefilled(lan_client, received_total=4) | {REASON: WHY})
    post(lan_client, prefilled(lan_client))  # the page sends no reason for a cell that agrees
    assert Draft.objects.get(instance=report()).reasons == {}
    assert 'data-testid="recon-' not in lan_client.get(URL).content.decode()


def test_at_submission_the_differing_cells_are_listed_with_their_dossiers_and_minh_reads_them(lan_client, client, minh):
    post(lan_client, {}, action="upload", document=PDF)
    data = prefilled(lan_client, received_total=4) | {REASON: WHY} | narrative()
    post(lan_client, data)  # saved: the checks are shown before submitting
    html = lan_client.get(URL).content.decode()
    listed = html[html.index('data-testid="differences"') :][:1500]
    assert "hồ sơ: 3" in listed and "column=received_total" in listed and WHY in listed
    assert post(lan_client, data, action="submit").status_code == 302  # flagged (R1 and R8), one press
    assert report().status == "submitted"
    html = lan_client.get(URL).content.decode()  # read-only now
    assert 'data-testid="version-flags"' in html and 'data-testid="differences"' in html
    client.force_login(minh)
    html = client.get(URL).content.decode()
    box = html[html.index('data-testid="recon-06-HT-received_total"') :][:1000]
    assert "hồ sơ: 3" in box and WHY in box and 'name="r|' not in html
    assert 'data-testid="recon-06-HT-received_online"' not in html
    assert "column=received_total" in html[html.index('data-testid="version-flags"') :]


def test_the_page_reads_in_the_same_number_of_queries_however_many_cells_differ(lan_client):
    post(lan_client, prefilled(lan_client, received_total=4))
    with CaptureQueriesContext(connection) as one:
        assert lan_client.get(URL).status_code == 200
    post(lan_client, prefilled(lan_client, received_total=9, received_online=5, carried_over=4) | {REASON: WHY})
    with CaptureQueriesContext(connection) as many:
        html = lan_client.get(URL).content.decode()
    assert html.count('class="recon') >= 3
    assert len(many) == len(one) <= 35  # one more: the presses of submit that were not a submission (rules.md §4)
