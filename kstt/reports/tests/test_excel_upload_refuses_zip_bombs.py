"""A hostile tester uploads zip bombs made from Lan's own downloaded workbook (issue 13 point 1): each is
refused with a 400 in Vietnamese, in well under a second, with memory flat, and the draft is unchanged.

Before the archive check, the worksheet padded by 1 GiB of spaces (a 1 MB upload) took 28 s and 2.3 GB,
2 GiB took 57 s and 6.4 GB, and a 0.5 MB shared-strings bomb 13 s and 1.7 GB.
"""

import pytest

from kstt.reports.tests.test_excel_round_trip import _fixed, dossiers, download, draft_of, upload, url  # noqa: F401
from kstt.tests import bombs
from kstt.tests.test_vietnamese_walk import problems

#: Well under a second: the refusal reads the archive's directory only.
SECONDS = 0.5
#: Memory flat: what the request itself needs (the upload is at most ~2 MB), never what a bomb unpacks to.
PEAK_BYTES = 24 * bombs.MiB


def refused_fast_and_flat(client, data, says):
    """Upload ``data`` twice (timed, then traced): 400, ``says`` in a Vietnamese page, the draft untouched."""
    before = draft_of()
    client.get(url("upload"))  # the page's template is compiled before the clock starts
    response, elapsed = bombs.seconds(lambda: upload(client, data, before.revision))
    html = response.content.decode()
    assert response.status_code == 400, html[:2000]
    assert 'data-testid="excel-problems"' in html and says in html.replace("\xa0", " "), html[:3000]
    assert problems(html) == []
    assert elapsed < SECONDS, f"refused in {elapsed:.2f} s"
    response, peak = bombs.peak_memory(lambda: upload(client, data, before.revision))
    assert response.status_code == 400
    print(f"{elapsed:.3f}s {peak / bombs.MiB:.1f}MiB")
    assert peak < PEAK_BYTES, f"peak {peak / bombs.MiB:.0f} MiB"
    after = draft_of()
    assert (after.revision, after.values) == (before.revision, before.values)


@pytest.fixture
def workbook(client, lan, dossiers):  # noqa: F811 (the fixture imported above)
    client.force_login(lan)
    return download(client)


def test_a_worksheet_padded_by_a_gigabyte_of_spaces_is_refused(client, workbook):
    bomb = bombs.sheet_bomb(workbook, 1024)
    assert len(bomb) < 1.1 * bombs.MiB  # what the tester uploaded: about 1 MB
    refused_fast_and_flat(client, bomb, "xl/worksheets/sheet1.xml của tệp khi giải nén có dung lượng 1,0 GB")


def test_a_worksheet_padded_by_two_gigabytes_of_spaces_is_refused(client, workbook):
    bomb = bombs.sheet_bomb(workbook, 2048)
    assert len(bomb) < 2.2 * bombs.MiB
    refused_fast_and_flat(client, bomb, "xl/worksheets/sheet1.xml của tệp khi giải nén có dung lượng 2,0 GB")


def test_a_shared_strings_bomb_is_refused(client, workbook):
    bomb = bombs.shared_strings_bomb(workbook, 512)
    assert len(bomb) < 0.6 * bombs.MiB
    refused_fast_and_flat(client, bomb, "xl/sharedStrings.xml của tệp khi giải nén có dung lượng 512,0 MB")


def test_a_bomb_under_the_size_limits_is_refused_by_its_ratio(client, workbook):
    bomb = bombs.sheet_bomb(workbook, 30)  # 30 MiB unpacked: under every size limit, packed ~1000 to 1
    refused_fast_and_flat(client, bomb, "bị từ chối vì có thể là bom nén")


def test_a_sheet_declaring_a_small_size_is_never_inflated_past_it(client, workbook):
    """The directory says 8 kB, the data inflate to 1 GiB: nothing reads past 8 kB, the file is damaged."""
    refused_fast_and_flat(client, bombs.lying_sheet_bomb(workbook, 1024), "")


def test_a_workbook_of_thousands_of_parts_is_refused_before_they_are_listed(client, workbook):
    refused_fast_and_flat(client, bombs.many_members(workbook, 20_000), "gồm 20010 phần")


def test_an_entity_blow_up_in_the_shared_strings_is_refused(client, workbook):
    """A 10 kB entity referenced 5,000 times (50 MB of text from 25 kB): the XML parser refuses any entity."""
    refused_fast_and_flat(client, bombs.shared_strings_with_entities(workbook, length=10_000, references=5_000), "")


def test_the_downloaded_workbook_still_goes_in(client, workbook):
    response = upload(client, workbook, draft_of().revision)
    assert response.status_code == 200, response.content.decode()[:2000]
