"""Backups of the open database: consistent copies, checked, rotated, and restored safely."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlcipher3
from sqlalchemy import func, select

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage import chapter as chapter_service
from app.storage import outputs
from app.storage.database import Database
from app.storage.fileio import atomic_output, copy_atomically, write_atomically
from app.storage.fileio import fsync_file as _fsync_file
from app.storage.filelock import FileLock, LockHeld
from app.storage.outputs import OutputRefused, Own, check_output, protect_folder
from app.storage.takeout import record_take_out
from db import migrate
from db.engine import SQLITE_HEADER, key_pragma
from db.models import Member, WatchedPerson

# Named in app/storage/outputs.py, which keeps every other output out of the backup folder.
DEFAULT_FOLDER_NAME = outputs.BACKUP_FOLDER_NAME
MANIFEST_NAME = outputs.BACKUP_MANIFEST
SUFFIX = ".sqlite"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
KEEP_MANUAL = 10
KINDS = ("daily", "weekly", "monthly", "manual")
AUTO_TAG = "auto"
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(
    r"^(?P<stem>.+)\.backup-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?-(?P<tag>[a-z0-9-]+)\.sqlite$"
)
_CHUNK = 1024 * 1024
# The key file beside an encrypted database (app/storage/keyring.py): a backup carries its own copy,
# since an encrypted copy cannot be opened anywhere else without the wrapped keys.
KEYRING_SUFFIX = ".keys"
# Tables every Tsunagu database has; a file without them is refused as a restore source.
_REQUIRED_TABLES = frozenset({"alembic_version", "members", "local_meta", "settings"})


@dataclass(frozen=True)
class BackupInfo:
    """One backup in the backup folder, as the Backups page lists it."""

    path: Path
    taken_at: datetime
    kind: str
    reason: str
    size: int
    verified: bool


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: where the replaced data was kept, and the restored revision."""

    database: Path
    kept_aside: Path
    revision: str


# --- where backups go ---------------------------------------------------------------------------


def _database_file(db: Database) -> Path:
    if db.path is None:
        raise UserError(_("Backups are made only of a database file, not of a server database."))
    return db.path


def default_folder(db: Database) -> Path:
    """The `backups` folder beside the database file."""
    return _database_file(db).parent / DEFAULT_FOLDER_NAME


def backup_folder(ctx: Context) -> Path:
    """The folder chosen in the preferences, else the default one beside the database."""
    chosen = chapter_service.load_preferences(ctx).backup_folder.strip()
    if not chosen:
        return default_folder(ctx.db)
    # Known to the output guard from now on: no export may land among the backups.
    protect_folder(chosen)
    return Path(chosen)


def set_backup_folder(ctx: Context, folder: str | Path | None) -> Path:
    """Choose where automatic and manual backups go (None or "" for the default)."""
    ctx.require(Permission.ADMIN)
    text = str(folder).strip() if folder else ""
    if text:
        target = Path(text).expanduser().absolute()
        if not target.is_dir():
            raise UserError(_("{folder} is not a folder that exists.").format(folder=target))
        if not os.access(target, os.W_OK):
            raise UserError(_("The folder {folder} is read-only.").format(folder=target))
        text = str(target)
    prefs = chapter_service.load_preferences(ctx)
    chapter_service.save_preferences(ctx, replace(prefs, backup_folder=text))
    return backup_folder(ctx)


def _ready_folder(folder: Path, default: bool) -> None:
    """Make the default folder when missing; a chosen folder that is gone is a clear error."""
    if folder.is_dir():
        return
    if not default:
        raise UserError(
            _(
                "The backup folder {folder} cannot be reached. If it is on a USB stick, "
                "plug the stick in and try again."
            ).format(folder=folder)
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            _("Could not create the folder {folder}: {reason}").format(
                folder=folder, reason=_reason(exc)
            )
        ) from exc


# --- names, kinds and rotation ------------------------------------------------------------------


