"""write_atomically and read_file (app/storage/fileio.py): whole files or clear errors, no stray temp files.

Kept here because the sync work owns only tests/app/sync/; it mirrors app/storage/fileio.py and
can move to tests/app/test_fileio.py.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.storage.fileio import read_file, write_atomically


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_creates_then_replaces(tmp_path: Path) -> None:
    target = tmp_path / "export.tsunagu"
    write_atomically(target, b"first")
    assert target.read_bytes() == b"first"
    write_atomically(str(target), b"second, longer")
    assert target.read_bytes() == b"second, longer"
    assert _names(tmp_path) == ["export.tsunagu"]
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_failed_rename_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: None
) -> None:
    target = tmp_path / "export.tsunagu"
    target.write_bytes(b"old content")

    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(UserError) as caught:
        write_atomically(target, b"new content")
    assert caught.value.message == "Could not write export.tsunagu: No space left on device"
    assert caught.value.details == [str(target)]
    assert target.read_bytes() == b"old content"
    assert _names(tmp_path) == ["export.tsunagu"]


def test_failed_fsync_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.tsunagu"
    target.write_bytes(b"old content")

    def stick_pulled(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", stick_pulled)
    with pytest.raises(UserError):
        write_atomically(target, b"new content")
    assert target.read_bytes() == b"old content"
    assert _names(tmp_path) == ["export.tsunagu"]


def test_target_that_is_a_folder_fails_after_the_temp_was_written(tmp_path: Path) -> None:
    """A real failure at the rename step, no monkeypatch: the temp file must still go."""
    target = tmp_path / "export.tsunagu"
    target.mkdir()
    (target / "keep.txt").write_bytes(b"keep")
    with pytest.raises(UserError):
        write_atomically(target, b"data")
    assert _names(tmp_path) == ["export.tsunagu"]
    assert (target / "keep.txt").read_bytes() == b"keep"


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        write_atomically(tmp_path / "no such folder" / "x.bin", b"data")
    assert _names(tmp_path) == []


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions"
)
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "x.bin").write_bytes(b"old")
    folder.chmod(0o500)
    try:
        with pytest.raises(UserError):
            write_atomically(folder / "x.bin", b"new")
        assert (folder / "x.bin").read_bytes() == b"old"
        assert _names(folder) == ["x.bin"]
    finally:
        folder.chmod(0o700)


def test_interrupt_removes_the_temp_and_propagates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.bin"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"data")
    assert _names(tmp_path) == []


def test_read_file(tmp_path: Path, english: None) -> None:
    path = tmp_path / "in.bin"
    path.write_bytes(b"12345")
    assert read_file(path, max_bytes=5) == b"12345"
    with pytest.raises(UserError) as caught:
        read_file(path, max_bytes=4)
    assert caught.value.message.startswith("in.bin is too large")
    with pytest.raises(UserError) as caught:
        read_file(tmp_path / "absent.bin", max_bytes=5)
    assert caught.value.message == "Could not read absent.bin: No such file or directory"
    with pytest.raises(UserError):
        read_file(tmp_path, max_bytes=5)  # a folder
