"""Command-line sync: `sync export|import|status`, `join SETUP`, and the `hq` commands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.output import EXIT_OK, print_json, say
from app.cli.session import opened
from app.core import argtypes
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.sync import exchange, hq

CODE_VARIABLE = "TSUNAGU_SETUP_CODE"


def register(sub: Any) -> None:
    """Add `sync`, `join` and `hq` to the parser."""
    s = sub.add_parser("sync", help=_("exchange packages with headquarters"))
    ssub = s.add_subparsers(dest="sync_command")
    p = ssub.add_parser("export", help=_("write the package for headquarters"))
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE")
    p.add_argument("--full", action="store_true", help=_("every row, not only the changes"))
    p.set_defaults(handler=cmd_sync_export)
    p = ssub.add_parser("import", help=_("apply a package from headquarters"))
    p.add_argument("file", type=argtypes.path)
    p.set_defaults(handler=cmd_sync_import)
    p = ssub.add_parser("status", help=_("what waits to go, the last receipt, conflicts"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sync_status)

    p = sub.add_parser("join", help=_("make this database the chapter in a setup file"))
    p.add_argument("setup", type=argtypes.path, metavar="SETUP")
    p.add_argument(
        "--code",
        type=argtypes.text,
        default=None,
        metavar="CODE",
        help=_("the one-time setup code (else TSUNAGU_SETUP_CODE, else asked)"),
    )
    p.set_defaults(handler=cmd_join)

    h = sub.add_parser("hq", help=_("headquarters: chapters and their packages"))
    hsub = h.add_subparsers(dest="hq_command")
    p = hsub.add_parser("init", help=_("make this database headquarters"))
    p.set_defaults(handler=cmd_hq_init)
    p = hsub.add_parser("add-chapter", help=_("register a chapter and write its setup file"))
    p.add_argument("name", type=argtypes.text, metavar="NAME")
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="SETUP")
    p.set_defaults(handler=cmd_hq_add_chapter)
    p = hsub.add_parser("import", help=_("merge chapters' packages"))
    p.add_argument("files", type=argtypes.path, nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_hq_import)
    p = hsub.add_parser("export", help=_("write the package for one chapter"))
    p.add_argument("chapter", type=argtypes.text, metavar="CHAPTER")
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE")
    p.set_defaults(handler=cmd_hq_export)
    p = hsub.add_parser(
        "release",
        help=_("take the next package of a chapter from a newly joined database (old one gone)"),
    )
    p.add_argument("chapter", metavar="CHAPTER")
    p.set_defaults(handler=cmd_hq_release)


def _written(result: exchange.ExportResult) -> str:
    kind = _("full package") if result.full else _("changes")
    return _("Wrote {path}: {rows} rows ({kind}), encrypted; entered in the take-out log.").format(
        path=result.path, rows=result.rows, kind=kind
    )


def _applied(result: exchange.ImportResult) -> str:
    if result.repeated:
        return _("{name}: imported here before; left out, nothing changed.").format(
            name=Path(result.source).name
        )
    text = _(
        "Imported {name}: {applied} rows applied, {unchanged} already here, "
        "{older} older than ours, {conflicts} new conflicts."
    ).format(
        name=Path(result.source).name,
        applied=result.applied_total,
        unchanged=result.unchanged,
        older=result.older,
        conflicts=result.conflicts,
    )
    if result.restored_detected:
        text += " " + _(
            "This database was restored from a backup since its last package: "
            "the next package will hold everything again."
        )
    return text


def cmd_sync_export(args: argparse.Namespace) -> int:
    """sync export -o FILE [--full]"""
    with opened(args) as ctx:
        result = exchange.sync_export(ctx, args.output, full=args.full)
    say(_written(result))
    return EXIT_OK


def cmd_sync_import(args: argparse.Namespace) -> int:
    """sync import FILE"""
    with opened(args) as ctx:
        result = exchange.sync_import(ctx, args.file)
    say(_applied(result))
    return EXIT_OK


def _time(value: Any) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value is not None else _("never")


def cmd_sync_status(args: argparse.Namespace) -> int:
    """sync status [--json]"""
    with opened(args) as ctx:
        status = exchange.sync_status(ctx)
        conflicts = exchange.list_conflicts(ctx)
    if args.json:
        data = {
            "mode": status.mode,
            "joined": status.joined,
            "waiting": status.waiting,
            "waiting_total": status.waiting_total,
            "full_next": status.full_next,
            "last_receipt_at": status.last_receipt_at,
            "last_package_at": status.last_package_at,
            "open_conflicts": status.open_conflicts,
            "conflicts": [
                {
                    "id": c.id,
                    "table": c.table,
                    "row_id": c.row_id,
                    "label": c.label,
                    "kept_version": c.kept_version,
                    "other_version": c.other_version,
                }
                for c in conflicts
            ],
            "chapters": [
                {
                    "id": c.id,
                    "name": c.name,
                    "last_package_at": c.last_package_at,
                    "age_days": c.age_days,
                    "counts": c.counts,
                    "waiting": c.waiting,
                }
                for c in status.chapters
            ],
        }
        print_json(data)
        return EXIT_OK
    if status.mode == "hq":
        say(_("Headquarters: {count} chapters.").format(count=len(status.chapters)))
        for c in status.chapters:
            say(
                _(
                    "{name}: last package {when}, {rows} rows; {waiting} rows waiting for it."
                ).format(
                    name=c.name,
                    when=_time(c.last_package_at),
                    rows=sum(c.counts.values()),
                    waiting=c.waiting,
                )
            )
    else:
        if not status.joined:
            say(_("Not joined to headquarters yet."))
        say(_("Waiting to go: {count} rows.").format(count=status.waiting_total))
        for table, count in sorted(status.waiting.items()):
            say(f"  {exchange.table_label(table)}: {count}")
        say(_("Last receipt from headquarters: {when}").format(when=_time(status.last_receipt_at)))
    say(_("Open conflicts: {count}").format(count=status.open_conflicts))
    return EXIT_OK


def _setup_code(args: argparse.Namespace) -> str:
    if args.code:
        return str(args.code)
    code = os.environ.get(CODE_VARIABLE, "").strip()
    if code:
        return code
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError(_("The setup code is needed: give --code or set TSUNAGU_SETUP_CODE."))
    try:
        return input(_("Setup code from headquarters: "))
    except EOFError as exc:
        raise UserError(
            _("The setup code is needed: give --code or set TSUNAGU_SETUP_CODE.")
        ) from exc


def cmd_join(args: argparse.Namespace) -> int:
    """join SETUP [--code CODE]"""
    from app.accounts import database_path
    from app.storage.keyring import keyring_path
    from app.sync.crypto import read_setup
    from db.engine import is_url

    code = _setup_code(args)
    # The file and its code are checked before anything is created: a refused join leaves
    # no database, key file or recovery key behind.
    read_setup(args.setup, code)
    made: list[Path] = []
    if args.db is None or not is_url(args.db):
        path = database_path(args.db)
        if not path.exists():
            made = [path, keyring_path(path)] + [
                path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")
            ]
    try:
        with opened(args, create=True) as ctx:
            result = exchange.join(ctx, args.setup, code)
    except BaseException:
        # Refused after the database was made for it (a headquarters setup file, say).
        for leftover in made:
            leftover.unlink(missing_ok=True)
        raise
    say(
        _(
            "This database is now the chapter {name}. {rows} existing rows became the "
            "chapter's. Headquarters key fingerprint: {fingerprint}"
        ).format(
            name=result.chapter_name, rows=result.rows_assigned, fingerprint=result.hq_fingerprint
        )
    )
    return EXIT_OK


def cmd_hq_init(args: argparse.Namespace) -> int:
    """hq init"""
    with opened(args, create=True) as ctx:
        info = hq.hq_init(ctx)
        location = ctx.db.location
    say(
        _("Headquarters database ready: {location}. Key fingerprint: {fingerprint}").format(
            location=location.split("@")[-1], fingerprint=info.fingerprint
        )
    )
    return EXIT_OK


def cmd_hq_add_chapter(args: argparse.Namespace) -> int:
    """hq add-chapter NAME -o SETUP: the one-time code is printed once, on stdout."""
    with opened(args) as ctx:
        new = hq.add_chapter(ctx, args.name, args.output)
    say(
        _(
            "Registered {name}; setup file {path}. Give the chapter the file and, separately, "
            "this one-time code:"
        ).format(name=new.name, path=new.setup_path)
    )
    say(new.code)
    return EXIT_OK


def cmd_hq_import(args: argparse.Namespace) -> int:
    """hq import FILE..."""
    with opened(args) as ctx:
        results = hq.hq_import(ctx, args.files)
    for result in results:
        say(_applied(result))
    return EXIT_OK


def cmd_hq_export(args: argparse.Namespace) -> int:
    """hq export CHAPTER -o FILE"""
    with opened(args) as ctx:
        result = hq.hq_export(ctx, args.chapter, args.output)
    say(_written(result))
    return EXIT_OK


def cmd_hq_release(args: argparse.Namespace) -> int:
    """hq release CHAPTER"""
    with opened(args) as ctx:
        hq.release_chapter(ctx, args.chapter)
    say(
        _(
            "Headquarters will take {chapter}'s next package from whichever database sends "
            "it first."
        ).format(chapter=args.chapter)
    )
    return EXIT_OK