def _slug(reason: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    return slug[:40] or "manual"


def _backup_name(stem: str, at: datetime, tag: str, n: int = 0) -> str:
    count = f"-{n}" if n else ""
    return f"{stem}.backup-{at.strftime(_STAMP)}{count}-{tag}{SUFFIX}"


@dataclass(frozen=True)
class _Parsed:
    stem: str
    taken_at: datetime
    order: int
    manual: bool
    reason: str


def _parse_name(name: str) -> _Parsed | None:
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        taken_at = datetime.strptime(match["stamp"], _STAMP)
    except ValueError:
        return None
    tag = match["tag"]
    manual = tag != AUTO_TAG
    reason = tag.removeprefix("manual-") if manual else ""
    return _Parsed(match["stem"], taken_at, int(match["n"] or 0), manual, reason)


def plan_rotation(
    automatic: Sequence[tuple[datetime, str]], manual: Sequence[tuple[datetime, str]]
) -> dict[str, str]:
    """Which backups to keep and as what kind; every name not in the answer is deleted.

    Automatic copies: the newest of each of the last 7 days, 4 ISO weeks and 12 months that
    have a copy (a copy kept for several reasons is labelled by the shortest period).
    Manual copies (before an import or a merge, "Back up now"): the newest 10.
    """
    newest_first = sorted(automatic, reverse=True)
    kinds: dict[str, str] = {}
    periods: tuple[tuple[str, int, Callable[[datetime], Hashable]], ...] = (
        ("monthly", KEEP_MONTHLY, lambda t: (t.year, t.month)),
        ("weekly", KEEP_WEEKLY, lambda t: t.isocalendar()[:2]),
        ("daily", KEEP_DAILY, lambda t: t.date()),
    )
    for kind, count, period in periods:
        seen: set[Hashable] = set()
        for taken_at, name in newest_first:
            key = period(taken_at)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.add(key)
            kinds[name] = kind
    for _taken_at, name in sorted(manual, reverse=True)[:KEEP_MANUAL]:
        kinds[name] = "manual"
    return kinds


def _entries(folder: Path, stem: str) -> list[tuple[Path, _Parsed]]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = []
    for name in names:
        parsed = _parse_name(name)
        if parsed is not None and parsed.stem == stem:
            found.append((folder / name, parsed))
    return found


def _kinds(entries: list[tuple[Path, _Parsed]]) -> dict[str, str]:
    def key(parsed: _Parsed) -> datetime:
        return parsed.taken_at.replace(microsecond=min(parsed.order, 999_999))

    auto = [(key(p), path.name) for path, p in entries if not p.manual]
    manual = [(key(p), path.name) for path, p in entries if p.manual]
    return plan_rotation(auto, manual)


def rotate(folder: Path, stem: str) -> list[Path]:
    """Delete the backups of database `stem` in `folder` that rotation no longer keeps."""
    entries = _entries(folder, stem)
    keep = _kinds(entries)
    removed = []
    for path, _parsed in entries:
        if path.name not in keep:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
            with contextlib.suppress(OSError):
                keyring_of(path).unlink()
    if removed:
        manifest = _read_manifest(folder)
        for path in removed:
            manifest.pop(path.name, None)
        _write_manifest(folder, manifest)
    return removed


# --- the manifest: what was checked after writing -----------------------------------------------


def _read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_manifest(folder: Path, manifest: dict[str, dict[str, Any]]) -> None:
    """Best effort: a manifest that cannot be written only makes copies show 'not checked'."""
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    with contextlib.suppress(UserError):
        write_atomically(folder / MANIFEST_NAME, data, own=Own.BACKUP)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# --- writing one backup -------------------------------------------------------------------------


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UserError) and isinstance(exc.__cause__, OSError):
        # The file writer's own "Could not write ..." around the OS's words: keep the words.
        return _reason(exc.__cause__)
    if isinstance(exc, UserError):
        return exc.message
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


def is_encrypted(path: Path) -> bool:
    """True when the file does not start with SQLite's plain header (SQLCipher encrypts it)."""
    with open(path, "rb") as fh:
        return fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER


def _uri(path: Path, readonly: bool = True) -> str:
    text = path.absolute().as_posix()
    mode = "ro" if readonly else "rw"
    return f"file:///{quote(text.lstrip('/'), safe='/:')}?mode={mode}"


