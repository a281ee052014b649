"""Minh (district Lạc Sơn) reviews the reports of his communes: the list, one report with its flags
first, accept, return with reasons, the next version beside the previous one, the report's history.
In the two-level shape (from 1/7/2025) Hoa (the province) reviews a commune instead."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.reports import services
from kstt.reports.models import Review
from kstt.reports.tests.review_story import BROKEN, GOOD, LATER, REVIEW_DAY, ROW, fill, submitted
from kstt.tests.cast import AT
from kstt.units.services import load_units

FORM = "06/VPCP/KSTT"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = REVIEW_DAY


@pytest.fixture
def report(lan, minh, commune_yen_nghiep, kstt_report):
    report, _ = submitted(commune_yen_nghiep, kstt_report, lan)
    return report


@pytest.fixture
def flagged(lan, minh, commune_yen_nghiep, kstt_report):
    report, _ = submitted(commune_yen_nghiep, kstt_report, lan, values=BROKEN, explanation="Số liệu đang rà soát lại")
    return report


def detail(report):
    return reverse("review:detail", args=[report.unit.code, report.period])


def post(client, report, action, *, confirmed=True, **data):
    """A reviewer's decision, confirmed on the confirmation page (the second POST) unless told otherwise."""
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(reverse(f"review:{action}", args=[report.unit.code, report.period]), data)


# --- The list -------------------------------------------------------------------------------------------------


def test_minh_lists_his_communes_reports_for_q3_2021(client, minh, report):
    client.force_login(minh)
    html = client.get(reverse("review:list") + "?period=2021Q3").content.decode()
    assert 'data-testid="review-row-W05341"' in html and 'data-testid="review-row-W05344"' in html
    assert "W05200" not in html  # Mai Châu's commune is not his
    assert "Quý III/2021" in html and "Đã gửi" in html and "Chưa lập" in html
    assert detail(report) in html


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("submitted", "W05341", "W05344"),
        ("waiting", "W05341", "W05344"),
        ("not_sent", "W05344", "W05341"),
    ],
    ids=["submitted", "waiting", "not-sent"],
)
def test_the_list_filters_by_status(client, minh, report, status, shown, hidden):
    client.force_login(minh)
    html = client.get(reverse("review:list") + f"?period=2021Q3&status={status}").content.decode()
    assert f'data-testid="review-row-{shown}"' in html and f'data-testid="review-row-{hidden}"' not in html


def test_returned_and_accepted_filters(client, minh, report):
    version = report.versions.get()
    services.return_report(version=version, reasons=["inaccurate"], at=REVIEW_DAY, actor=minh)
    client.force_login(minh)
    returned = client.get(reverse("review:list") + "?period=2021Q3&status=returned").content.decode()
    accepted = client.get(reverse("review:list") + "?period=2021Q3&status=accepted").content.decode()
    assert 'data-testid="review-row-W05341"' in returned and 'data-testid="review-row-W05341"' not in accepted


def test_flagged_reports_come_first(client, lan, minh, commune_yen_nghiep, cast, kstt_report):
    an_nghia = cast["W05344"]
    nga = save_user(
        username="nga", full_name="Hà Thị Nga", unit=an_nghia, roles={Role.REPORTER}, password="x" * 12, at=AT
    )
    submitted(commune_yen_nghiep, kstt_report, lan)  # W05341: clean
    submitted(an_nghia, kstt_report, nga, values=BROKEN, explanation="Đang rà soát")  # W05344: flagged
    client.force_login(minh)
    html = client.get(reverse("review:list") + "?period=2021Q3").content.decode()
    assert html.index("review-row-W05344") < html.index("review-row-W05341")
    assert "Số liệu không chính xác" in html[html.index("review-row-W05344") : html.index("review-row-W05341")]


def test_an_unsigned_pdf_is_a_flag_the_reviewer_sees_first(client, lan, minh, commune_yen_nghiep, cast, kstt_report):
    """rules.md §4: a scan of the signed paper is accepted, and `unsigned` is a flag of the submission."""
    an_nghia = cast["W05344"]
    nga = save_user(
        username="nga", full_name="Hà Thị Nga", unit=an_nghia, roles={Role.REPORTER}, password="x" * 12, at=AT
    )
    submitted(commune_yen_nghiep, kstt_report, lan)  # W05341: clean, digitally signed
    _report, version = submitted(an_nghia, kstt_report, nga, signed=False)  # W05344: a scan, nothing else wrong
    assert version.flags == ["unsigned"]
    client.force_login(minh)
    listing = client.get(reverse("review:list") + "?period=2021Q3").content.decode()
    assert listing.index("review-row-W05344") < listing.index("review-row-W05341")
    assert "Chưa ký số" in listing[listing.index("review-row-W05344") : listing.index("review-row-W05341")]
    html = client.get(reverse("review:detail", args=["W05344", "2021Q3"])).content.decode()
    checks = html[html.index('data-testid="flags-section"') : html.index('data-testid="narrative"')]
    assert 'data-testid="flag">Chưa ký số<' in checks and 'data-testid="no-flags"' not in checks


