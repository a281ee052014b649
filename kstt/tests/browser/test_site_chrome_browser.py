"""Issue 13, points 15 (the menu's review entry), 17 and 20 (the icon), in chromium: the top menu as people see it.

At an office PC's 1366×768 every role's menu stays on one line, and the language box shows "Tiếng Việt"
whole; on a phone (390×844) the menu folds behind a button that opens it. A reviewer's menu has "Xem xét"
with the number of reports waiting for her or his review, leading to them. Every page names its icon,
and /favicon.ico answers it too.
"""

import pytest
from playwright.sync_api import expect

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.tests.browser.test_accessibility import session_context
from kstt.tests.cast import AT
from kstt.tests.test_vietnamese_walk import province_on_record  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("province_on_record")]

PHONE = {"width": 390, "height": 844}

#: Where each item of the menu bar stands: one line means one vertical centre, and no item's text wrapped.
MENU_LAYOUT = """() => {
  const nav = document.querySelector("nav.navbar");
  const items = [...nav.querySelectorAll(
    ".navbar-brand, .nav-link, [data-testid=language], [data-testid=bell], [data-testid=whoami]"
  )];
  const boxes = items.map(el => {
    const r = el.getBoundingClientRect(), style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    return {
      text: el.innerText.trim(), centre: r.top + r.height / 2, lines: (r.height - padding) / line, visible: r.width > 0,
    };
  });
  const select = nav.querySelector("[data-testid=language]");
  const s = getComputedStyle(select);
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  const room = select.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  const shown = select.options[select.selectedIndex].text;
  const needs = ctx.measureText(shown).width;
  return {boxes, height: nav.getBoundingClientRect().height, language: {shown, needs, room}};
}"""

#: How many lines each element's text takes (the distinct tops of its text's boxes): a table cell is as tall as
#: its row, so its own height does not tell.
TEXT_LINES = """(root, selector) => [...root.querySelectorAll(selector)].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return [el.innerText.trim(), tops.size];
})"""


@pytest.fixture
def everyone(province):
    """The widest menu: a provincial officer who reviews, reports and administers, with a long name."""
    return save_user(
        username="thao", full_name="Nguyễn Thị Phương Thảo", unit=province,
        roles={Role.REPORTER, Role.REVIEWER, Role.ADMIN}, password="correct horse 2021", at=AT,
    )  # fmt: skip


def open_home(browser, live_server, user, *, viewport, language="vi"):
    context = session_context(browser, live_server, user)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/")
    return context, page


@pytest.mark.parametrize(
    ("person", "language"),
    [
        ("lan", "vi"),
        ("minh", "vi"),
        ("tuan", "vi"),
        ("hoa", "vi"),
        ("quan", "vi"),
        ("everyone", "vi"),
        ("everyone", "en"),
    ],
)
def test_every_roles_menu_stays_on_one_line_at_1366(request, browser, live_server, person, language):
    user = request.getfixturevalue(person)
    context, page = open_home(browser, live_server, user, viewport={"width": 1366, "height": 768}, language=language)
    layout = page.evaluate(MENU_LAYOUT)
    context.close()
    boxes = layout["boxes"]
    assert all(box["visible"] for box in boxes), boxes
    centres = [box["centre"] for box in boxes]
    assert max(centres) - min(centres) < 4, f"the menu is on more than one line: {boxes}"
    wrapped = [box["text"] for box in boxes if box["lines"] > 1.3]
    assert wrapped == [], f"these items wrap onto two lines: {wrapped}"
    assert layout["height"] < 64, layout
    language_box = layout["language"]
    assert language_box["shown"] == ("Tiếng Việt" if language == "vi" else "English")
    assert language_box["needs"] <= language_box["room"], f"the language box cuts its text: {language_box}"


def test_on_a_phone_the_menu_folds_behind_a_button(browser, live_server, hoa):
    context, page = open_home(browser, live_server, hoa, viewport=PHONE)
    menu = page.get_by_role("link", name="Điểm trừ", exact=True)
    expect(menu).to_be_hidden()
    expect(page.get_by_test_id("whoami")).to_be_hidden()
    toggle = page.get_by_role("button", name="Trình đơn")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll
    menu.click()
    expect(page).to_have_url(f"{live_server.url}/compliance/deductions/")
    context.close()


def test_the_user_menu_changes_the_password_and_logs_out(browser, live_server, lan):
    context, page = open_home(browser, live_server, lan, viewport={"width": 1366, "height": 768})
    page.get_by_test_id("whoami").click()
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    context.close()


def test_minh_sees_how_many_reports_wait_for_his_review_and_opens_them(browser, live_server, minh, lan):
    """Lan's Q3 report, version 2, waits for Minh (the walk's province): "Xem xét 1" leads to it."""
    context, page = open_home(browser, live_server, minh, viewport={"width": 1366, "height": 768})
    entry = page.get_by_test_id("nav-review")
    expect(entry).to_have_text("Xem xét 1 chờ bạn xem xét")  # the number, and what it counts for a screen reader
    expect(page.get_by_test_id("review-count")).to_be_visible()
    entry.click()
    expect(page).to_have_url(f"{live_server.url}/review/?status=waiting&period=2021Q3")
    expect(page.get_by_role("link", name="Ủy ban nhân dân xã Yên Nghiệp")).to_be_visible()
    context.close()


def test_the_review_entry_is_for_reviewers_only(browser, live_server, lan, hoa):
    for person, shown in ((lan, False), (hoa, True)):
        context, page = open_home(browser, live_server, person, viewport={"width": 1366, "height": 768})
        expect(page.get_by_test_id("nav-review")).to_have_count(1 if shown else 0)
        expect(page.get_by_test_id("review-count")).to_have_count(0)  # nothing waits for Hoa in the walk
        context.close()


def test_every_page_names_its_icon_and_the_icon_answers(browser, live_server, quan):
    context, page = open_home(browser, live_server, quan, viewport={"width": 1366, "height": 768})
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    for url in ("/", "/admin/", "/api/docs/", "/no-such-page/"):
        page.goto(live_server.url + url)
    icon = page.locator("link[rel=icon]").get_attribute("href")
    answer = page.request.get(live_server.url + icon)
    assert (answer.status, answer.headers["content-type"]) == (200, "image/svg+xml")
    answer = page.request.get(f"{live_server.url}/favicon.ico")  # the administration site names none
    assert (answer.status, answer.headers["content-type"]) == (200, "image/svg+xml")
    context.close()
    assert [url for url in missing if not url.endswith("/no-such-page/")] == []


def test_the_deductions_tables_headings_stay_on_one_line(browser, live_server, hoa):
    """Point 20: "Quý II/2021" and "Tổng số" do not break at 1366 px, nor a unit's level or code, however long
    the names of the units (the walk's are short: they are made as long as the province's longest)."""
    from kstt.units.models import UnitVersion

    for version in UnitVersion.objects.all():
        version.name = f"{version.name} - Ban Quản lý các khu công nghiệp tỉnh"
        version.save(update_fields=["name"])
    context, page = open_home(browser, live_server, hoa, viewport={"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/compliance/deductions/2021/")
    lines = page.get_by_test_id("province-table").evaluate(TEXT_LINES, "thead th, tbody td:nth-child(3), .text-muted")
    context.close()
    assert len(lines) > 10
    assert [text for text, count in lines if count > 1] == []
