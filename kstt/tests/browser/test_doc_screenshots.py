"""Issue 16, point 9: the pictures of the Vietnamese user guides (docs/nguoi-dung/), taken of today's pages.

Each role of the cast walks its main pages on the province of the Vietnamese walk (``province_on_record``:
reports sent, returned and flagged, incidents, appeals) in chromium at an office PC's 1366×768, and each page
is saved as a PNG in ``docs/_screenshots/`` (not in git). `make test` runs this module with the suite, then
builds the manuals (`make docs`), which fail on a picture that is missing; `make docs` alone takes the pictures
first when there are none. So the guides show the pages as they are, never as they were.

Every picture a guide shows is taken here, and every picture taken here is shown by a guide.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from kstt.tests.test_vietnamese_walk import province_on_record  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[3] / "docs"
SHOTS = DOCS / "_screenshots"
GUIDES = DOCS / "nguoi-dung"
SCREEN = {"width": 1366, "height": 768}

#: A picture of the answer to an upload: the workbook of this report page, downloaded, then uploaded into the draft.
UPLOAD = "upload:"
#: "ADDRESS#TEXT": the page scrolled to its heading that starts with TEXT (a form low on a long page).
SCROLL = "#"
#: Per person of the cast (None: before log-in), the pictures: file name → page.
PICTURES: dict[str | None, dict[str, str]] = {
    None: {"dang-nhap.png": "/accounts/login/"},
    "lan": {
        "bc-trang-chu.png": "/",
        "bc-bao-cao-nhap.png": "/reports/W05341/2021Q4/",
        "bc-gui-bao-cao.png": "/reports/W05341/2021Q4/#Kết quả kiểm tra trước khi gửi",
        "bc-tai-excel.png": UPLOAD + "/reports/W05341/2021Q4/",
        "bc-bao-cao-tra-lai.png": "/reports/W05341/2021Q3/",
    },
    "tuan": {"bc-khau-tru.png": "/compliance/deductions/2021/P17-STP/"},
    "minh": {
        "xx-danh-sach.png": "/review/?period=2021Q3",
        "xx-xem-xet.png": "/review/W05341/2021Q3/",
        "xx-quyet-dinh.png": "/review/W05341/2021Q3/#Quyết định của bạn",
    },
    "hoa": {
        "vp-theo-doi.png": "/compliance/?period=2021Q3",
        "vp-tong-hop.png": "/units/P17/form06/reports/?period=2021Q3",
        "vp-su-co.png": "/incidents/",
        "vp-khieu-nai.png": "/compliance/appeals/",
        "vp-khau-tru.png": "/compliance/deductions/2021/",
        "vp-chot-so.png": "/compliance/deductions/2021/closing/",
    },
    "quan": {
        "qt-danh-muc.png": "/catalogue/kstt/",
        "qt-don-vi.png": "/units/",
        "qt-trang-quan-tri.png": "/admin/",
    },
}


def shown_in_guides() -> set[str]:
    """The pictures the user guides show (``_screenshots/NAME.png`` in their Markdown)."""
    names: set[str] = set()
    for guide in GUIDES.glob("*.md"):
        names |= set(re.findall(r"_screenshots/([\w-]+\.png)", guide.read_text(encoding="utf-8")))
    return names


def test_every_picture_taken_is_shown_and_every_picture_shown_is_taken():
    taken = {name for pictures in PICTURES.values() for name in pictures}
    assert shown_in_guides() == taken


def upload_the_workbook(page, live_server, address: str, folder: Path) -> None:
    """On a report page: download the form 06 workbook, as a reporter does, and upload it into the draft (the
    answer lists what the rules and the dossiers say about it)."""
    page.goto(live_server.url + address)
    workbook = folder / "bieu-06.xlsx"
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biểu 06 (Excel)").click()
    download.value.save_as(workbook)
    page.get_by_label("Tệp Excel đã điền (.xlsx)").set_input_files(str(workbook))
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên vào bản nháp").click()


@pytest.mark.parametrize("person", list(PICTURES))
def test_the_pictures_of_the_user_guides(request, browser, live_server, tmp_path, person):
    request.getfixturevalue("province_on_record")
    context = browser.new_context(locale="en-US", viewport=SCREEN)
    if person is not None:
        client = Client()
        client.force_login(request.getfixturevalue(person))
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    SHOTS.mkdir(exist_ok=True)
    try:
        for name, address in PICTURES[person].items():
            if address.startswith(UPLOAD):
                upload_the_workbook(page, live_server, address.removeprefix(UPLOAD), tmp_path)
                assert "/excel/upload/" in page.url, page.url
            else:
                address, _, heading = address.partition(SCROLL)
                response = page.goto(live_server.url + address)
                assert response is not None and response.status == 200, f"{person}: {address} answered"
                if heading:
                    target = page.get_by_role("heading", name=heading).first
                    target.scroll_into_view_if_needed()
                    box = target.bounding_box()
                    assert box is not None, heading
                    page.mouse.wheel(0, box["y"] - 200)  # the heading near the top, a little of what precedes it
            page.wait_for_load_state("networkidle")
            (SHOTS / name).unlink(missing_ok=True)
            page.screenshot(path=str(SHOTS / name))
    finally:
        context.close()