def test_an_unknown_status_is_a_clear_400(client, minh, report):
    client.force_login(minh)
    response = client.get(reverse("review:list") + "?period=2021Q3&status=deleted")
    assert response.status_code == 400 and "deleted" in response.content.decode()


def test_the_list_makes_a_fixed_number_of_queries(client, minh, cast, kstt_report, django_assert_max_num_queries):
    for code in ("W05341", "W05344"):
        person = save_user(
            username=f"r{code}", full_name="Người báo cáo", unit=cast[code], roles={Role.REPORTER}, password="x" * 12,
            at=AT,
        )  # fmt: skip
        submitted(cast[code], kstt_report, person)
    client.force_login(minh)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("review:list") + "?period=2021Q3").status_code == 200


# --- One report -----------------------------------------------------------------------------------------------


def test_the_flags_come_first_then_the_narrative_then_the_forms(client, minh, flagged):
    client.force_login(minh)
    html = client.get(detail(flagged)).content.decode()
    flags, narrative, forms = (
        html.index(t) for t in ('data-testid="flags-section"', 'data-testid="narrative"', "grid-")
    )
    assert flags < narrative < forms
    assert "Số liệu không chính xác" in html  # the flag, in Vietnamese
    assert "Số liệu đang rà soát lại" in html  # Lan's explanation
    assert 'data-testid="failing-HT"' in html and 'data-testid="failing-total"' in html  # the failing cells
    assert "Nguyễn Văn Chủ Tịch" in html and "không bị sửa đổi sau khi ký" in html
    assert "15/09/2021 09:30" in html  # the signing time, local
    assert "Tiếp nhận" in html and "Trả lại" in html and "Lý do trả lại" in html


def test_the_review_page_makes_a_fixed_number_of_queries(client, lan, minh, report, django_assert_max_num_queries):
    client.force_login(minh)
    with django_assert_max_num_queries(25) as first:
        client.get(detail(report))
    services.return_report(version=report.versions.get(), reasons=["forms"], at=REVIEW_DAY, actor=minh)
    for _ in range(3):
        fill(report, lan, GOOD, at=REVIEW_DAY)
        version = services.submit(instance=report, at=REVIEW_DAY, actor=lan)
        if version.number < 4:
            services.return_report(version=version, reasons=["forms"], at=REVIEW_DAY, actor=minh)
    with django_assert_max_num_queries(len(first.captured_queries) + 1):  # + the previous version's document
        client.get(detail(report))


def test_a_clean_report_says_every_check_passed(client, minh, report):
    client.force_login(minh)
    html = client.get(detail(report)).content.decode()
    assert 'data-testid="no-flags"' in html and 'data-testid="failing-' not in html
    assert 'data-testid="accept"' in html and 'data-testid="return"' in html


def test_an_unsigned_document_and_one_changed_after_signing_are_flagged(
    client, lan, minh, commune_yen_nghiep, kstt_report
):
    report, _ = submitted(commune_yen_nghiep, kstt_report, lan, signed=False)
    client.force_login(minh)
    html = client.get(detail(report)).content.decode()
    assert 'data-testid="unsigned"' in html and "Chưa ký số" in html


def test_the_document_changed_after_signing_shows_it(client, lan, minh, commune_yen_nghiep, kstt_report):
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=AT, actor=lan)
    fill(report, lan, at=AT)
    services.attach_document(
        instance=report, name="sua.pdf", content=b"%PDF-1.7 changed", at=AT, actor=lan,
        verification={"signed": True, "signatures": [{"signer_common_name": "A", "intact": True,
                      "changed_after_signing": True}]},
    )  # fmt: skip
    services.submit(instance=report, at=AT, actor=lan)
    client.force_login(minh)
    html = client.get(detail(report)).content.decode()
    assert 'data-testid="changed"' in html and "bị sửa đổi sau khi ký" in html