@contextlib.contextmanager
def _raw_connection(db: Database) -> Iterator[Any]:
    """The driver's own connection (autocommit) from the database's pool."""
    with db.engine.connect() as conn:
        yield conn.connection.driver_connection


def keyring_of(path: Path) -> Path:
    """The key file that belongs with the database or backup at `path`."""
    return path.with_name(path.name + KEYRING_SUFFIX)


def _copy_database(raw: Any, source: Path, temp: Path) -> None:
    """A consistent copy of the open database into the (empty) file `temp`.

    A plain database goes through SQLite's online backup API. An encrypted one is copied
    with VACUUM INTO on the keyed connection: with SQLCipher the copy is encrypted with the
    same key, and the key never has to leave the connection. Both run as one read
    transaction, so the copy is one moment's state even while the window keeps writing.
    """
    if is_encrypted(source):
        raw.execute("VACUUM INTO ?", (str(temp),))
        return
    target = sqlcipher3.connect(str(temp))
    try:
        raw.backup(target)
        # A backup is one self-contained file: no WAL beside it on a USB stick.
        target.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        target.close()


def _check_attached(raw: Any, path: Path) -> str:
    """Integrity-check `path` read-only through the open connection; returns its revision.

    ATTACH without a KEY clause uses the open database's key, so an encrypted backup is
    checked with the same key without the key ever being handled here.
    """
    alias = f"chk_{secrets.token_hex(4)}"
    raw.execute(f"ATTACH DATABASE ? AS {alias}", (_uri(path),))
    try:
        rows = raw.execute(f"PRAGMA {alias}.integrity_check").fetchall()
        tables = {
            r[0] for r in raw.execute(f"SELECT name FROM {alias}.sqlite_master WHERE type='table'")
        }
        revision = None
        if "alembic_version" in tables:
            revision = raw.execute(f"SELECT version_num FROM {alias}.alembic_version").fetchone()
    finally:
        raw.execute(f"DETACH DATABASE {alias}")
    return _judge(path, rows, tables, revision[0] if revision else None)


def _check_file(path: Path, key: bytes | None) -> str:
    """Integrity-check a backup file on its own connection (read-only, with `key`)."""
    if key is None and is_encrypted(path):
        raise UserError(
            _(
                "{name} is encrypted. Open Tsunagu with your account and restore it "
                "from the Backups page."
            ).format(name=path.name)
        )
    conn = sqlcipher3.connect(_uri(path), uri=True)
    try:
        if key is not None:
            conn.execute(key_pragma(key))
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in tables:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    return _judge(path, rows, tables, revision[0] if revision else None)


def _judge(path: Path, rows: list[Any], tables: set[str], revision: str | None) -> str:
    if [tuple(r) for r in rows] != [("ok",)]:
        raise UserError(
            _("{name} is damaged (the integrity check failed).").format(name=path.name),
            details=[str(r[0]) for r in rows[:20]],
        )
    if not _REQUIRED_TABLES <= tables or not revision:
        raise UserError(_("{name} is not a Tsunagu database.").format(name=path.name))
    if not migrate.is_known(revision):
        raise UserError(
            _("{name} was made by a newer version of Tsunagu. Please update Tsunagu first.").format(
                name=path.name
            )
        )
    return revision


def _write_backup(ctx: Context, target: Path, own: Own | None) -> Path:
    """Copy, fsync, check, then rename to `target`; nothing half-written is ever left.

    `own` None: a file a person chose (checked in full by the output guard, with the key
    file that goes beside it); Own.BACKUP: a copy in the backup folder.
    """
    db = ctx.db
    source = _database_file(db)
    keys_target = keyring_of(target)
    # Both names are refused before anything is written, with the guard's own words.
    check_output(target, own)
    check_output(keys_target, own)
    try:
        with atomic_output(target, own=own) as temp:
            try:
                with _raw_connection(db) as raw:
                    _copy_database(raw, source, temp)
                    _fsync_file(temp)
                    _check_attached(raw, temp)
                # Before the backup gets its name: a named copy always has its key file.
                _copy_keyring(source, target, own)
            finally:
                with contextlib.suppress(OSError):
                    temp.with_name(temp.name + "-journal").unlink()
    except OutputRefused:
        raise
    except (OSError, sqlcipher3.Error, UserError) as exc:
        if not target.exists():
            _remove_quietly(keys_target)
        raise UserError(
            _("Could not write the backup {name}: {reason}").format(
                name=target.name, reason=_reason(exc)
            ),
            details=[str(target)],
        ) from exc
    return target


