"""One window per database file: a second start raises the first, or says who holds the file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.ime import answer_next_message_box
from ui import single_instance
from ui.launch import claim_database
from ui.single_instance import Claim, SingleInstance, database_file, server_name

ROOT = Path(__file__).resolve().parents[2]


def listening(name: str) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    ok = socket.waitForConnected(200)
    socket.abort()
    return ok


@pytest.fixture
def guard(tmp_path: Path) -> Iterator[SingleInstance]:
    first = SingleInstance(tmp_path / "c.sqlite")
    yield first
    first.close()


def test_defaults_agree_with_the_data_layer() -> None:
    from app.storage.database import DEFAULT_FILENAME, default_database_path
    from ui.dialogs.settings import DATA_FOLDER_KEY

    assert single_instance.DEFAULT_FILENAME == DEFAULT_FILENAME
    assert single_instance.DATA_FOLDER_KEY == DATA_FOLDER_KEY
    settings = QSettings("Tsunagu", "Tsunagu")
    saved = settings.value(DATA_FOLDER_KEY)
    settings.remove(DATA_FOLDER_KEY)
    try:
        assert database_file(None) == default_database_path()
    finally:
        if saved is not None:
            settings.setValue(DATA_FOLDER_KEY, saved)
    assert database_file("postgresql://hq/db") is None
    assert database_file("~/x.sqlite") == Path("~/x.sqlite").expanduser().absolute()


def test_names_differ_per_file(tmp_path: Path) -> None:
    a, b = server_name(tmp_path / "a.sqlite"), server_name(tmp_path / "b.sqlite")
    assert a != b and a.startswith("tsunagu-") and len(a) < 40
    assert server_name(tmp_path / "a.sqlite") == a


def test_a_second_start_asks_the_first_to_come_forward(qtbot: QtBot, guard: SingleInstance) -> None:
    assert guard.claim().claim is Claim.OURS
    second = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from PySide6.QtCore import QCoreApplication; "
            "from ui.single_instance import ask_first; app = QCoreApplication([]); "
            "print(ask_first(sys.argv[1]))",
            guard.name,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    with qtbot.waitSignal(guard.raise_requested, timeout=15000):
        pass
    out, _err = second.communicate(timeout=15)
    assert out.strip() == "Claim.RAISED"


def test_no_window_listening_means_this_start_owns_the_file(
    guard: SingleInstance, tmp_path: Path
) -> None:
    assert not listening(guard.name)
    assert guard.claim() == single_instance.Outcome(Claim.OURS)
    assert listening(guard.name)


HUNG = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalServer
from app.storage.filelock import FileLock
app = QCoreApplication([])
lock = FileLock(Path(sys.argv[2]))
lock.acquire()
server = QLocalServer()
QLocalServer.removeServer(sys.argv[1])
assert server.listen(sys.argv[1])
print("listening", flush=True)
time.sleep(60)  # no event loop: connections are accepted by the system, never answered
"""


def test_a_first_window_that_does_not_answer_is_named_by_its_lock(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "c.sqlite"
    hung = subprocess.Popen(
        [sys.executable, "-c", HUNG, server_name(path), str(path) + ".lock"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert hung.stdout is not None and hung.stdout.readline().strip() == "listening"
        outcome = SingleInstance(path).claim()
        assert outcome.claim is Claim.NO_ANSWER
        assert f"pid {hung.pid}" in outcome.holder
        # The window's start says so in a message box and ends with exit code 1.
        seen: list[str] = []

        def pick(box: QMessageBox) -> object:
            seen.append(box.text())
            return box.buttons()[0]

        answer_next_message_box(pick)  # type: ignore[arg-type]
        code, listener = claim_database(str(path))
        assert (code, listener) == (1, None)
        assert "does not answer" in seen[0] and f"pid {hung.pid}" in seen[0]
    finally:
        hung.kill()
        hung.wait()
        if hung.stdout is not None:
            hung.stdout.close()


def test_second_window_start_exits_0_and_the_first_stays(tmp_path: Path) -> None:
    """Real processes: `main.py --db X` twice; the second ends at once with exit 0."""
    db = tmp_path / "c.sqlite"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TSUNAGU_LANG="en")
    first = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        name = server_name(db)
        deadline = time.monotonic() + 30
        while not listening(name):
            assert first.poll() is None, "the first window ended"
            assert time.monotonic() < deadline, "the first window never listened"
            time.sleep(0.1)
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--db", str(db)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        # One line naming the file (the window speaks the chapter's language, Japanese at first).
        assert "c.sqlite" in second.stdout and len(second.stdout.strip().splitlines()) == 1
        assert time.monotonic() - started < 20
        assert first.poll() is None
        # A first window that dies leaves a stale socket name; the next start takes it over.
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        taker = SingleInstance(db)
        assert taker.claim().claim is Claim.OURS
        taker.close()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