def test_minh_downloads_the_signed_pdf(client, minh, report):
    client.force_login(minh)
    response = client.get(reverse("review:document", args=["W05341", "2021Q3", 1]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_minh_accepts_and_a_second_click_changes_nothing(client, minh, report):
    client.force_login(minh)
    response = post(client, report, "accept", version=1)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"
    again = post(client, report, "accept", version=1)
    assert again.status_code == 302 and Review.objects.count() == 1
    html = client.get(detail(report)).content.decode()
    assert "đã được xem xét" in html and 'data-testid="accept"' not in html  # no decision on a reviewed version


def test_returning_needs_a_reason_from_the_list(client, minh, report):
    client.force_login(minh)
    for data in ({"text": "Sửa lại"}, {"reasons": ["made-up"], "text": "x"}):
        post(client, report, "return", version=1, **data)
    report.refresh_from_db()
    assert report.status == "submitted" and Review.objects.count() == 0
    html = client.get(detail(report)).content.decode()
    assert "Chọn ít nhất một lý do" in html


def test_minh_returns_lan_corrects_and_the_new_version_shows_beside_the_old(client, lan, minh, report):
    client.force_login(minh)
    post(client, report, "return", version=1, reasons=["inaccurate", "outline"], text="Kiểm tra lại số liệu Hộ tịch")
    report.refresh_from_db()
    assert report.status == "returned"
    html = client.get(detail(report)).content.decode()
    assert "Kiểm tra lại số liệu Hộ tịch" in html and "Không đúng đề cương" in html
    assert 'data-testid="accept"' not in html  # returned: nothing to decide until Lan submits again

    corrected = {
        FORM: {
            "HT": ROW | {"pending_in_time": 2, "pending_overdue": 0},
            "total": ROW | {"pending_in_time": 2, "pending_overdue": 0},
        }
    }
    fill(report, lan, corrected, at=LATER, narrative={"direction": "Kết quả đã sửa"})
    services.submit(instance=report, at=LATER, actor=lan)
    html = client.get(detail(report)).content.decode()
    assert 'data-testid="changed-count-06/VPCP/KSTT"' in html and "4 ô thay đổi" in html
    assert html.count('data-changed="1"') == 4
    assert "Kết quả đã sửa" in html and "Kết quả quý III" in html  # the narrative side by side
    assert 'value="2"' in html and 'data-testid="accept"' in html  # the decision is on version 2
    old = client.get(detail(report) + "?version=1").content.decode()
    assert "phiên bản mới nhất là 2" in old and 'data-testid="accept"' not in old


def test_a_decision_on_an_older_version_is_refused(client, lan, minh, report):
    services.return_report(version=report.versions.get(), reasons=["forms"], at=REVIEW_DAY, actor=minh)
    fill(report, lan, GOOD, at=REVIEW_DAY)
    services.submit(instance=report, at=REVIEW_DAY, actor=lan)
    client.force_login(minh)
    post(client, report, "accept", version=1)
    report.refresh_from_db()
    assert report.status == "submitted" and Review.objects.count() == 1
    assert "phiên bản mới hơn" in client.get(detail(report)).content.decode()


def test_a_report_not_yet_submitted_shows_nothing_of_the_draft(client, lan, minh, commune_yen_nghiep, kstt_report):
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=AT, actor=lan)
    fill(report, lan, at=AT, narrative={"results": "Bản nháp bí mật"})
    client.force_login(minh)
    html = client.get(detail(report)).content.decode()
    assert 'data-testid="not-submitted"' in html and "Bản nháp bí mật" not in html
    assert post(client, report, "accept", version=1).status_code == 404


# --- The audit trail ------------------------------------------------------------------------------------------


def test_the_history_says_who_did_what_and_when_in_local_time(client, lan, minh, report):
    services.return_report(version=report.versions.get(), reasons=["incomplete"], at=REVIEW_DAY, actor=minh)
    for person in (minh, lan):
        client.force_login(person)
        html = client.get(reverse("review:history", args=["W05341", "2021Q3"])).content.decode()
        assert "Nguyễn Thị Lan" in html and "Trần Văn Minh" in html
        assert "15/09/2021 10:00" in html  # submitted at 03:00 UTC
        assert "20/09/2021 10:00" in html
        assert "Số liệu không đầy đủ" in html  # the reason
        assert "Biểu 06 · Hộ tịch · Cột 3 — Tổng số: trống → 5" in html  # what changed in the draft, in words
        assert "Gửi phiên bản 1" in html and "Trả lại phiên bản 1 cho đơn vị" in html  # what each entry did
        assert "Các mục đề cương đã sửa: I. Kết quả đạt được; I.1. Công tác chỉ đạo, điều hành" in html
        assert "received_total" not in html.replace('data-testid="entry-', "") and "direction" not in html
        assert html.index("entry-reports.opened") < html.index("entry-reports.returned")


# --- Who may see what -----------------------------------------------------------------------------------------


@pytest.fixture
def hai(district_mai_chau):
    """A reviewer of another district."""
    return save_user(username="hai", full_name="Vũ Văn Hải", unit=district_mai_chau, roles={Role.REVIEWER},
                     password="x" * 12, at=AT)  # fmt: skip


@pytest.fixture
def feed(db):
    return save_user(username="feed", full_name="Một cửa", unit=None, roles={Role.FEED}, password="x" * 12, at=AT)


PAGES = ["detail", "history", "document"]


@pytest.mark.parametrize("who", ["tuan", "hai", "feed", "hoa"])
def test_others_get_404_and_never_data(client, request, report, who):
    client.force_login(request.getfixturevalue(who))
    urls = {
        "detail": detail(report),
        "document": reverse("review:document", args=["W05341", "2021Q3", 1]),
        "history": reverse("review:history", args=["W05341", "2021Q3"]),
    }
    for name, url in urls.items():
        if who == "hoa" and name == "history":
            continue  # the province's reviewers see everything below them, history included
        response = client.get(url)
        assert response.status_code == 404, (who, name)
    for action in ("accept", "return"):
        assert post(client, report, action, version=1, reasons=["forms"]).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_reporter_reads_her_own_history_and_pdf_but_does_not_review(client, lan, report):
    client.force_login(lan)
    assert client.get(reverse("review:history", args=["W05341", "2021Q3"])).status_code == 200
    assert client.get(reverse("review:document", args=["W05341", "2021Q3", 1])).status_code == 200
    assert client.get(detail(report)).status_code == 404
    assert post(client, report, "accept", version=1).status_code == 404
    assert client.get(reverse("review:list")).status_code == 404


@pytest.mark.parametrize("who", ["tuan", "feed", "lan"])
def test_the_list_is_for_reviewers_only(client, request, report, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("review:list") + "?period=2021Q3").status_code == 404


def test_anonymous_is_sent_to_the_login(client, report):
    for url in (
        reverse("review:list"), detail(report), reverse("review:history", args=["W05341", "2021Q3"]),
        reverse("review:document", args=["W05341", "2021Q3", 1]),
    ):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert post(client, report, "accept", version=1).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"


def test_an_unknown_report_or_period_is_404(client, minh, report):
    client.force_login(minh)
    for url in (
        reverse("review:detail", args=["W05341", "2021Q2"]),
        reverse("review:detail", args=["W05341", "2021X9"]),
        reverse("review:detail", args=["NOPE", "2021Q3"]),
        detail(report) + "?version=7",
    ):
        assert client.get(url).status_code == 404


# --- The two-level shape --------------------------------------------------------------------------------------

TWO_LEVELS = "code,name,level,kind,parent_code\nW05341,Ủy ban nhân dân xã Yên Nghiệp,commune,xã,P17\n"


def test_in_the_two_level_shape_hoa_reviews_the_commune_and_minh_cannot(
    client, settings, lan, minh, hoa, commune_yen_nghiep, kstt_report
):
    load_units(data=TWO_LEVELS.encode(), effective_from=date(2025, 7, 1), at=AT, source="reform")
    at = datetime(2025, 9, 15, 3, 0, tzinfo=UTC)
    settings.KSTT_CLOCK = datetime(2025, 9, 20, 3, 0, tzinfo=UTC)
    report, _ = submitted(commune_yen_nghiep, kstt_report, lan, period="2025Q3", at=at)
    client.force_login(minh)
    assert client.get(detail(report)).status_code == 404
    assert post(client, report, "accept", version=1).status_code == 404
    client.force_login(hoa)
    html = client.get(reverse("review:list") + "?period=2025Q3").content.decode()
    assert 'data-testid="review-row-W05341"' in html and detail(report) in html
    assert client.get(detail(report)).status_code == 200
    post(client, report, "return", version=1, reasons=["outline"], text="Theo đề cương mới")
    fill(report, lan, at=settings.KSTT_CLOCK)
    services.submit(instance=report, at=settings.KSTT_CLOCK, actor=lan)
    assert post(client, report, "accept", version=2).status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted" and report.recipient.code == "P17"
