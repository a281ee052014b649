"""Minh reads a report before he decides (issue 13 point 15): whether it came on time, the report before the
decision, each unchanged section once, the forms numbered and named as printed, every finding in words,
and a decision that is recorded only once he has confirmed it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from kstt.catalogue.rules.periods import Period
from kstt.incidents.services import record_incident
from kstt.reports import selectors, services
from kstt.reports.models import Review
from kstt.reports.tests.review_story import BROKEN, GOOD, LATER, REVIEW_DAY, fill, submitted
from kstt.reports.tests.test_review_pages import detail, post
from kstt.tests.test_vietnamese_walk import visible_text

FORM = "06/VPCP/KSTT"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = REVIEW_DAY


@pytest.fixture
def report(lan, minh, commune_yen_nghiep, kstt_report):
    report, _ = submitted(commune_yen_nghiep, kstt_report, lan)
    return report


def page(client, report, **query):
    return client.get(detail(report), query).content.decode()


def text(html: str) -> str:
    return " ".join(visible_text(html))


def element(html: str, marker: str, end: str) -> str:
    """The element whose opening tag holds ``marker``, up to ``end``."""
    start = html.rfind("<", 0, html.index(marker))
    return html[start:].split(end)[0]


def scheduled(commune, kstt_report):
    [owed] = [
        o
        for o in selectors.owed_below(
            unit=commune_parent(commune), report_type=kstt_report, period=Period.parse("2021Q3"), now=REVIEW_DAY
        )
        if o.unit.unit_id == commune.pk
    ]
    return owed.schedule.deadline


def commune_parent(commune):
    from kstt.units import selectors as units

    return units.unit_on(commune.code, REVIEW_DAY.date()).parent


# --- Timeliness -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "incident", "said"),
    [
        pytest.param(timedelta(hours=-1), False, "Đúng hạn", id="an-hour-before-the-deadline"),
        pytest.param(timedelta(hours=1), False, "Chậm", id="an-hour-after-the-deadline"),
        pytest.param(timedelta(hours=1), True, "Được gia hạn do sự cố", id="after-it-but-inside-an-incident"),
    ],
)
def test_the_page_says_whether_the_report_came_on_time(
    client, lan, minh, hoa, commune_yen_nghiep, kstt_report, offset, incident, said
):
    due = scheduled(commune_yen_nghiep, kstt_report)
    if incident:  # the system was down over the deadline: it moves to after the incident
        record_incident(start=due - timedelta(hours=3), end=due + timedelta(hours=2), all_units=True, units=[],
                        description="Mất kết nối", at=due - timedelta(hours=3), actor=hoa)  # fmt: skip
    report, _ = submitted(commune_yen_nghiep, kstt_report, lan, at=due + offset)
    client.force_login(minh)
    html = page(client, report)
    line = html[html.index('data-testid="timeliness"') :].split("</p>")[0]
    assert said in text(line)
    sent = (due + offset).astimezone(selectors.clock.province_zone()).strftime("%d/%m/%Y %H:%M")
    assert sent in text(line)  # the submitted time, beside the deadline it is judged against


# --- The order of the page --------------------------------------------------------------------------------


def test_the_decision_comes_after_the_report_and_says_so_at_the_top(client, minh, report):
    client.force_login(minh)
    html = page(client, report)
    flags, narrative, forms, decide = (
        html.index(t)
        for t in ('data-testid="flags-section"', 'data-testid="narrative"', 'data-testid="grid-', 'id="decide"')
    )
    assert flags < narrative < forms < decide
    assert html.index('data-testid="decide-link"') < narrative  # where the decision is, said first


def test_an_unchanged_section_is_shown_once_and_a_changed_one_beside_its_old_text(client, lan, minh, report):
    services.return_report(version=report.versions.get(), reasons=["outline"], at=REVIEW_DAY, actor=minh)
    fill(report, lan, GOOD, at=LATER, narrative={"direction": "Kết quả đã sửa"})
    services.submit(instance=report, at=LATER, actor=lan)
    client.force_login(minh)
    html = page(client, report)
    assert 'data-testid="unchanged-publication"' in html and 'data-testid="previous-publication"' not in html
    assert 'data-testid="previous-direction"' in html and "Kết quả quý III" in html  # the old text, once
    assert 'data-testid="unchanged-direction"' not in html


# --- The forms as printed, the findings in words -----------------------------------------------------------


def test_the_grid_numbers_its_columns_from_1_and_names_the_total_as_printed(client, minh, report):
    client.force_login(minh)
    html = page(client, report)
    numbers = element(html, 'data-testid="column-numbers"', "</tr>")
    assert visible_text(numbers) == [str(n) for n in range(1, 14)]
    total = html[html.index('data-testid="review-row-06-total"') :].split("</tr>")[0]
    assert "Tổng cộng" in visible_text(total) and "Tổng số" not in visible_text(total)
    assert "Hộ tịch" in text(html[html.index('data-testid="review-row-06-HT"') :].split("</tr>")[0])


def test_findings_and_problems_are_said_in_words(client, lan, minh, commune_yen_nghiep, kstt_report):
    report, _ = submitted(
        commune_yen_nghiep, kstt_report, lan, values=BROKEN, explanation="Đang rà soát", narrative={"direction": " "}
    )
    client.force_login(minh)
    html = page(client, report)
    findings = text(html[html.index('data-testid="findings"') :].split("</ul>")[0])
    assert "Biểu 06 · Hộ tịch · Cột 3 — Tổng số: Tổng số hồ sơ nhận giải quyết phải bằng" in findings
    assert "Biểu 06 · Tổng cộng · Cột 3 — Tổng số:" in findings
    for code in ("R1", "R4", "received_total", FORM, " HT "):
        assert code not in f" {findings} "


# --- The list ------------------------------------------------------------------------------------------------


def test_the_lists_badge_says_what_its_tab_says(client, minh, report):
    client.force_login(minh)
    html = client.get(reverse("review:list") + "?period=2021Q3&status=waiting").content.decode()
    row = html[html.index('data-testid="review-row-W05341"') :].split("</tr>")[0]
    assert "Chờ xem xét" in text(row) and "Đã gửi" not in text(row)
    tabs = text(html[html.index('data-testid="review-filters"') :].split("</nav>")[0])
    assert "Chờ xem xét" in tabs


# --- A decision is confirmed ----------------------------------------------------------------------------------


def test_accepting_asks_first_and_records_only_once_confirmed(client, minh, report):
    client.force_login(minh)
    asked = post(client, report, "accept", confirmed=False, version=1, text="Tốt")
    html = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm"' in html
    assert "Tiếp nhận phiên bản 1?" in html and "Tốt" in text(html)  # what will be recorded
    assert 'name="confirmed" value="yes"' in html and 'name="version" value="1"' in html
    report.refresh_from_db()
    assert report.status == "submitted" and not Review.objects.exists()
    assert post(client, report, "accept", version=1, text="Tốt").status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted" and Review.objects.get().text == "Tốt"


def test_returning_asks_first_with_the_reasons_in_words(client, minh, report):
    client.force_login(minh)
    asked = post(client, report, "return", confirmed=False, version=1, reasons=["inaccurate", "outline"], text="Sửa")
    html = asked.content.decode()
    assert asked.status_code == 200 and "Trả lại phiên bản 1 cho đơn vị?" in html
    assert "Số liệu không chính xác" in text(html) and "Không đúng đề cương" in text(html)
    assert html.count('name="reasons"') == 2  # sent again with the confirmation
    report.refresh_from_db()
    assert report.status == "submitted" and not Review.objects.exists()
    assert post(client, report, "return", version=1, reasons=["inaccurate", "outline"], text="Sửa").status_code == 302
    report.refresh_from_db()
    assert report.status == "returned" and Review.objects.get().reasons == ["inaccurate", "outline"]


def test_a_confirmation_that_is_not_the_pages_own_does_not_act(client, minh, report):
    client.force_login(minh)
    url = reverse("review:accept", args=[report.unit.code, report.period])
    for confirmation in ("", "1", "true", "YES"):
        assert client.post(url, {"version": 1, "confirmed": confirmation}).status_code == 200
    report.refresh_from_db()
    assert report.status == "submitted" and not Review.objects.exists()


def test_the_confirmation_page_goes_back_to_the_decision(client, minh, report):
    client.force_login(minh)
    html = post(client, report, "accept", confirmed=False, version=1).content.decode()
    assert f'href="{detail(report)}#decide"' in html
