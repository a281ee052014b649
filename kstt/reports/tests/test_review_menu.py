"""Issue 13, point 15 (the menu entry): a reviewer's menu says how many reports wait for her or his review.

"Xem xét" with a badge counting the reports sent to the reviewer's unit whose latest version waits for a
decision (every period), leading to the list of the oldest period with one waiting; one query a page, and
only for reviewers.
"""

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.reports import selectors, services
from kstt.reports.choices import ReportStatus
from kstt.reports.context_processors import ReviewEntry
from kstt.reports.models import ReportInstance, ReportVersion
from kstt.tests.cast import AT, NOW
from kstt.tests.test_vietnamese_walk import _a_report_returned_and_sent_again


def test_a_returned_report_sent_again_waits_and_an_accepted_one_no_longer(cast, kstt_report, lan, minh, hoa):
    _a_report_returned_and_sent_again(cast, kstt_report, lan, minh)  # version 1 returned, version 2 waiting
    assert selectors.waiting_for_review(recipient_id=minh.unit_id) == selectors.Waiting(1, "2021Q3")
    assert selectors.waiting_for_review(recipient_id=hoa.unit_id) == selectors.Waiting(0, None)  # not sent to her
    services.accept(version=ReportVersion.objects.get(number=2), at=NOW, actor=minh)
    assert selectors.waiting_for_review(recipient_id=minh.unit_id) == selectors.Waiting(0, None)


def test_every_period_counts_and_the_entry_leads_to_the_oldest(cast, kstt_report, lan, minh):
    """Ân Nghĩa's Q2 report waits too (its submission is not the point here: its status is set as it would be)."""
    _a_report_returned_and_sent_again(cast, kstt_report, lan, minh)
    hung = save_user(username="hung", full_name="Đinh Văn Hùng", unit=cast["W05344"], roles={Role.REPORTER},
                     password=None, at=AT)  # fmt: skip
    q2 = services.open_instance(unit=cast["W05344"], report_type=kstt_report, period="2021Q2", at=NOW, actor=hung)
    ReportInstance.objects.filter(pk=q2.pk).update(status=ReportStatus.SUBMITTED, first_submitted_at=NOW)
    assert selectors.waiting_for_review(recipient_id=minh.unit_id) == selectors.Waiting(2, "2021Q2")


def test_the_count_is_one_query_asked_once_a_page(cast, kstt_report, lan, minh, django_assert_num_queries):
    _a_report_returned_and_sent_again(cast, kstt_report, lan, minh)
    entry = ReviewEntry(minh)
    with django_assert_num_queries(1):
        assert entry.shown
        assert entry.waiting.count == 1
        assert entry.waiting.count == 1


def test_minhs_menu_counts_and_links_to_what_waits(client, cast, kstt_report, lan, minh, settings):
    settings.KSTT_CLOCK = NOW
    _a_report_returned_and_sent_again(cast, kstt_report, lan, minh)
    client.force_login(minh)
    page = client.get("/").content.decode()
    assert 'href="/review/?status=waiting&amp;period=2021Q3">Xem xét' in page
    assert 'data-testid="review-count">1<span class="visually-hidden"> chờ bạn xem xét</span>' in page


def test_nothing_waiting_shows_the_entry_without_a_number(client, cast, kstt_report, hoa, settings):
    settings.KSTT_CLOCK = NOW
    client.force_login(hoa)
    page = client.get("/").content.decode()
    assert 'data-testid="nav-review" href="/review/">Xem xét</a>' in page
    assert 'data-testid="review-count"' not in page


def test_reporters_and_administrators_have_no_review_entry(client, cast, kstt_report, lan, quan, settings):
    settings.KSTT_CLOCK = NOW
    for person in (lan, quan):
        client.force_login(person)
        assert "nav-review" not in client.get("/").content.decode()
