"""Issue 13, point 19, in an English chromium (locale en-US, as most office PCs): the browser's own words are
Vietnamese too. File fields say "Chọn tệp" / "Chưa chọn tệp nào", never "Choose File" / "No file chosen", and
stay usable by mouse, keyboard and label; the validation bubbles say "Vui lòng điền vào trường này.", never
"Please fill out this field." (kstt/browser_texts.py, static/kstt/browser_texts.js).
"""

import pytest
from playwright.sync_api import expect

from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import NOW

pytestmark = pytest.mark.django_db(transaction=True)

#: What an English chromium says by itself.
BROWSER_ENGLISH = ("Choose File", "Choose Files", "No file chosen", "No files chosen", "Please fill", "Please select",
                   "Please enter", "Please match", "Value must be", "Please lengthen", "Please shorten")  # fmt: skip
#: Every field's validation message and every file field's tooltip on the page.
MESSAGES = (
    "() => [...document.querySelectorAll('input, select, textarea')].flatMap(f => [f.validationMessage, f.title])"
)


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


def message(page, selector: str) -> str:
    return page.locator(selector).evaluate("field => field.validationMessage")


def assert_no_browser_english(page) -> None:
    said = [m for m in page.evaluate(MESSAGES) if m] + [page.locator("body").inner_text()]
    assert [(phrase, text) for text in said for phrase in BROWSER_ENGLISH if phrase in text] == []


def test_an_empty_required_field_says_so_in_vietnamese(page, live_server, db):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Đăng nhập").click()  # nothing typed: the browser refuses to send
    assert message(page, "#id_username") == "Vui lòng điền vào trường này."
    assert message(page, "#id_password") == "Vui lòng điền vào trường này."
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    assert message(page, "#id_username") == ""  # typed: nothing to say any more
    assert_no_browser_english(page)


def test_the_messages_follow_the_chosen_language(page, live_server, db):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    assert message(page, "#id_username") == "Please fill in this field."  # ours, in English, not chromium's


def test_a_value_a_script_typed_does_not_keep_a_stale_message(page, live_server, lan):
    """The message follows the field when a script fills it without any event: the form is sent at once."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.evaluate("() => { id_username.value = 'lan'; id_password.value = 'correct horse 2021'; }")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("whoami")).to_have_text("Nguyễn Thị Lan")


def test_numbers_out_of_their_range_say_so_in_vietnamese(page, live_server, quan, kstt_report):
    log_in(page, live_server, "quan")
    page.goto(f"{live_server.url}/catalogue/?year=2021")
    day = "#id_cutoff_day"  # min 1, max 28, whole days
    for typed, said in [
        ("40", "Giá trị phải nhỏ hơn hoặc bằng 28."),
        ("0", "Giá trị phải lớn hơn hoặc bằng 1."),
        ("2.5", "Vui lòng nhập một số nguyên."),
        ("", "Vui lòng điền vào trường này."),
        ("14", ""),
    ]:
        page.locator(day).fill(typed)
        assert message(page, day) == said, typed
    assert_no_browser_english(page)


def test_file_fields_speak_vietnamese_and_stay_usable(page, live_server, lan, kstt_report, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/reports/W05341/2021Q3/")
    workbook = page.locator(".kstt-file", has=page.locator("#excel-workbook"))
    expect(workbook).to_have_text("Chọn tệpChưa chọn tệp nào")
    native = page.locator("#excel-workbook")
    assert native.evaluate("f => getComputedStyle(f).opacity") == "0"  # chromium's own drawing is not seen
    assert native.bounding_box() == workbook.bounding_box()  # ... and the real input takes every click on ours
    expect(native).to_have_attribute("title", "Chưa chọn tệp nào")  # the tooltip, too

    # Sent without a file: the bubble asks for one, in Vietnamese.
    page.get_by_test_id("excel-upload").click()
    assert message(page, "#excel-workbook") == "Vui lòng chọn một tệp."

    # Its label still names it; a chosen file shows its name.
    pdf = tmp_path / "bao-cao-quy-3.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    page.get_by_label("Chọn tệp PDF đã ký số", exact=False).set_input_files(str(pdf))
    document = page.locator(".kstt-file", has=page.locator("#id_document"))
    expect(document).to_contain_text("bao-cao-quy-3.pdf")

    # From the keyboard: Tab reaches it, its focus is shown on our button, Space opens the chooser.
    # A listener first: Playwright turns the chooser's interception on without waiting for chromium to confirm,
    # so a key pressed right after `expect_file_chooser` could open the (headless, unseen) dialog instead.
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.get_by_test_id("excel-download-blank").focus()
    page.keyboard.press("Tab")
    expect(native).to_be_focused()
    button = workbook.locator(".kstt-file-button")
    assert button.evaluate("b => getComputedStyle(b).boxShadow") != "none"
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(pdf))
    assert len(choosers) == 1  # one dialog, one press
    expect(workbook).to_contain_text("bao-cao-quy-3.pdf")
    assert message(page, "#excel-workbook") == ""
    assert_no_browser_english(page)


def test_a_file_field_added_later_is_drawn_too(page, live_server, lan, kstt_report):
    """htmx swaps parts of pages: a file field that arrives later gets the same button."""
    log_in(page, live_server, "lan")
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=file id=later>')")
    expect(page.locator(".kstt-file", has=page.locator("#later"))).to_have_text("Chọn tệpChưa chọn tệp nào")
