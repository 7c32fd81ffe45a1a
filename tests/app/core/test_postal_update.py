"""`postal --version` and `postal update FILE`: a newer Japan Post table installed beside the
database folder, checked whole, atomically, preferred over the bundled one while newer."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import postal
from app.core.errors import UserError
from app.setup import about
from tests.app.cli.test_cli import run


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    postal._default.close()
    yield
    postal._default.close()


def table(tmp_path: Path, version: str, name: str = "postal.sqlite3") -> Path:
    """A copy of the bundled table claiming another data version."""
    copy = tmp_path / "usb" / version / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(postal.DATA_PATH, copy)
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", (version,))
    conn.commit()
    conn.close()
    return copy


def bundled_version() -> str:
    return postal.read_info(postal.DATA_PATH).data_version


def newer_than_bundled() -> str:
    key = postal.version_key(bundled_version())
    assert key is not None
    return f"{key[0] + 1}.1.0"


def test_version_names_the_japan_post_month() -> None:
    info = postal.current_info()
    assert not info.installed
    assert info.data_month == "{}-{:02d}".format(*postal.version_key(info.data_version)[:2])
    assert about.about_info().postal_data_month == info.data_month


def test_a_newer_table_is_installed_in_the_user_data_folder_and_used(tmp_path: Path) -> None:
    newer = newer_than_bundled()
    info = postal.install_table(table(tmp_path, newer))
    assert info.installed and info.data_version == newer
    assert info.path == postal.user_table_path()
    assert str(info.path).startswith(str(tmp_path / "data"))
    assert postal.current_info().data_version == newer
    assert postal.data_version() == newer
    assert postal.lookup("100-0001")


def test_not_newer_is_refused_unless_forced(tmp_path: Path) -> None:
    same = table(tmp_path, bundled_version())
    with pytest.raises(UserError, match="not newer"):
        postal.install_table(same)
    assert not postal.user_table_path().exists()
    key = postal.version_key(bundled_version())
    older = table(tmp_path, f"{key[0] - 1}.1.0")
    with pytest.raises(UserError):
        postal.install_table(older)
    # --force installs an older table, which the bundled (newer) one then outranks.
    assert postal.install_table(older, force=True).installed
    assert not postal.current_info().installed


@pytest.mark.parametrize("damage", ["text", "truncated", "no-meta", "few-codes", "custom"])
def test_a_broken_table_is_refused_and_the_old_one_stays(tmp_path: Path, damage: str) -> None:
    first = postal.install_table(table(tmp_path, newer_than_bundled()))
    before = first.path.read_bytes()
    bad = table(tmp_path, "9999.1.0", "bad.sqlite3")
    if damage == "text":
        bad.write_bytes(b"postal code,address\n" * 100_000)
    elif damage == "truncated":
        bad.write_bytes(bad.read_bytes()[:1_200_000])
    else:
        conn = sqlite3.connect(bad)
        if damage == "no-meta":
            conn.execute("DROP TABLE meta")
        elif damage == "few-codes":
            conn.execute("UPDATE meta SET value = '12' WHERE key = 'count_codes'")
        else:
            conn.execute("UPDATE meta SET value = 'custom' WHERE key = 'data_version'")
        conn.commit()
        conn.close()
    with pytest.raises(UserError) as caught:
        postal.install_table(bad)
    assert "\n" not in caught.value.message
    assert first.path.read_bytes() == before
    assert sorted(p.name for p in first.path.parent.iterdir()) == [first.path.name]


def test_the_command_line(tmp_path: Path) -> None:
    # run() passes os.environ on, with XDG_DATA_HOME already pointing into tmp_path.
    shown = run("postal", "--version")
    assert shown.returncode == 0 and "bundled" in shown.stdout
    assert postal.current_info().data_month in shown.stdout
    newer = newer_than_bundled()
    done = run("postal", "update", str(table(tmp_path, newer)))
    assert done.returncode == 0, done.stderr
    assert newer in run("postal", "--version").stdout
    again = run("postal", "update", str(table(tmp_path, newer)))
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
    assert run("postal", "update").returncode == 2
