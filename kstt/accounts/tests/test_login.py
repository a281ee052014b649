"""Logging in and out, changing a password, throttling, the language."""

import pytest
from django.urls import reverse

PASSWORD = "correct horse 2021"


def test_the_login_page_is_in_vietnamese(client, db):
    page = client.get(reverse("login"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Hệ thống thông tin báo cáo kiểm soát thủ tục hành chính" in html


def test_an_english_browser_still_gets_vietnamese(client, db):
    assert "Đăng nhập" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()


def test_english_is_available_by_choice(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_lan_logs_in_and_sees_her_commune(client, lan):
    page = client.post(reverse("login"), {"username": "lan", "password": PASSWORD}, follow=True)
    html = page.content.decode()
    assert "Xin chào, Nguyễn Thị Lan" in html
    assert "Ủy ban nhân dân xã Yên Nghiệp" in html
    assert f'href="{reverse("units:tree")}"' not in html  # reporters have no unit tree in their navigation


def test_minh_the_reviewer_has_the_unit_tree_in_his_navigation(client, minh):
    client.force_login(minh)
    assert f'href="{reverse("units:tree")}"' in client.get(reverse("home")).content.decode()


def test_a_wrong_password_is_refused(client, lan):
    page = client.post(reverse("login"), {"username": "lan", "password": "wrong"})
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, lan, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lan", "password": "wrong"})
    page = client.post(reverse("login"), {"username": "lan", "password": PASSWORD})
    assert page.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, lan):
    client.force_login(lan)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_a_user_changes_their_password(client, lan):
    client.force_login(lan)
    page = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert page.status_code == 302
    lan.refresh_from_db()
    assert lan.check_password("a new long passphrase")


@pytest.mark.parametrize("url", ["home", "password_change"])
def test_pages_need_a_login(client, db, url):
    assert client.get(reverse(url)).status_code == 302


def test_names_are_shown_family_name_first(lan):
    assert (lan.last_name, lan.first_name, lan.get_full_name()) == ("Nguyễn", "Thị Lan", "Nguyễn Thị Lan")
