"""One instance per database file: an OS lock on a file beside it, naming who holds it."""

from __future__ import annotations

import getpass
import os
import socket
import sys
from pathlib import Path
from typing import IO


class LockHeld(Exception):
    """Another process holds the lock; `holder` says who, as written by that process."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


class FileLock:
    """An exclusive lock held for as long as the database is open in this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise LockHeld with the holder's description."""
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while locked
        if not _try_lock(handle):
            try:
                handle.seek(0)
                holder = handle.read().strip()
            except OSError:  # Windows refuses to read a locked region
                holder = ""
            handle.close()
            raise LockHeld(holder)
        handle.seek(0)
        handle.truncate()
        try:
            user = getpass.getuser()
        except Exception:  # getuser raises various errors when no name is known
            user = "?"
        handle.write(f"{user}@{socket.gethostname()} pid {os.getpid()}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Give the lock up (closing the handle releases the OS lock)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
