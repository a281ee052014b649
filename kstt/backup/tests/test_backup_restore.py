"""`kstt backup` then `kstt restore` into a FRESH database and a fresh media folder: everything comes back.

The story of ledger_story.py (the cast, its 2021 submission history: versions and reviews), plus xã Yên
Nghiệp's Q3 report with a really signed narrative PDF, submitted and accepted, and Sở Tư pháp's appeals
(with a PDF and a photograph, one decided). The backup is made in this process, from the test database; the
restore runs as the operator runs it, `kstt restore ARCHIVE` in its own process, with DATABASE_URL naming a
new database (PostgreSQL: a new database on the same server; SQLite: a new file) and KSTT_MEDIA_ROOT a new
folder. Then every row of every model and every uploaded file is compared with the original.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from kstt.audit.models import AuditEntry
from kstt.backup import archive
from kstt.catalogue.rules.periods import Period
from kstt.compliance.models import Appeal, AppealAttachment
from kstt.compliance.services import AttachmentFile, decide_appeal, file_appeal
from kstt.compliance.tests.ledger_story import DECIDED, FILED, PDF, PNG, history  # noqa: F401 (a fixture)
from kstt.reports import services as reports
from kstt.reports.models import NarrativeDocument, ReportVersion, Review
from kstt.reports.tests.review_story import GOOD, NARRATIVE
from kstt.reports.tests.test_documents import chairman, check, report_pdf, signed_pdf, test_ca  # noqa: F401
from kstt.units.models import Unit

POSTGRESQL = connection.vendor == "postgresql"

# SQLite's online backup waits for a write transaction to end, and a test's own would never end: on SQLite every
# test commits; on PostgreSQL only the one whose rows pg_dump must see (truncating every table after a test is
# slow there).
pytestmark = pytest.mark.django_db(transaction=not POSTGRESQL)

SUBMITTED = datetime(2021, 9, 15, 3, 0, tzinfo=UTC)
ACCEPTED = datetime(2021, 9, 20, 3, 0, tzinfo=UTC)
BACKED_UP = datetime(2021, 11, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def story(history, media, kstt_report, commune_yen_nghiep, dept_justice, lan, minh, tuan, hoa, signed_pdf):  # noqa: F811
    """Units, versions and reviews (the history), a signed document, two appeals with files, their audit."""
    report = reports.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3",
                                   at=SUBMITTED, actor=lan)  # fmt: skip
    reports.save_draft(instance=report, values=GOOD, narrative=NARRATIVE | {"direction": "Kết quả quý III"},
                       reasons={}, expected_revision=report.draft.revision, at=SUBMITTED, actor=lan)  # fmt: skip
    verification = check(signed_pdf).to_json()
    assert verification["signed"]
    reports.attach_document(instance=report, name="báo cáo quý III.pdf", content=signed_pdf,
                            verification=verification, at=SUBMITTED, actor=lan)  # fmt: skip
    version = reports.submit(instance=report, at=SUBMITTED, actor=lan)
    reports.accept(version=version, text="Đạt yêu cầu.", at=ACCEPTED, actor=minh)
    q1 = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"),
                     reason="Đường truyền của Sở bị gián đoạn tối 18/3.",
                     attachments=[AttachmentFile("biên bản.pdf", PDF), AttachmentFile("ảnh.png", PNG)],
                     at=FILED, actor=tuan)  # fmt: skip
    decide_appeal(appeal=q1, decision="upheld", reason="Đã xác minh với Viettel.", at=DECIDED, actor=hoa)
    file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q3"),
                reason="Hệ thống báo lỗi khi gửi.", at=FILED, actor=tuan)  # fmt: skip
    return {"signed_pdf": signed_pdf}


def kstt(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess[str]:
    """`kstt ARGS` in its own process, on that database and media folder."""
    env = {**os.environ, "DATABASE_URL": database_url, "KSTT_MEDIA_ROOT": str(media_root)}
    return subprocess.run(  # noqa: S603 (this Python, our arguments)
        [sys.executable, "-m", "kstt.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, BaseDatabaseWrapper]]:
    """A new, empty database of the test's engine: its DATABASE_URL, and a connection to it of its own (not one
    of django.db.connections: the test may only query its own database through those)."""
    given = connection.settings_dict
    if POSTGRESQL:
        name = f"{given['NAME']}_restored_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        auth = f"{quote(given['USER'] or '', safe='')}:{quote(given['PASSWORD'] or '', safe='')}@"
        url = f"postgres://{auth}{given['HOST'] or 'localhost'}:{given['PORT'] or 5432}/{name}"
    else:
        name = str(tmp_path / "restored.sqlite3")
        url = f"sqlite:///{name}"
    restored = load_backend(given["ENGINE"]).DatabaseWrapper({**given, "NAME": name}, alias="restored")
    try:
        yield url, restored
    finally:
        restored.close()
        if POSTGRESQL:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def tables() -> list[tuple[str, str]]:
    """(table, primary key column) of every model, many-to-many tables included, and Django's record of the
    migrations applied (equal: the restored database is at this KSTT's migrations, as the source was)."""
    return sorted(
        {("django_migrations", "id")} | {(m._meta.db_table, m._meta.pk.column)
         for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy}
    )  # fmt: skip


def rows(db: BaseDatabaseWrapper, table: str, pk: str) -> list[tuple]:
    """The table's rows as the database gives them (text, numbers, JSON as stored), in key order."""
    quoted = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted(table)} ORDER BY {quoted(pk)}")  # noqa: S608 (model names)
        return cursor.fetchall()


