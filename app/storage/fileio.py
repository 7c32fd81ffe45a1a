"""Whole-file reads and guarded, crash-safe writes that fail with one clear UserError."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.outputs import Own, check_output

_MB = 1024 * 1024


def _reason(exc: OSError) -> str:
    """The OS's own short wording (e.g. "No space left on device"), without errno noise."""
    return exc.strerror or str(exc) or type(exc).__name__


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, own: Own | None = None) -> Iterator[Path]:
    """The one way this program writes a file: yields an empty temporary file to fill.

    The destination is first checked by the output guard (app/storage/outputs.py): `own` None means
    a person chose it; the program's own writers say what they write. The temporary file
    sits in the same folder (so the final rename stays on one file system) and is readable
    by its owner only, since what this program writes usually holds personal data. When the
    block ends without an error the file is fsynced, the guard is asked again (a file may
    have appeared meanwhile), and it is renamed over `path`, so readers see the old file or
    the new one, never half; the folder is then fsynced where the platform allows it so
    the rename itself survives a power cut.

    On any OSError (disk full, USB stick pulled, folder read-only, target is a folder) the
    temporary file is removed, an existing file at `path` is left as it was, and
    UserError("Could not write {name}: {reason}") is raised. A refusal by the guard is
    raised before anything is written.
    """
    target = check_output(path, own)
    folder = target.parent
    temp: Path | None = None
    try:
        # mkstemp creates the file with mode 0600 and a name no other writer can take.
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        temp = Path(temp_name)
        yield temp
        fsync_file(temp)
        check_output(target, own, by_content=False)
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise UserError(
            _("Could not write {name}: {reason}").format(name=target.name, reason=_reason(exc)),
            details=[str(target)],
        ) from exc
    finally:
        # Interrupted too (a refusal, Ctrl+C, a bug): never leave a stray temporary file.
        if temp is not None:
            _remove_quietly(str(temp))
    _fsync_folder(folder)


def write_atomically(path: str | os.PathLike[str], data: bytes, *, own: Own | None = None) -> None:
    """Replace `path` with `data` through `atomic_output` (guarded, old or new, never half)."""
    with atomic_output(path, own=own) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)


def copy_atomically(
    source: str | os.PathLike[str], path: str | os.PathLike[str], *, own: Own | None = None
) -> None:
    """Copy the file `source` to `path` through `atomic_output`, keeping its timestamps."""
    with atomic_output(path, own=own) as temp:
        shutil.copyfile(source, temp)
        shutil.copystat(source, temp)


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


def fsync_file(path: Path) -> None:
    """Flush a written file to the disk (what a rename after it relies on)."""
    # Read-write: Windows refuses to flush a file opened only for reading.
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
