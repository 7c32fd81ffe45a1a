"""Whole-file reads and crash-safe writes that fail with one clear UserError."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from app.errors import UserError
from app.i18n import gettext as _

_MB = 1024 * 1024


def _reason(exc: OSError) -> str:
    """The OS's own short wording (e.g. "No space left on device"), without errno noise."""
    return exc.strerror or str(exc) or type(exc).__name__


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same folder (so the final rename stays on one
    file system), are flushed and fsynced, then renamed over `path`; the folder is fsynced
    where the platform allows it so the rename itself survives a power cut.  The new file
    is readable by its owner only: what this program writes usually holds personal data.

    On any OSError (disk full, USB stick pulled, folder read-only, target is a folder) the
    temporary file is removed, an existing file at `path` is left as it was, and
    UserError("Could not write {name}: {reason}") is raised.
    """
    target = Path(path)
    folder = target.parent
    temp_name: str | None = None
    try:
        # mkstemp creates the file with mode 0600 and a name no other writer can take.
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
        temp_name = None
    except OSError as exc:
        _remove_quietly(temp_name)
        raise UserError(
            _("Could not write {name}: {reason}").format(name=target.name, reason=_reason(exc)),
            details=[str(target)],
        ) from exc
    except BaseException:
        # Interrupted (Ctrl+C, a bug): still leave no stray temporary file behind.
        _remove_quietly(temp_name)
        raise
    _fsync_folder(folder)


def read_file(path: str | os.PathLike[str], *, max_bytes: int) -> bytes:
    """Return the whole content of `path`, refusing files over `max_bytes` before reading them.

    Raises UserError("Could not read {name}: {reason}") when the file cannot be read, and
    UserError("{name} is too large ...") when it is bigger than `max_bytes`.
    """
    source = Path(path)
    try:
        with open(source, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise UserError(
                    _("{name} is too large ({size} MB; the limit is {limit} MB).").format(
                        name=source.name,
                        size=_megabytes(size),
                        limit=_megabytes(max_bytes),
                    ),
                    details=[str(source)],
                )
            # Read one byte past the limit so a file that grows while we read is still caught.
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UserError(
            _("Could not read {name}: {reason}").format(name=source.name, reason=_reason(exc)),
            details=[str(source)],
        ) from exc
    if len(data) > max_bytes:
        raise UserError(
            _("{name} is too large ({size} MB; the limit is {limit} MB).").format(
                name=source.name, size=_megabytes(len(data)), limit=_megabytes(max_bytes)
            ),
            details=[str(source)],
        )
    return data


def _megabytes(size: int) -> str:
    return f"{size / _MB:.1f}"


def _remove_quietly(name: str | None) -> None:
    if name is None:
        return
    with contextlib.suppress(OSError):
        os.unlink(name)


def _fsync_folder(folder: Path) -> None:
    """Persist the rename; Windows cannot open folders, so failure here is not an error."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