def _copy_keyring(database: Path, target: Path, own: Own | None) -> None:
    """Put the database's key file beside the backup (a plain backup gets none)."""
    keys = keyring_of(database)
    if keys.is_file():
        write_atomically(keyring_of(target), keys.read_bytes(), own=own)
    else:
        check_output(keyring_of(target), own)
        with contextlib.suppress(OSError):
            keyring_of(target).unlink()


def _remove_quietly(path: Path) -> None:
    for extra in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            extra.unlink()


def _record_if_taken_out(ctx: Context, target: Path) -> bool:
    """A copy outside the data folder is personal data leaving it: log it. True when logged."""
    data_folder = _database_file(ctx.db).parent.resolve()
    if target.resolve().is_relative_to(data_folder):
        return False
    encrypted = is_encrypted(target)
    with ctx.db.transaction() as s:
        members = (
            s.scalar(select(func.count()).select_from(Member).where(Member.deleted.is_(False))) or 0
        )
        watched = (
            s.scalar(
                select(func.count())
                .select_from(WatchedPerson)
                .where(WatchedPerson.deleted.is_(False))
            )
            or 0
        )
        record_take_out(
            s,
            ctx,
            action="backup",
            what=_("Backup of the whole database"),
            people=members + watched,
            special_care=watched > 0,
            encrypted=encrypted,
            destination=str(target),
        )
    return True


def _free_name(folder: Path, stem: str, at: datetime, tag: str) -> Path:
    n = 0
    while (folder / _backup_name(stem, at, tag, n)).exists():
        n += 1
    return folder / _backup_name(stem, at, tag, n)


def _into_folder(ctx: Context, folder: Path, tag: str, now: datetime | None) -> Path:
    db_file = _database_file(ctx.db)
    _ready_folder(folder, folder == default_folder(ctx.db))
    target = _free_name(folder, db_file.stem, (now or datetime.now()).replace(microsecond=0), tag)
    _write_backup(ctx, target, Own.BACKUP)
    manifest = _read_manifest(folder)
    manifest[target.name] = {
        "size": target.stat().st_size,
        "sha256": _sha256(target),
        "checked": datetime.now().replace(microsecond=0).isoformat(),
    }
    _write_manifest(folder, manifest)
    _record_if_taken_out(ctx, target)
    rotate(folder, db_file.stem)
    return target


def backup_now(ctx: Context, reason: str = "manual") -> Path:
    """A checked copy in the backup folder, kept as a manual copy; returns its path.

    Call it before anything that changes much at once (an import, a merge), before that
    change opens its own transaction. No permission is asked: a protective copy in the
    chapter's own backup folder must never be refused. Raises UserError when the copy
    cannot be made (folder unreachable, disk full) and for a server database, whose
    backups are the server's business (check `ctx.db.path is not None` first there).
    """
    tag = "manual" if _slug(reason) == "manual" else f"manual-{_slug(reason)}"
    return _into_folder(ctx, backup_folder(ctx), tag, None)


def daily_backup(ctx: Context, now: datetime | None = None) -> Path | None:
    """The automatic copy made when the window closes, then rotation; None when unneeded.

    Skipped when today's automatic copy is newer than the database file. When the chosen
    folder cannot be reached (USB stick not plugged in), the copy goes to the default
    folder beside the database so that the day's work is still protected.
    """
    if ctx.db.path is None:
        return None
    db_file = ctx.db.path
    folder = backup_folder(ctx)
    today = (now or datetime.now()).date()
    if _fresh_today(folder, db_file, today):
        return None
    try:
        return _into_folder(ctx, folder, AUTO_TAG, now)
    except UserError:
        fallback = default_folder(ctx.db)
        if folder == fallback:
            raise
        return _into_folder(ctx, fallback, AUTO_TAG, now)


