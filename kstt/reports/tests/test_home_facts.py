"""The home pages from real facts: Lan's "what I owe" says where each report stands (not started,
draft, submitted, returned, accepted); Minh's home counts, per period, the communes that submitted,
wait for review, were returned, were accepted, have not sent, each number a link to that list."""

import re

import pytest
from django.urls import reverse

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.reports import services
from kstt.reports.tests.review_story import REVIEW_DAY, SUBMITTED, submitted
from kstt.tests.cast import AT


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = REVIEW_DAY


def row(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</tr>", start)]


def test_lans_year_shows_where_each_report_stands(client, lan, minh, commune_yen_nghiep, kstt_report):
    _, version = submitted(commune_yen_nghiep, kstt_report, lan, period="2021Q2", at=AT)
    services.return_report(version=version, reasons=["outline"], at=SUBMITTED, actor=minh)
    services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=SUBMITTED, actor=lan)
    client.force_login(lan)
    html = client.get(reverse("home") + "?year=2021").content.decode()
    assert "Bị trả lại" in row(html, "owed-W05341-2021Q2")
    assert "Bản nháp" in row(html, "owed-W05341-2021Q3")
    assert "Chưa lập" in row(html, "owed-W05341-2021Q4")
    assert "16/09/2021" in row(html, "owed-W05341-2021Q3")  # the deadline columns are still there


@pytest.mark.parametrize(
    ("decision", "label"), [("accept", "Đã tiếp nhận"), (None, "Đã gửi")], ids=["accepted", "submitted"]
)
def test_a_submitted_or_accepted_report_says_so(client, lan, minh, commune_yen_nghiep, kstt_report, decision, label):
    _, version = submitted(commune_yen_nghiep, kstt_report, lan)
    if decision:
        services.accept(version=version, at=REVIEW_DAY, actor=minh)
    client.force_login(lan)
    html = client.get(reverse("home") + "?year=2021").content.decode()
    assert label in row(html, "owed-W05341-2021Q3")


def counts(html: str, period: str) -> dict[str, str]:
    cells = row(html, f"counts-{period}")
    return dict(re.findall(r'href="[^"]*status=(\w+)" data-testid="[\w-]+">(\d+)</a>', cells))


@pytest.fixture
def nga(cast):
    return save_user(username="nga", full_name="Hà Thị Nga", unit=cast["W05344"], roles={Role.REPORTER},
                     password="x" * 12, at=AT)  # fmt: skip


def test_minhs_home_counts_his_communes_per_period_with_links(client, lan, nga, minh, cast, kstt_report):
    submitted(cast["W05341"], kstt_report, lan)
    _, version = submitted(cast["W05344"], kstt_report, nga)
    services.return_report(version=version, reasons=["forms"], at=REVIEW_DAY, actor=minh)
    _, q2 = submitted(cast["W05341"], kstt_report, lan, period="2021Q2", at=AT)
    services.accept(version=q2, at=SUBMITTED, actor=minh)
    client.force_login(minh)
    html = client.get(reverse("home") + "?period=2021Q3").content.decode()
    assert counts(html, "2021Q3") == {
        "submitted": "2",
        "waiting": "1",
        "returned": "1",
        "accepted": "0",
        "not_sent": "0",
    }
    assert counts(html, "2021Q2") == {
        "submitted": "1",
        "waiting": "0",
        "returned": "0",
        "accepted": "1",
        "not_sent": "1",
    }
    assert counts(html, "2021Q1")["not_sent"] == "2"
    assert reverse("review:list") + "?period=2021Q3&amp;status=waiting" in html
    assert "Chờ xem xét" in html
    # and the list behind a number shows those units
    listed = client.get(reverse("review:list") + "?period=2021Q2&status=not_sent").content.decode()
    assert "review-row-W05344" in listed and "review-row-W05341" not in listed
    # the table of the units below says where each report stands
    assert "Bị trả lại" in row(html, "owed-W05344-2021Q3")


def test_the_home_page_makes_a_fixed_number_of_queries(
    client, lan, nga, minh, cast, kstt_report, django_assert_max_num_queries
):
    client.force_login(minh)
    client.get(reverse("home") + "?period=2021Q3")  # warm the caches (catalogue, session)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("home") + "?period=2021Q3")
    baseline = len(few.captured_queries)
    submitted(cast["W05341"], kstt_report, lan, explanation="Theo sổ theo dõi")
    for period in ("2021Q1", "2021Q2"):
        submitted(cast["W05344"], kstt_report, nga, period=period, at=AT, explanation="Theo sổ theo dõi")
    with django_assert_max_num_queries(baseline):
        client.get(reverse("home") + "?period=2021Q3")
    client.force_login(lan)
    client.get(reverse("home") + "?year=2021")
    with django_assert_max_num_queries(30):
        client.get(reverse("home") + "?year=2021")


def test_a_report_sent_is_judged_by_its_submitted_time_not_the_clock(
    client, lan, minh, commune_yen_nghiep, kstt_report
):
    """Q2 sent on 01/07 (deadline 16/06): late; Q3 sent on 15/09 (deadline 16/09): on time — seen on 20/09."""
    submitted(commune_yen_nghiep, kstt_report, lan, period="2021Q2", at=AT, explanation="Theo sổ")
    submitted(commune_yen_nghiep, kstt_report, lan, period="2021Q3", at=SUBMITTED, explanation="Theo sổ")
    client.force_login(lan)
    html = client.get(reverse("home") + "?year=2021").content.decode()
    assert "Chậm" in row(html, "owed-W05341-2021Q2")
    assert "Đúng hạn" in row(html, "owed-W05341-2021Q3")
    assert "Không gửi" in row(html, "owed-W05341-2021Q1")  # never sent: still so
    assert "Quá hạn, chưa gửi" not in row(html, "owed-W05341-2021Q3")
    client.force_login(minh)
    below = client.get(reverse("home") + "?period=2021Q3").content.decode()
    assert "Đúng hạn" in row(below, "owed-W05341-2021Q3")