def count(db: BaseDatabaseWrapper, model) -> int:
    with db.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {db.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # pg_dump reads committed rows only
def test_a_backup_restored_into_a_fresh_database_holds_everything(story, media, tmp_path):
    backup = tmp_path / "kstt.tar"
    call_command("backup", output=backup)
    manifest = archive.verify(backup)
    assert manifest["engine"] == connection.vendor
    assert manifest["migrations"]["audit"] == "0003_append_only_trigger"
    uploaded = {f"media/{p.relative_to(media).as_posix()}" for p in media.rglob("*") if p.is_file()}
    assert len(uploaded) == 3  # the signed narrative and the two files of the appeal
    assert {f["path"] for f in manifest["files"]} == {archive.DATABASE_FILES[connection.vendor], *uploaded}

    fresh_media = tmp_path / "restored-media"
    with fresh_database(tmp_path) as (url, restored):
        done = kstt("restore", str(backup), database_url=url, media_root=fresh_media)
        assert done.returncode == 0, done.stderr
        assert "the site can be started" in done.stdout  # no migration left to apply

        # every row of every table, unit, version, review, document, appeal and audit entry among them
        different = [table for table, pk in tables() if rows(connection, table, pk) != rows(restored, table, pk)]
        assert different == []
        counted = {m.__name__: count(restored, m) for m in
                   (Unit, ReportVersion, Review, NarrativeDocument, Appeal, AppealAttachment, AuditEntry)}  # fmt: skip
        assert all(counted.values()) and counted["Appeal"] == counted["AppealAttachment"] == 2, counted
        # every uploaded file, byte for byte, the signed narrative among them
        document = NarrativeDocument.objects.get(name="báo cáo quý III.pdf")
        assert (fresh_media / document.file.name).read_bytes() == story["signed_pdf"]
        files = [*NarrativeDocument.objects.all(), *AppealAttachment.objects.all()]
        assert len(files) == 3
        for kept in files:
            assert (fresh_media / kept.file.name).read_bytes() == (media / kept.file.name).read_bytes()
        assert sorted(p.relative_to(fresh_media) for p in fresh_media.rglob("*") if p.is_file()) == sorted(
            p.relative_to(media) for p in media.rglob("*") if p.is_file()
        )

        if POSTGRESQL:  # the restored audit trail is still append-only, whoever asks
            with pytest.raises(DatabaseError, match="append-only"), restored.cursor() as cursor:
                cursor.execute("UPDATE audit_auditentry SET event = 'changed'")

        # a second restore over it, with --force (without: test_a_database_with_tables_is_not_replaced_without_force):
        # the database replaced, the former files set aside, not deleted
        forced = kstt("restore", "--force", str(backup), database_url=url, media_root=fresh_media)
        assert forced.returncode == 0, forced.stderr
        assert "set aside" in forced.stdout
        restored.close()
        assert rows(connection, "audit_auditentry", "id") == rows(restored, "audit_auditentry", "id")
        assert (fresh_media / document.file.name).read_bytes() == story["signed_pdf"]


# --- refusals: nothing is touched ----------------------------------------------------------------------------


@pytest.fixture
def small_backup(media, tmp_path, settings) -> Path:
    (media / "appeals" / "2021").mkdir(parents=True)
    (media / "appeals" / "2021" / "a.pdf").write_bytes(PDF)
    backup = tmp_path / "small.tar"
    archive.create(backup, at=BACKED_UP)
    return backup


def restore_refused(backup: Path, match: str, *, force: bool = True) -> None:
    """Refused with that message before anything is changed (the test database and media stay as they are)."""
    media = Path(settings.MEDIA_ROOT)
    before = sorted(media.rglob("*")), AuditEntry.objects.count()
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(backup), force=force)
    assert (sorted(media.rglob("*")), AuditEntry.objects.count()) == before