def _fresh_today(folder: Path, db_file: Path, today: date) -> bool:
    changed = 0.0
    for path in (db_file, db_file.with_name(db_file.name + "-wal")):
        with contextlib.suppress(OSError):
            changed = max(changed, path.stat().st_mtime)
    for path, parsed in _entries(folder, db_file.stem):
        if parsed.manual or parsed.taken_at.date() != today:
            continue
        with contextlib.suppress(OSError):
            if path.stat().st_mtime >= changed:
                return True
    return False


def backup_to(ctx: Context, target: Path) -> Path:
    """A checked copy at `target` (the command line's `backup -o FILE`)."""
    ctx.require(Permission.ADMIN)
    db_file = _database_file(ctx.db)
    target = target.expanduser().absolute()
    if target.exists() and target.resolve() == db_file.resolve():
        raise UserError(_("A backup cannot replace the database it copies."))
    if target.is_dir():
        raise UserError(_("{path} is a folder, not a file name.").format(path=target))
    if not target.parent.is_dir():
        raise UserError(_("The folder {folder} cannot be reached.").format(folder=target.parent))
    _write_backup(ctx, target, None)
    _record_if_taken_out(ctx, target)
    return target


def list_backups(ctx: Context) -> list[BackupInfo]:
    """The backups of this database in the backup folder, newest first."""
    db_file = _database_file(ctx.db)
    folder = backup_folder(ctx)
    entries = _entries(folder, db_file.stem)
    kinds = _kinds(entries)
    manifest = _read_manifest(folder)
    found = []
    for path, parsed in entries:
        try:
            size = path.stat().st_size
        except OSError:
            continue
        checked = manifest.get(path.name, {})
        found.append(
            BackupInfo(
                path=path,
                taken_at=parsed.taken_at,
                kind=kinds.get(path.name, "manual" if parsed.manual else "daily"),
                reason=parsed.reason,
                size=size,
                verified=checked.get("size") == size,
            )
        )
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def verify_backup(ctx_or_key: Context | bytes | None, backup_file: Path) -> str:
    """Check a backup fully (hash if recorded, integrity, a known Tsunagu revision).

    Returns the backup's schema revision; raises UserError saying what is wrong.
    """
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise UserError(_("There is no backup file at {path}.").format(path=backup_file))
    recorded = _read_manifest(backup_file.parent).get(backup_file.name, {}).get("sha256")
    try:
        if recorded and recorded != _sha256(backup_file):
            raise UserError(
                _("{name} has changed since it was written; it may be damaged.").format(
                    name=backup_file.name
                )
            )
        if isinstance(ctx_or_key, Context):
            with _raw_connection(ctx_or_key.db) as raw:
                return _check_attached(raw, backup_file)
        return _check_file(backup_file, ctx_or_key)
    except (OSError, sqlcipher3.Error) as exc:
        raise UserError(
            _("{name} cannot be read as a Tsunagu database: {reason}").format(
                name=backup_file.name, reason=_reason(exc)
            )
        ) from exc


# --- restore ------------------------------------------------------------------------------------


