"""kstt.archives: a ZIP is judged by its directory, before any member is read (issue 13 point 1).

Each limit is tried at its value and one past it. Built in memory (kstt/tests/bombs.py); no database.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from kstt import conf
from kstt.archives import (
    RATIO_GRACE_BYTES,
    ArchiveError,
    ArchiveLimits,
    ArchiveProblem,
    check_archive,
    configured_limits,
    declared_member_count,
)
from kstt.tests.bombs import Member, MiB, padded, rezip

LIMITS = ArchiveLimits(members=10, member_bytes=8 * MiB, total_bytes=12 * MiB, ratio=100)


def stored(size: int) -> Member:
    """``size`` bytes kept as they are (ratio 1)."""
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    return Member(data, zipfile.crc32(data), size, zipfile.ZIP_STORED)


def spaces(mib: int) -> Member:
    return padded(b"", mib, b"")


def refused(data: bytes, limits: ArchiveLimits = LIMITS) -> ArchiveError:
    with pytest.raises(ArchiveError) as error:
        check_archive(data, limits=limits)
    return error.value


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param({"a.xml": b"<a/>"}, id="one-small-member"),
        pytest.param({f"{n}.xml": b"<a/>" for n in range(10)}, id="as-many-members-as-allowed"),
        pytest.param({"big.bin": stored(8 * MiB)}, id="a-member-at-the-member-limit"),
        pytest.param({"a.bin": stored(6 * MiB), "b.bin": stored(6 * MiB)}, id="members-at-the-total-limit"),
        pytest.param({"grace.xml": padded(b"", 1, b"")}, id="a-small-member-packed-tight"),
    ],
)
def test_an_archive_within_the_limits_passes(parts):
    check_archive(rezip(parts), limits=LIMITS)


@pytest.mark.parametrize(
    ("parts", "problem", "member"),
    [
        pytest.param(
            {f"{n}.xml": b"" for n in range(11)}, ArchiveProblem.TOO_MANY_MEMBERS, "", id="one-member-too-many"
        ),
        pytest.param(
            {"big.bin": stored(8 * MiB + 1)}, ArchiveProblem.MEMBER_TOO_LARGE, "big.bin", id="a-member-1-byte-over"
        ),
        pytest.param(
            {"a.bin": stored(6 * MiB), "b.bin": stored(6 * MiB + 1)},
            ArchiveProblem.TOO_LARGE,
            "",
            id="a-total-1-byte-over",
        ),
        pytest.param(
            {"bomb.xml": spaces(2)}, ArchiveProblem.RATIO, "bomb.xml", id="a-member-past-the-grace-packed-tight"
        ),
        pytest.param(
            {f"{n}.xml": padded(b"", 1, b"") for n in range(10)},
            ArchiveProblem.RATIO,
            "",
            id="small-members-packed-tight",
        ),
    ],
)
def test_an_archive_past_a_limit_is_refused(parts, problem, member):
    error = refused(rezip(parts))
    assert (error.problem, error.member) == (problem, member)


def test_the_ratio_is_judged_at_the_limit_and_one_past_it():
    data = bytes(range(256)) * 4096 * 2  # 2 MiB that deflate poorly: ratio about 1
    member = Member(data, zipfile.crc32(data), len(data), zipfile.ZIP_STORED)
    check_archive(rezip({"a.bin": member}), limits=LIMITS)
    # the same bytes declared as 100 and 101 times larger than they are packed
    at_limit = ArchiveLimits(members=10, member_bytes=1024 * MiB, total_bytes=1024 * MiB, ratio=100)
    check_archive(rezip({"a.bin": member}, declare={"a.bin": len(data) * 100}), limits=at_limit)
    error = refused(rezip({"a.bin": member}, declare={"a.bin": len(data) * 101}), limits=at_limit)
    assert error.problem is ArchiveProblem.RATIO


def test_a_member_at_the_grace_size_is_not_judged_by_its_ratio_one_byte_more_is():
    tight = ArchiveLimits(members=10, member_bytes=8 * MiB, total_bytes=8 * MiB, ratio=1)
    bomb = padded(b"", 1, b"")  # 1 MiB of spaces in about a kilobyte
    check_archive(rezip({"a.xml": bomb}), limits=tight)
    one_more = padded(b"", 1, b" ")
    assert one_more.size == RATIO_GRACE_BYTES + 1
    error = refused(rezip({"a.xml": one_more}), limits=tight)
    assert (error.problem, error.member) == (ArchiveProblem.RATIO, "a.xml")


def test_the_member_count_is_read_from_the_end_record_before_the_directory():
    data = rezip({f"{n}.xml": b"" for n in range(11)})
    assert declared_member_count(data) == 11
    assert declared_member_count(data + b"trailing bytes") is None  # then zipfile lists them, and they count
    assert refused(data + b"trailing bytes").problem is ArchiveProblem.TOO_MANY_MEMBERS
    # with the directory itself unreadable, only the end record can have said so
    broken = data.replace(b"PK\x01\x02", b"XX\x01\x02")
    assert refused(broken).problem is ArchiveProblem.TOO_MANY_MEMBERS
    eleven = ArchiveLimits(members=11, member_bytes=MiB, total_bytes=MiB, ratio=100)
    assert refused(broken, limits=eleven).problem is ArchiveProblem.DAMAGED


def test_a_zip64_end_record_is_read_too():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(11):
            archive.writestr(f"{n}.xml", b"")
    data = bytearray(out.getvalue())
    # rewrite it as ZIP64 does past 65,535 members: the count in the end record is 0xFFFF
    end = data.rfind(b"PK\x05\x06")
    offset = int.from_bytes(data[end + 16 : end + 20], "little")
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    zip64 = (b"PK\x06\x06" + (44).to_bytes(8, "little") + (45).to_bytes(2, "little") * 2 + bytes(8)
             + (11).to_bytes(8, "little") * 2 + size.to_bytes(8, "little") + offset.to_bytes(8, "little"))  # fmt: skip
    locator = b"PK\x06\x07" + bytes(4) + end.to_bytes(8, "little") + (1).to_bytes(4, "little")
    record = bytearray(data[end:])
    record[8:12] = b"\xff\xff\xff\xff"
    rebuilt = bytes(data[:end]) + zip64 + locator + bytes(record)
    assert declared_member_count(rebuilt) == 11
    assert len(zipfile.ZipFile(io.BytesIO(rebuilt)).infolist()) == 11
    assert refused(rebuilt).problem is ArchiveProblem.TOO_MANY_MEMBERS


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(b"%PDF-1.7 not a zip", ArchiveProblem.NOT_ZIP, id="not-a-zip"),
        pytest.param(b"", ArchiveProblem.NOT_ZIP, id="empty"),
        pytest.param(rezip({"a.xml": b"<a/>" * 100})[:60], ArchiveProblem.DAMAGED, id="truncated"),
        pytest.param(b"PK\x03\x04" + bytes(100), ArchiveProblem.DAMAGED, id="a-zip-header-then-nothing"),
    ],
)
def test_what_is_not_a_readable_zip_is_said_so(data, problem):
    error = refused(data)
    assert error.problem is problem and error.unreadable


@pytest.mark.parametrize(
    ("error", "vietnamese"),
    [
        pytest.param(
            ArchiveError(
                ArchiveProblem.MEMBER_TOO_LARGE, member="xl/worksheets/sheet1.xml", size=2**30, limit=32 * MiB
            ),
            "Phần xl/worksheets/sheet1.xml của tệp khi giải nén có dung lượng 1,0\xa0GB, vượt quá giới hạn 32,0\xa0MB.",
            id="member-too-large",
        ),
        pytest.param(
            ArchiveError(ArchiveProblem.RATIO, member="word/document.xml", size=1032, limit=100),
            "Phần word/document.xml của tệp khi giải nén lớn gấp 1032 lần khi nén, vượt quá giới hạn 100 lần: "
            "tệp bị từ chối vì có thể là bom nén.",
            id="ratio",
        ),
        pytest.param(
            ArchiveError(ArchiveProblem.TOO_MANY_MEMBERS, size=20010, limit=1000),
            "Tệp gồm 20010 phần, vượt quá giới hạn 1000 phần.",
            id="too-many-members",
        ),
    ],
)
def test_the_refusal_is_said_in_vietnamese(error, vietnamese):
    with translation.override("vi"):
        assert error.message == vietnamese


def test_the_limits_come_from_the_settings(settings):
    settings.KSTT_ARCHIVE_MAX_MEMBERS = 3
    settings.KSTT_ARCHIVE_MAX_MEMBER_BYTES = 4
    settings.KSTT_ARCHIVE_MAX_BYTES = 5
    settings.KSTT_ARCHIVE_MAX_RATIO = 6
    assert configured_limits() == ArchiveLimits(members=3, member_bytes=4, total_bytes=5, ratio=6)


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("", 100), (" 250 ", 250)])
def test_an_archive_limit_is_a_whole_number_of_at_least_one(raw, expected):
    assert conf.env_positive("KSTT_ARCHIVE_MAX_RATIO", 100, {"KSTT_ARCHIVE_MAX_RATIO": raw}) == expected


@pytest.mark.parametrize("raw", ["0", "-5", "ten"])
def test_a_limit_of_nothing_or_nonsense_stops_the_server(raw):
    with pytest.raises(ImproperlyConfigured, match="KSTT_ARCHIVE_MAX_RATIO"):
        conf.env_positive("KSTT_ARCHIVE_MAX_RATIO", 100, {"KSTT_ARCHIVE_MAX_RATIO": raw})
