"""One KSTT backup: one tar file with the database, the uploaded files and a manifest (docs/it/backup.md).

Layout of the archive (plain tar: the PostgreSQL dump is compressed already, the PDFs too)::

    database/kstt.pgdump     PostgreSQL: ``pg_dump --format=custom`` of the whole database
    database/kstt.sqlite3    SQLite: a copy made by SQLite's online backup API (consistent while the site runs)
    media/<path>             every file under MEDIA_ROOT (narrative documents, appeal files, closing workbooks)
    manifest.json            what made it, when, from which engine, the latest migration of every app, and
                             every other member with its size and SHA-256

A restore reads the whole archive into a staging folder beside MEDIA_ROOT and checks every member against the
manifest before it changes anything; then it loads the database in one transaction (PostgreSQL) or replaces the
database file in one rename (SQLite), and swaps the staged media folder in by renaming.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "kstt-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database/kstt.pgdump", "sqlite": "database/kstt.sqlite3"}
MEDIA = "media"
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 256 * 1024 * 1024


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, for the operator."""


@dataclass
class Restored:
    """What a restore did: the manifest it restored, where the former media folder went, migrations to apply."""

    manifest: dict[str, Any]
    media_set_aside: Path | None = None
    unapplied_migrations: list[str] = field(default_factory=list)


# --- backup ---------------------------------------------------------------------------------------------------


def engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"KSTT backs up PostgreSQL and SQLite databases, not {connection.vendor}.")
    return connection.vendor


def default_name(at: datetime) -> str:
    """kstt-backup-20261207T013000Z.tar: the instant in UTC, so that names sort as the backups were made."""
    return f"kstt-backup-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar"


def create(destination: Path, *, at: datetime, alias: str = "default") -> dict[str, Any]:
    """Write the backup of the database ``alias`` and of MEDIA_ROOT to ``destination``; returns its manifest.

    The archive is written as ``<destination>.partial`` and renamed when complete: a file with the final name
    is always a whole backup. The database is dumped first, then the media folder is read: files are written
    before their rows are committed and never deleted, so every file the dump names is in the archive.
    """
    connection = connections[alias]
    kind = engine(connection)
    destination = destination.resolve()
    if destination.exists():
        raise BackupError(f"{destination} exists already: a backup never overwrites a file.")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent}: no such folder.")
    if destination.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise BackupError(f"{destination} is inside MEDIA_ROOT: write the backup outside the folder it copies.")
    partial = destination.with_name(destination.name + ".partial")
    files: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".kstt-backup-") as work:
            dump = Path(work) / "database"
            if kind == "postgresql":
                _pg_dump(connection, dump)
            else:
                _sqlite_copy(connection, dump)
            migrations = latest_migrations(connection)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: owner only
            with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
                files.append(_add(tar, DATABASE_FILES[kind], dump))
                for path, name in _media_files(Path(settings.MEDIA_ROOT)):
                    files.append(_add(tar, name, path))
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "kstt_version": _version(),
                    "git_commit": _git_commit(),
                    "created_at": at.isoformat(),
                    "engine": kind,
                    "migrations": migrations,
                    "files": files,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(at.timestamp()), 0o600
                tar.addfile(info, _BytesReader(body))
                out.flush()
                os.fsync(out.fileno())
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def latest_migrations(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The latest applied migration of every app, by name (migration names are numbered, so they sort)."""
    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = name
    return latest


def _pg_dump(connection: BaseDatabaseWrapper, target: Path) -> None:
    _run_pg([_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}"], connection, "pg_dump")


def _sqlite_copy(connection: BaseDatabaseWrapper, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while other connections write (they wait, or it retries)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                raise BackupError(f"{path}: not a regular file; MEDIA_ROOT holds only uploaded files.")
            yield path, str(PurePosixPath(MEDIA, *path.relative_to(root).parts))


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    """Add one file, hashing the very bytes written to the archive."""
    with path.open("rb") as source:
        info = tar.gettarinfo(fileobj=source, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        reader = _HashingReader(source)
        tar.addfile(info, reader)
    return {"path": name, "size": info.size, "sha256": reader.digest.hexdigest()}


class _HashingReader:
    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.at + size
        chunk, self.at = self.data[self.at : end], min(end, len(self.data))
        return chunk


def _version() -> str | None:
    try:
        return metadata.version("kstt")
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    """The commit this KSTT runs from, when it runs from a git checkout (else None)."""
    git = shutil.which("git")
    if git is None or not (Path(settings.BASE_DIR) / ".git").exists():
        return None
    try:
        done = subprocess.run(  # noqa: S603 (git, fixed arguments)
            [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


# --- PostgreSQL's tools ---------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found: install PostgreSQL's client tools (Debian: postgresql-client).")
    return found


def pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The libpq environment of a connection: where, who, which database, and the password (never in argv)."""
    from django.db.backends.postgresql.client import DatabaseClient

    _, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, [])
    given = connection.settings_dict
    options = given.get("OPTIONS") or {}
    where = {
        "PGHOST": given.get("HOST") or "",
        "PGPORT": str(given.get("PORT") or ""),
        "PGUSER": given.get("USER") or options.get("user") or "",
        "PGDATABASE": given.get("NAME") or options.get("dbname") or "",
    }
    return {**os.environ, **(env or {}), **{k: v for k, v in where.items() if v}}


