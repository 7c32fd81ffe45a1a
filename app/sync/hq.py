"""Headquarters mode: set up, register chapters with their setup files, import and export."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.backups import backup_before_change
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.audit import record_audit
from app.storage.takeout import export_transaction
from app.sync.crypto import generate_party, write_setup
from app.sync.exchange import (
    KIND_FROM_CHAPTER,
    KIND_FROM_HQ,
    PARTY_SETTING,
    SCHEMA_VERSION,
    ExportResult,
    ImportResult,
    PackageRepeated,
    ReadPackage,
    apply_package,
    finish_import,
    own_keys,
    read_package,
    release_replica,
    set_setting,
    write_package,
)
from app.sync.package import PackageError
from db.models import Chapter, SyncPeer


@dataclass(frozen=True)
class HqInfo:
    """This headquarters database's identity."""

    party_id: str
    fingerprint: str


@dataclass(frozen=True)
class NewChapter:
    """A chapter just registered: its id, name, setup file and the one-time code."""

    id: str
    name: str
    setup_path: Path
    code: str


def _require_hq(ctx: Context) -> None:
    if ctx.db.mode != "hq":
        raise UserError(_("This is not a headquarters database. Create one with “hq init”."))


def hq_init(ctx: Context) -> HqInfo:
    """Make this (new or empty) database headquarters: mode "hq" and fresh party keys."""
    ctx.require(Permission.SYNC)
    db = ctx.db
    with db.transaction() as s:
        if own_keys(s) is not None or db.mode == "hq":
            raise UserError(_("This database is already set up for sync; nothing was changed."))
        if s.scalar(select(Chapter.id).limit(1)) is not None:
            raise UserError(
                _(
                    "This database already belongs to a chapter. Headquarters needs its own "
                    "database (use --db)."
                )
            )
        keys = generate_party(str(uuid.uuid4()))
        set_setting(s, PARTY_SETTING, keys.to_dict())
        set_setting(s, "mode", "hq")
    db.mode = "hq"
    db.chapter_id = None
    return HqInfo(keys.party_id, keys.public().fingerprint())


def hq_info(ctx: Context) -> HqInfo:
    """This headquarters' party id and key fingerprint."""
    _require_hq(ctx)
    with ctx.db.transaction() as s:
        keys = own_keys(s)
        if keys is None:
            raise UserError(_("This is not a headquarters database. Create one with “hq init”."))
        return HqInfo(keys.party_id, keys.public().fingerprint())


def add_chapter(ctx: Context, name: str, setup_path: str | Path) -> NewChapter:
    """Register chapter `name` and write its setup file; returns the one-time code.

    The chapter's private keys exist only inside the setup file: headquarters keeps the
    public half. Show the code once and hand it over apart from the file.
    """
    ctx.require(Permission.SYNC)
    _require_hq(ctx)
    name = name.strip()
    if not name:
        raise UserError(_("The chapter needs a name."))
    path = Path(setup_path)
    with ctx.db.transaction() as s:
        keys = own_keys(s)
        if keys is None:
            raise UserError(_("This is not a headquarters database. Create one with “hq init”."))
        if s.scalar(select(Chapter.id).where(Chapter.name == name, Chapter.deleted.is_(False))):
            raise UserError(_("There is already a chapter called {name}.").format(name=name))
        chapter_id = str(uuid.uuid4())
        s.add(Chapter(id=chapter_id, name=name, chapter_id=chapter_id))
        chapter_keys = generate_party(chapter_id)
        s.add(
            SyncPeer(
                id=chapter_id,
                name=name,
                kind="chapter",
                public_keys=chapter_keys.public().to_dict(),
            )
        )
        s.flush()
        code = write_setup(path, chapter_keys, name, keys.public(), SCHEMA_VERSION)
    return NewChapter(chapter_id, name, path, code)


@dataclass(frozen=True)
class ChapterRef:
    """A registered chapter."""

    id: str
    name: str


def list_chapters(ctx: Context) -> list[ChapterRef]:
    """Every registered chapter, by name."""
    _require_hq(ctx)
    with ctx.db.transaction() as s:
        peers = s.scalars(select(SyncPeer).where(SyncPeer.kind == "chapter"))
        return sorted((ChapterRef(p.id, p.name) for p in peers), key=lambda c: c.name)


