"""Crash reports: an unexpected error is written to a file, never shown as a traceback."""

from __future__ import annotations

import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

import platformdirs

from app.core.errors import UserError
from app.storage.fileio import write_atomically


def report_folder() -> Path:
    """Where crash reports go (the platform's log folder for Tsunagu)."""
    return Path(platformdirs.user_log_dir("Tsunagu", appauthor=False))


def save_report(exc: BaseException) -> Path:
    """Write the error with its traceback and versions; returns the file's path."""
    folder = report_folder()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    text = "".join(
        [
            f"Tsunagu crash report {stamp}\n",
            f"Python {sys.version}\nPlatform {platform.platform()}\n\n",
            *traceback.format_exception(type(exc), exc, exc.__traceback__),
        ]
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}.txt"
        write_atomically(path, text.encode("utf-8"))
    except (OSError, UserError):
        # Even a report that cannot be written must not raise from the error handler.
        path = Path("crash-report-unwritable")
    return path