def _run_pg(command: list[str], connection: BaseDatabaseWrapper, what: str) -> None:
    try:
        done = subprocess.run(  # noqa: S603 (PostgreSQL's own tool, our arguments)
            command, env=pg_environment(connection), capture_output=True, text=True
        )
    except OSError as exc:
        raise BackupError(f"{what} could not run: {exc}") from None
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {_last_lines(done.stderr)}")


def _last_lines(text: str, count: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-count:]) or "(no message)"


# --- reading an archive ---------------------------------------------------------------------------------------


def verify(archive: Path) -> dict[str, Any]:
    """Check every member of an archive against its manifest without writing anything; returns the manifest."""
    return _read(archive, stage=None)


def _read(archive: Path, *, stage: Path | None) -> dict[str, Any]:
    """Read the whole archive, hashing each member (and writing it under ``stage`` when given), then hold the
    members to the manifest: the same names, sizes and SHA-256, nothing more, nothing less."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file.")
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for member in tar:
                name = _safe_name(member)
                if name in seen or (name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"{archive}: {name} is in the archive twice.")
                source = tar.extractfile(member)
                if source is None:  # never: _safe_name let a regular file through
                    raise BackupError(f"{archive}: {name} cannot be read.")
                if name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise BackupError(f"{archive}: {MANIFEST} is too large for a KSTT backup's.")
                    manifest_bytes = source.read()
                    continue
                seen[name] = _copy(source, stage / name if stage else None)
    except tarfile.TarError as exc:
        raise BackupError(f"{archive}: not a readable KSTT backup (the tar file is damaged: {exc}).") from None
    except (EOFError, OSError) as exc:
        raise BackupError(f"{archive}: not a readable KSTT backup (the tar file is cut short: {exc}).") from None
    if manifest_bytes is None:
        raise BackupError(f"{archive}: not a KSTT backup (no {MANIFEST}).")
    manifest = _manifest(archive, manifest_bytes)
    listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    missing = sorted(listed.keys() - seen.keys())
    if missing:
        raise BackupError(f"{archive}: {missing[0]} is missing: the archive is damaged or incomplete.")
    extra = sorted(seen.keys() - listed.keys())
    if extra:
        raise BackupError(f"{archive}: {extra[0]} is not in the manifest: the archive was changed.")
    changed = [name for name in sorted(listed) if seen[name] != listed[name]]
    if changed:
        raise BackupError(
            f"{archive}: {changed[0]} does not match its checksum in the manifest: the archive is damaged."
        )
    if DATABASE_FILES[manifest["engine"]] not in listed:
        raise BackupError(f"{archive}: the database is missing from the archive.")
    return manifest


def _safe_name(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    if not member.isreg():
        raise BackupError(f"{member.name}: not a regular file; a KSTT backup holds files only.")
    if path.is_absolute() or ".." in path.parts or "\\" in member.name or not path.parts:
        raise BackupError(f"{member.name}: a path outside the backup; refused.")
    name = str(path)
    if name != MANIFEST and name not in DATABASE_FILES.values() and path.parts[0] != MEDIA:
        raise BackupError(f"{member.name}: not part of a KSTT backup.")
    return name


def _copy(source: IO[bytes], target: Path | None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("xb")
    try:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return size, digest.hexdigest()


def _manifest(archive: Path, body: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(body)
    except ValueError:
        raise BackupError(f"{archive}: {MANIFEST} is not valid JSON: the archive is damaged.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: not a KSTT backup ({MANIFEST} is not a KSTT backup's).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{archive}: backup format {manifest.get('format_version')!r}; this KSTT reads format {FORMAT_VERSION}."
        )
    files = manifest.get("files")
    if (
        manifest.get("engine") not in DATABASE_FILES
        or not isinstance(manifest.get("migrations"), dict)
        or not isinstance(files, list)
        or not all(isinstance(f, dict) and {"path", "size", "sha256"} <= f.keys() for f in files)
    ):
        raise BackupError(f"{archive}: {MANIFEST} is incomplete: the archive is damaged.")
    return manifest


# --- restore --------------------------------------------------------------------------------------------------


def restore(archive: Path, *, at: datetime, force: bool = False, alias: str = "default") -> Restored:
    """Restore a backup into the database ``alias`` and MEDIA_ROOT; nothing is changed unless every check passes.

    Refused: a damaged archive, a backup of the other engine, a backup with migrations this KSTT does not have
    (made by a newer KSTT), and, unless ``force``, a database with tables or a MEDIA_ROOT with files.
    """
    connection = connections[alias]
    kind = engine(connection)
    archive = archive.resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if not force:
        try:
            _require_empty(connection, kind, media_root)
        except DatabaseError as exc:
            raise BackupError(f"The database cannot be reached: {exc}") from None
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # The staging folder is beside MEDIA_ROOT, on its file system, so that the media folder moves in by a rename.
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=f".{media_root.name}.restoring-") as work:
        stage = Path(work)
        manifest = _read(archive, stage=stage)
        if manifest["engine"] != kind:
            raise BackupError(
                f"{archive} holds a {ENGINE_NAMES[manifest['engine']]} database; this KSTT's database "
                f"(DATABASE_URL) is {ENGINE_NAMES[kind]}. Restore it into a {ENGINE_NAMES[manifest['engine']]} "
                "database."
            )
        _require_known_migrations(archive, manifest)
        dump = stage / DATABASE_FILES[kind]
        (stage / MEDIA).mkdir(exist_ok=True)
        if kind == "postgresql":
            script = _pg_script(dump, stage / "restore.sql")
        else:
            _sqlite_check(dump)
        # Everything is checked: from here on the database and the media folder change.
        connection.close()
        if kind == "postgresql":
            _pg_load(connection, script, clean=force)
        else:
            _sqlite_replace(connection, dump)
        aside = _swap_media(stage / MEDIA, media_root, stamp=f"{at.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    return Restored(manifest=manifest, media_set_aside=aside, unapplied_migrations=unapplied_migrations(connection))


def _require_empty(connection: BaseDatabaseWrapper, kind: str, media_root: Path) -> None:
    if kind == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        tables = _sqlite_tables(Path(connection.settings_dict["NAME"]))  # never made by looking
    else:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            f"The database has {len(tables)} tables already: restoring would replace them. "
            "Give --force to replace this database with the backup."
        )
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(
            f"{media_root} (MEDIA_ROOT) holds files already. Give --force to set it aside and restore the backup's."
        )


def _sqlite_tables(path: Path) -> list[str]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def _require_known_migrations(archive: Path, manifest: dict[str, Any]) -> None:
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known)
    if unknown:
        raise BackupError(
            f"{archive} was made by a KSTT with migrations this one does not have ({', '.join(unknown[:5])}): "
            "restore it with that KSTT version or a newer one."
        )


def unapplied_migrations(connection: BaseDatabaseWrapper) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _pg_script(dump: Path, script: Path) -> Path:
    """The dump as one SQL script (pg_restore reads all of it here): a dump it cannot read in full is refused
    before the database is touched, never loaded in part."""
    try:
        done = subprocess.run(  # noqa: S603 (PostgreSQL's own tool, our arguments)
            [_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(dump)],
            capture_output=True,
            text=True,
        )
    except OSError as exc:
        raise BackupError(f"pg_restore could not run: {exc}") from None
    if done.returncode != 0:
        raise BackupError(f"pg_restore cannot read the backup's database: {_last_lines(done.stderr)}")
    return script


def _pg_load(connection: BaseDatabaseWrapper, script: Path, *, clean: bool) -> None:
    """Run the script in ONE transaction (psql --single-transaction, stopping at the first error): a failure
    leaves the database as it was. ``clean``: the schema is dropped and made anew first, in that transaction,
    so that nothing of the former database (a table of a later migration) survives beside the backup."""
    first = ["--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public;"] if clean else []
    command = [_tool("psql"), "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1",
               "--single-transaction", *first, f"--file={script}"]  # fmt: skip
    try:
        loaded = subprocess.run(  # noqa: S603 (PostgreSQL's own tool, our arguments)
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=pg_environment(connection)
        )
    except OSError as exc:
        raise BackupError(f"psql could not run: {exc}") from None
    if loaded.returncode != 0:
        raise BackupError(f"The database was left as it was; loading the dump failed: {_last_lines(loaded.stderr)}")


def _sqlite_check(copy: Path) -> None:
    try:
        db = sqlite3.connect(copy)
        try:
            (result,) = db.execute("PRAGMA integrity_check").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    if result != "ok":
        raise BackupError(f"The backup's SQLite database is damaged: {result}")


def _sqlite_replace(connection: BaseDatabaseWrapper, copy: Path) -> None:
    """Put the (checked) copy in place of the database file by one rename (in its folder's file system)."""
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        raise BackupError("The database is an SQLite database in memory: there is no file to restore into.")
    target = Path(connection.settings_dict["NAME"]).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.restoring-")
    os.close(fd)
    try:
        shutil.copyfile(copy, name)
        os.chmod(name, 0o600)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    for leftover in ("-wal", "-shm", "-journal"):  # the former database's, meaningless beside the new file
        Path(f"{target}{leftover}").unlink(missing_ok=True)


def _swap_media(staged: Path, media_root: Path, *, stamp: str) -> Path | None:
    """Rename the staged media folder into MEDIA_ROOT; a former MEDIA_ROOT with files is set aside, not deleted."""
    aside = None
    if media_root.is_dir():
        if any(media_root.iterdir()):
            aside = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
            n = 1
            while aside.exists():
                n += 1
                aside = media_root.with_name(f"{media_root.name}.before-restore-{stamp}-{n}")
            os.replace(media_root, aside)
        else:
            media_root.rmdir()
    elif media_root.exists():
        raise BackupError(f"{media_root} (MEDIA_ROOT) is not a folder.")
    os.replace(staged, media_root)
    return aside
