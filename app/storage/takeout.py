"""The take-out log: what personal data left the machine, so a loss can be judged in days."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.context import Context
from db.models import TakeOutLog


def record_take_out(
    session: Session,
    ctx: Context,
    *,
    action: str,
    what: str,
    people: int,
    special_care: bool,
    encrypted: bool,
    destination: str,
) -> None:
    """Add one entry in the caller's transaction (it travels to headquarters)."""
    session.add(
        TakeOutLog(
            at=datetime.now().replace(microsecond=0),
            user_name=ctx.actor.name,
            action=action,
            what=what,
            people_count=people,
            special_care=special_care,
            encrypted=encrypted,
            destination=destination,
        )
    )


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns


@contextmanager
def export_transaction(ctx: Context, path: str | os.PathLike[str]) -> Iterator[Session]:
    """One transaction for an export and its take-out entry, the file written inside it.

    A write that fails rolls the entry back; a commit that fails after the file was renamed
    into place removes the file again. Either way no file leaves without its log line, and
    no log line names a file that was not written.
    """
    target = Path(path)
    before = _identity(target)
    try:
        with ctx.db.transaction() as s:
            yield s
    except BaseException:
        if _identity(target) != before:
            target.unlink(missing_ok=True)
        raise
