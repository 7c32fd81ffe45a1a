"""Command-line backup and restore: `backup -o FILE` and `restore FILE` (DESIGN.md contract)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app import backups as backup
from app.cli.login import account_credentials
from app.cli.output import EXIT_OK, say
from app.cli.session import opened
from app.core import argtypes
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.database import DamagedDatabase, default_database_path
from db.engine import is_url


def register(sub: Any) -> None:
    """Add `backup` and `restore` to the parser."""
    p = sub.add_parser("backup", help=_("write a checked copy of the database"))
    p.add_argument("-o", "--output", type=argtypes.path, required=True, metavar="FILE")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help=_("replace the database with a backup"))
    p.add_argument("file", type=argtypes.path)
    p.set_defaults(handler=cmd_restore)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def cmd_backup(args: argparse.Namespace) -> int:
    """backup -o FILE"""
    with opened(args) as ctx:
        path = backup.backup_to(ctx, args.output)
    say(
        _("Backup written and checked: {path} ({size} MB)").format(
            path=path, size=_megabytes(path.stat().st_size)
        )
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """restore FILE: refused while the database is open in any Tsunagu (its lock)."""
    if args.db and is_url(args.db):
        raise UserError(_("Restore works on a database file, not on a server database."))
    source = args.file.expanduser().absolute()
    if not source.is_file():
        raise UserError(_("There is no backup file at {path}.").format(path=source))
    target = Path(args.db) if args.db else default_database_path()
    if backup.is_encrypted(source) or backup.keyring_of(target).exists():
        # A database with accounts is restored by a coordinator who logs in; the open
        # database's key is also what checks an encrypted backup.
        try:
            with opened(args) as ctx:
                result = backup.restore(ctx, source)
        except DamagedDatabase:
            # Too damaged to log in to: the key file alone says who is a coordinator.
            name, passphrase = account_credentials()
            result = backup.restore_unopened(target, name, passphrase, source)
    else:
        # A plain file is restored without opening it, so a damaged one can be replaced.
        result = backup.restore(target, source)
    say(
        _("Restored {backup} into {database}. The data it replaced was kept as {aside}.").format(
            backup=source.name, database=result.database, aside=result.kept_aside
        )
    )
    return EXIT_OK
