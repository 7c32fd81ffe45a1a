"""The one place a command opens the database and logs in."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.cli.output import EXIT_OK, say
from app.core.context import Context
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage import chapter


@contextmanager
def opened(args: argparse.Namespace, *, create: bool = False) -> Iterator[Context]:
    """The database named by --db (or the default one) as the account that logs in.

    Accounts come from TSUNAGU_USER / TSUNAGU_PASSPHRASE or a prompt; a plain database
    made before accounts existed opens as the system coordinator until its first account.
    """
    from app.cli.login import after_command, open_context

    ctx = open_context(args, create=create)
    try:
        yield ctx
        after_command(args, ctx)
    finally:
        ctx.db.close()


def chapter_id_of(ctx: Context, name: str | None) -> str | None:
    """The id of the chapter named by --chapter (name or unique id prefix); None when not given."""
    name = (name or "").strip()
    return chapter.resolve_chapter(ctx, name).id if name else None


def self_test(args: argparse.Namespace) -> int:
    """--self-test: open a fresh database and make a PDF; exit 0 when all is well."""
    import tempfile

    # Here, not at the top: every command opens through this module, few need the roster.
    from app.roster import members

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        args.db = str(folder / "self-test.sqlite")
        with opened(args, create=True) as ctx:
            chapter.set_up_chapter(ctx, "self-test")
            members.add_member(
                ctx,
                members.MemberInput(
                    family_name="髙橋",
                    given_name="﨑子",
                    family_kana="タカハシ",
                    given_kana="サキコ",
                ),
            )
            found = members.list_members(ctx, "たかはし")
            if len(found) != 1 or found[0].family_name != "髙橋":
                raise UserError("self-test: the roster did not read back")
        from app.setup.selftest import check_pdf

        check_pdf(folder / "self-test.pdf", "髙橋 﨑子 タカハシ サキコ")
    say(_("Self-test passed in {ms} ms.").format(ms=int((time.perf_counter() - started) * 1000)))
    return EXIT_OK