def find_chapter(ctx: Context, ref: str) -> ChapterRef:
    """A chapter by its name or any unique prefix of its id."""
    chapters = list_chapters(ctx)
    ref = ref.strip()
    by_name = [c for c in chapters if c.name == ref]
    if len(by_name) == 1:
        return by_name[0]
    by_id = [c for c in chapters if ref and c.id.startswith(ref.lower())]
    if len(by_id) == 1:
        return by_id[0]
    if len(by_id) > 1:
        raise UserError(
            _("“{ref}” fits more than one chapter; give more of the id.").format(ref=ref)
        )
    raise UserError(_("No chapter is called “{ref}”.").format(ref=ref))


def release_chapter(ctx: Context, chapter: str) -> bool:
    """Forget which database a chapter's packages come from (its old computer is gone for
    good): the next package from a database joined with its setup file becomes the chapter.
    True when headquarters knew one."""
    ctx.require(Permission.SYNC)
    _require_hq(ctx)
    ref = find_chapter(ctx, chapter)
    with ctx.db.transaction() as s:
        peer = s.get(SyncPeer, ref.id)
        if peer is None:
            raise UserError(_("No chapter is called “{ref}”.").format(ref=chapter))
        known = release_replica(s, peer)
        record_audit(s, ctx, "change", "chapter", ref.id, "replica released")
        return known


def hq_import(ctx: Context, paths: Sequence[str | Path]) -> list[ImportResult]:
    """Verify every file first; then merge each in its own transaction.

    If any file is refused, none is applied: the error names the file. In a batch, a package
    that was imported before (or is given twice) is left out and reported as repeated; on its
    own it is refused like any other.
    """
    ctx.require(Permission.SYNC)
    _require_hq(ctx)
    db = ctx.db
    read: list[ReadPackage] = []
    repeated: list[ImportResult] = []
    seen: set[str] = set()
    for path in paths:
        with db.session(stamp=False) as s, s.begin():
            try:
                package = read_package(db, s, Path(path), expect_kind=KIND_FROM_CHAPTER)
            except PackageRepeated:
                if len(paths) == 1:
                    raise
                repeated.append(_repeated(Path(path)))
                continue
            except PackageError as exc:
                if len(paths) == 1:
                    raise
                raise UserError(
                    _("{name}: {message} No package was imported.").format(
                        name=Path(path).name, message=exc.message
                    ),
                    details=exc.details,
                ) from exc
        if package.package_id in seen:
            repeated.append(_repeated(Path(path)))
            continue
        seen.add(package.package_id)
        read.append(package)
    results = []
    if read:
        backup_before_change(ctx, "before merge")
    for package in read:
        with db.session(stamp=False) as s:
            with s.begin():
                results.append(apply_package(ctx, s, package))
            finish_import(db, s)
    return results + repeated


def _repeated(path: Path) -> ImportResult:
    """The report line of a package left out of a batch because it was imported before."""
    return ImportResult(
        package_id="",
        source=str(path),
        sender="",
        applied={},
        unchanged=0,
        older=0,
        conflicts=0,
        restored_detected=False,
        created_at="",
        repeated=True,
    )


def hq_export(ctx: Context, chapter: str, path: str | Path, *, full: bool = False) -> ExportResult:
    """Write the package for one chapter: shared directories, that chapter's rows changed
    here, and the receipt for what headquarters has applied from it."""
    ctx.require(Permission.SYNC)
    _require_hq(ctx)
    ref = find_chapter(ctx, chapter)
    with export_transaction(ctx, path) as s:
        keys = own_keys(s)
        peer = s.get(SyncPeer, ref.id)
        if keys is None or peer is None:
            raise UserError(_("This is not a headquarters database. Create one with “hq init”."))
        return write_package(
            ctx,
            s,
            Path(path),
            keys=keys,
            peer=peer,
            kind=KIND_FROM_HQ,
            chapter_id=ref.id,
            full=full,
            what=_("Sync package for {chapter}").format(chapter=ref.name),
        )
