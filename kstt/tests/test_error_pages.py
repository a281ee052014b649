"""Issue 13, point 16: the error pages people see are KSTT's own, in their language, never Django's debug page.

With DEBUG off (production, and the demo: `make run` serves with KSTT_DEBUG=false), a 404, a 403, a 400 and
a 500 answer KSTT's pages in Vietnamese (English for whom chose it), with no list of the site's addresses,
no traceback and no setting. The 500 page is drawn without a request and without the database (the
database may be what failed); the 403 of a stale form (CSRF) is ours too.
"""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from kstt.tests.test_demo import make_run

#: What Django's debug pages show, that nobody outside the developers may read.
DEBUG_PAGE = ("URLconf", "[name=", "Traceback", "DEBUG = True", "Request Method", "SECRET_KEY", "django")

PAGES = {
    404: ("Không tìm thấy", "Trang này không tồn tại, hoặc bạn không có quyền xem."),
    403: ("Không có quyền truy cập", "Bạn không có quyền mở trang này hoặc thực hiện thao tác này."),
    400: ("Yêu cầu không hợp lệ", "Máy chủ không hiểu được yêu cầu này."),
    500: ("Đã xảy ra lỗi", "Máy chủ gặp lỗi và không trả lời được."),
}
ENGLISH = {
    404: ("Not found", "This page does not exist, or it is not yours to see."),
    403: ("Not allowed", "You may not open this page or do this here."),
    400: ("Bad request", "The server could not understand this request."),
    500: ("Something went wrong", "The server met an error and could not answer."),
}


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def assert_error_page(response, status: int, texts: tuple[str, str]) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    for text in texts:
        assert text in body
    leaked = [word for word in DEBUG_PAGE if word in body]
    assert leaked == [], f"the {status} page shows {leaked}"


def _ask(client: Client, status: int, *, quan=None):
    """The real way to each error: an unknown address, an administration page adding is closed on, a host
    the site does not serve, a view that fails."""
    if status == 404:
        return client.get("/no-such-page/")
    if status == 403:
        client.force_login(quan)
        return client.get("/admin/audit/auditentry/add/")
    if status == 400:
        return client.get("/accounts/login/", HTTP_HOST="attacker.example")
    return client.get("/broken/")


@pytest.mark.urls("kstt.tests.error_urls")
@pytest.mark.parametrize("status", [404, 403, 400, 500])
def test_each_error_answers_our_vietnamese_page(db, quan, status):
    client = Client(raise_request_exception=False)
    assert_error_page(_ask(client, status, quan=quan), status, PAGES[status])


@pytest.mark.urls("kstt.tests.error_urls")
@pytest.mark.parametrize("status", [404, 403, 400, 500])
def test_each_error_page_speaks_english_to_whom_chose_it(db, quan, status, settings):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert_error_page(_ask(client, status, quan=quan), status, ENGLISH[status])


def test_the_404_keeps_the_menu_of_whom_is_logged_in(client, lan):
    client.force_login(lan)
    body = client.get("/no-such-page/").content.decode()
    assert 'data-testid="whoami"' in body and "Không tìm thấy" in body


@pytest.mark.urls("kstt.tests.error_urls")
def test_the_500_page_needs_no_request_and_no_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Đã xảy ra lỗi" in page and "/static/kstt/app.css" in page


@pytest.mark.urls("kstt.tests.error_urls")
def test_a_500_answers_even_when_the_database_is_not_there():
    """No database access allowed in this test: the whole request, 500 page included, never touches it."""
    response = Client(raise_request_exception=False).get("/broken/")
    assert_error_page(response, 500, PAGES[500])


@pytest.mark.urls("kstt.tests.error_urls")
def test_a_database_that_cannot_be_reached_answers_503_try_again_without_the_database():
    """kstt/db_faults.py: a page says so in Vietnamese, the API in its error shape; both say when to retry."""
    client = Client(raise_request_exception=False)
    page = client.get("/unreachable/")
    assert_error_page(page, 503, ("Không kết nối được cơ sở dữ liệu", "Vui lòng quay lại và thử lại sau ít phút"))
    assert page["Retry-After"] == "10" and "5432" not in page.content.decode()
    api = client.get("/api/unreachable/")
    assert (api.status_code, api["Content-Type"], api["Retry-After"]) == (503, "application/json", "10")
    assert api.json()["code"] == "database_unavailable" and "thử lại" in api.json()["detail"]


def test_a_stale_form_answers_our_page_not_djangos(db, lan):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "lan", "password": "correct horse 2021"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in body and "tải lại trang" in body
    assert "CSRF" not in body and "Forbidden" not in body


def test_the_demo_serves_with_debug_off_so_it_shows_these_pages():
    commands = make_run()
    assert "KSTT_DEBUG='false' KSTT_CLOCK='2021-12-20T09:00:00+07:00' .venv/bin/kstt runserver" in commands
    assert "KSTT_DEBUG='true'" in make_run("KSTT_DEBUG=true")


def test_the_demo_with_debug_off_still_serves_its_assets(client, db):
    """WhiteNoise serves the assets from the finders in development whatever DEBUG says (no collectstatic)."""
    for asset in ("kstt/app.css", "vendor/bootstrap/js/bootstrap.bundle.min.js", "kstt/browser_texts.js"):
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200, asset
    assert client.get("/static/axe-core/axe.min.js").status_code == 404  # a test-only asset, never served