def flip(backup: Path, member: str, at: int = 10) -> None:
    with tarfile.open(backup) as tar:
        offset = tar.getmember(member).offset_data + at
    with backup.open("r+b") as out:
        out.seek(offset)
        byte = out.read(1)
        out.seek(offset)
        out.write(bytes([byte[0] ^ 0xFF]))


def rewrite(backup: Path, change) -> None:
    """The archive remade with ``change(members, manifest)`` applied and every checksum recomputed: a
    well-formed backup that says something else."""
    with tarfile.open(backup) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.name != archive.MANIFEST}
        manifest = json.loads(tar.extractfile(archive.MANIFEST).read())
    change(members, manifest)
    import hashlib

    manifest["files"] = [
        {"path": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in members.items()
    ]
    backup.unlink()
    with tarfile.open(backup, "w") as tar:
        for name, body in [*members.items(), (archive.MANIFEST, json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, archive._BytesReader(body))


def test_the_small_backup_is_whole(small_backup):
    call_command("restore", str(small_backup), verify_only=True)  # no error: the refusals below are the changes'


@pytest.mark.parametrize("member", ["database", "media"])
def test_a_flipped_byte_is_refused(small_backup, member):
    name = archive.DATABASE_FILES[connection.vendor] if member == "database" else "media/appeals/2021/a.pdf"
    flip(small_backup, name)
    restore_refused(small_backup, f"{name} does not match its checksum")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(small_backup), verify_only=True)


def test_a_cut_archive_a_foreign_file_and_no_file_are_refused(small_backup, tmp_path):
    data = small_backup.read_bytes()
    small_backup.write_bytes(data[: len(data) // 2])
    restore_refused(small_backup, "damaged|cut short|missing|no manifest")
    small_backup.write_bytes(b"PK\x03\x04 not a tar at all" * 100)
    restore_refused(small_backup, "not a readable KSTT backup")
    restore_refused(tmp_path / "nowhere.tar", "no such file")


def test_a_file_the_manifest_does_not_list_is_refused(small_backup):
    with tarfile.open(small_backup, "a") as tar:
        info = tarfile.TarInfo("media/appeals/2021/slipped-in.pdf")
        info.size = 3
        tar.addfile(info, archive._BytesReader(b"abc"))
    restore_refused(small_backup, "slipped-in.pdf is not in the manifest")


def test_a_backup_of_the_other_engine_is_refused(small_backup):
    ours, other = archive.DATABASE_FILES[connection.vendor], "sqlite" if POSTGRESQL else "postgresql"

    def to_other(members, manifest):
        members[archive.DATABASE_FILES[other]] = members.pop(ours)
        manifest["engine"] = other

    rewrite(small_backup, to_other)
    restore_refused(small_backup, "holds a (SQLite|PostgreSQL) database; this KSTT's database .* is")


def test_a_database_its_own_tool_cannot_read_is_refused_before_the_database_is_touched(small_backup):
    ours = archive.DATABASE_FILES[connection.vendor]

    def damage(members, manifest):
        members[ours] = members[ours][: len(members[ours]) // 2]  # cut, and the manifest says so

    rewrite(small_backup, damage)
    restore_refused(small_backup, "pg_restore cannot read the backup's database|SQLite database is damaged")


def test_a_backup_of_a_newer_kstt_is_refused(small_backup):
    rewrite(small_backup, lambda members, manifest: manifest["migrations"].update(audit="0099_from_the_future"))
    restore_refused(small_backup, r"migrations this one does not have \(audit.0099_from_the_future\)")


def test_a_database_with_tables_is_not_replaced_without_force(small_backup):
    restore_refused(small_backup, "The database has [0-9]+ tables already.*--force", force=False)


def test_a_failed_backup_leaves_no_file(media, tmp_path):
    media.mkdir()
    (media / "link").symlink_to("/etc/hostname")
    with pytest.raises(CommandError, match="not a regular file"):
        call_command("backup", output=tmp_path / "kstt.tar")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]


def test_a_backup_is_not_written_into_the_folder_it_copies(media):
    media.mkdir()
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        call_command("backup", output=media)
    assert list(media.iterdir()) == []
