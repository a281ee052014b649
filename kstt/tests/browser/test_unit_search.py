"""Minh, the Lạc Sơn district reviewer, logs in and finds a commune by typing its name without diacritics."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("correct horse 2021")
    page.get_by_role("button", name="Đăng nhập").click()


def test_minh_finds_yen_nghiep_by_typing_without_diacritics(page, live_server, minh):
    log_in(page, live_server, "minh")
    expect(page.get_by_test_id("whoami")).to_have_text("Trần Văn Minh")
    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.get_by_test_id("unit-search").fill("yen nghiep")
    results = page.get_by_test_id("unit-results")
    expect(results).to_contain_text("Ủy ban nhân dân xã Yên Nghiệp")
    expect(results).to_contain_text("Tìm thấy 1 đơn vị")
    results.get_by_role("link", name="Ủy ban nhân dân xã Yên Nghiệp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ủy ban nhân dân xã Yên Nghiệp")


def test_minh_does_not_find_another_districts_commune(page, live_server, minh):
    log_in(page, live_server, "minh")
    page.goto(f"{live_server.url}/units/")
    page.get_by_test_id("unit-search").fill("mai chau")
    expect(page.get_by_test_id("unit-results")).to_contain_text("Tìm thấy 0 đơn vị")


def test_the_tree_opens_a_district_in_place(page, live_server, hoa):
    log_in(page, live_server, "hoa")
    page.goto(f"{live_server.url}/units/?on=2021-09-01")
    page.get_by_role("listitem").filter(has_text="huyện Lạc Sơn").get_by_role("button").click()
    expect(page.get_by_role("link", name="Ủy ban nhân dân xã Yên Nghiệp")).to_be_visible()