def restore(
    ctx_or_path: Context | Path, backup_file: Path, *, key: bytes | None = None
) -> RestoreResult:
    """Replace the database with a verified backup, keeping the current file aside.

    Given a Context (the window), the open database is closed afterwards: the program must
    be started again. Given a path, the file must not be open anywhere (its lock is taken).
    """
    backup_file = Path(backup_file).expanduser().absolute()
    if isinstance(ctx_or_path, Context):
        ctx = ctx_or_path
        ctx.require(Permission.ADMIN)
        path = _database_file(ctx.db)
        revision = verify_backup(ctx, backup_file)
        # Closing every connection checkpoints the WAL into the file before it is set aside.
        ctx.db.engine.dispose()
        # The current key file stays: accounts removed or passphrases changed since the
        # backup stay so (the same database key opened the backup, so it still fits).
        result = _swap_in(path, backup_file, revision, backup_keys=False)
        ctx.db.close()
        return result
    path = Path(ctx_or_path).expanduser().absolute()
    lock = FileLock(path.with_name(path.name + ".lock"))
    try:
        lock.acquire()
    except LockHeld as held:
        raise UserError(
            _("{name} is open in another Tsunagu ({holder}). Close it first.").format(
                name=path.name, holder=held.holder or "?"
            )
        ) from held
    except OSError as exc:
        raise UserError(
            _("Could not open {name}: {reason}").format(name=path.name, reason=_reason(exc))
        ) from exc
    try:
        revision = verify_backup(key, backup_file)
        return _swap_in(path, backup_file, revision, backup_keys=True)
    finally:
        lock.release()


def restore_unopened(
    location: str | Path | None, name: str, passphrase: str, backup_file: Path
) -> RestoreResult:
    """Restore a database too damaged to open, as a coordinator named in its key file."""
    from app import accounts

    path = accounts.database_path(location)
    return restore(path, backup_file, key=accounts.coordinator_key(path, name, passphrase))


def _swap_in(path: Path, backup_file: Path, revision: str, *, backup_keys: bool) -> RestoreResult:
    """Swap the backup in with one rename; the old file, WAL and key file are kept aside.

    `backup_keys`: an encrypted backup brings its own key file (when it has one) rather
    than keeping the current one. A plain backup never keeps a key file beside it.
    """
    if path.exists() and backup_file.resolve() == path.resolve():
        raise UserError(_("This backup is the database itself."))
    stamp = datetime.now().strftime(_STAMP)
    aside = path.with_name(f"{path.stem}.before-restore-{stamp}{path.suffix}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.stem}.before-restore-{stamp}-{n}{path.suffix}")
    moved: list[tuple[Path, Path]] = []
    try:
        # The backup's bytes go to a temporary file beside the database, renamed over it last.
        with atomic_output(path, own=Own.DATABASE) as temp:
            with open(backup_file, "rb") as src, open(temp, "wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
            if path.exists():
                try:
                    os.link(path, aside)  # the current file stays in place until the swap
                except OSError:
                    copy_atomically(path, aside, own=Own.BACKUP)
                # A WAL left beside the new file would be replayed into it: keep it with the old.
                for suffix in ("-wal", "-shm"):
                    extra = path.with_name(path.name + suffix)
                    if extra.exists():
                        kept = aside.with_name(aside.name + suffix)
                        os.replace(extra, kept)
                        moved.append((kept, extra))
            plain = not is_encrypted(backup_file)
            new_keys = keyring_of(backup_file) if backup_keys and not plain else None
            if new_keys is not None and not new_keys.is_file():
                new_keys = None
            current_keys = keyring_of(path)
            if current_keys.is_file():
                if plain or new_keys is not None:
                    os.replace(current_keys, keyring_of(aside))
                    moved.append((keyring_of(aside), current_keys))
                else:
                    copy_atomically(current_keys, keyring_of(aside), own=Own.BACKUP)
            if new_keys is not None:
                write_atomically(current_keys, new_keys.read_bytes(), own=Own.KEY_FILE)
    except (OSError, UserError) as exc:
        # The current file was not replaced: put its WAL back and drop the extra copy.
        for kept, extra in moved:
            with contextlib.suppress(OSError):
                os.replace(kept, extra)
        if path.exists():
            for extra in (aside, keyring_of(aside)):
                with contextlib.suppress(OSError):
                    extra.unlink()
        raise UserError(
            _("Could not restore {name}: {reason}. The current data was left as it was.").format(
                name=backup_file.name, reason=_reason(exc)
            )
        ) from exc
    return RestoreResult(path, aside, revision)


def backup_before_change(ctx: Context, reason: str) -> Path | None:
    """`backup_now` for a database file; a server database is the server's to back up."""
    if ctx.db.path is None:
        return None
    return backup_now(ctx, reason)
