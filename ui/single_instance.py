"""One window per database file: a second start brings the first window forward and exits."""

from __future__ import annotations

import enum
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

# The same defaults as app.storage.database (DEFAULT_FILENAME, default_database_path), repeated
# because importing app.storage.database pulls in SQLAlchemy before the window's first paint.
# tests/gui/test_single_instance.py checks that the two agree.
APP_NAME = "Tsunagu"
DEFAULT_FILENAME = "tsunagu.sqlite"
DATA_FOLDER_KEY = "database_folder"
CONNECT_MS = 1000
ANSWER_MS = 3000


def database_file(location: str | None) -> Path | None:
    """The database file the window will open (None for a server URL)."""
    if location is not None:
        if "://" in location:
            return None
        return Path(location).expanduser().absolute()
    folder = QSettings("Tsunagu", "Tsunagu").value(DATA_FOLDER_KEY)
    if folder:
        return Path(str(folder)) / DEFAULT_FILENAME
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_FILENAME


def server_name(path: Path) -> str:
    """A local-socket name unique to the file (and to the user, where names are shared)."""
    text = str(path.expanduser().absolute())
    if sys.platform == "win32":
        text = text.lower()  # one file, whatever case it was typed in
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    return f"tsunagu-{digest}"


def lock_holder(path: Path) -> str:
    """Who holds the database file, as its lock file says ("" when unreadable)."""
    try:
        return path.with_name(path.name + ".lock").read_text(encoding="utf-8").strip()
    except OSError:
        return ""  # Windows refuses to read the locked byte range


class Claim(enum.Enum):
    """What a start found: the file is ours, the first window came forward, or it is stuck."""

    OURS = "ours"
    RAISED = "raised"
    NO_ANSWER = "no-answer"


@dataclass(frozen=True)
class Outcome:
    """The claim, with the lock holder's words when the first window did not answer."""

    claim: Claim
    holder: str = ""


def _allow_foreground(pid: int) -> None:
    """Windows lets only the foreground process hand the foreground to another one."""
    if sys.platform != "win32" or pid <= 0:
        return
    import ctypes

    ctypes.windll.user32.AllowSetForegroundWindow(pid)


def ask_first(name: str) -> Claim | None:
    """Ask a running window to come forward; None when no window listens under `name`."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return None
    try:
        if not socket.canReadLine() and not socket.waitForReadyRead(ANSWER_MS):
            return Claim.NO_ANSWER
        hello = bytes(socket.readLine().data()).decode("ascii", "replace").split()
        if len(hello) == 2 and hello[0] == "tsunagu" and hello[1].isdigit():
            _allow_foreground(int(hello[1]))
        socket.write(b"raise\n")
        # flush() may write everything at once, and then waitForBytesWritten has nothing to do.
        if not socket.flush():
            socket.waitForBytesWritten(ANSWER_MS)
        if not socket.canReadLine() and not socket.waitForReadyRead(ANSWER_MS):
            return Claim.NO_ANSWER
        answer = bytes(socket.readLine().data()).strip()
        return Claim.RAISED if answer == b"ok" else Claim.NO_ANSWER
    finally:
        socket.abort()


class SingleInstance(QObject):
    """The first window's listener; `raise_requested` fires when a second start asks."""

    raise_requested = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.name = server_name(path)
        self.server: QLocalServer | None = None

    def claim(self) -> Outcome:
        """Become the window for this file, or tell the first one to come forward."""
        asked = ask_first(self.name)
        if asked is Claim.RAISED:
            return Outcome(Claim.RAISED)
        if asked is Claim.NO_ANSWER:
            return Outcome(Claim.NO_ANSWER, lock_holder(self.path))
        # Nobody answered the name: a socket file left by a crash is stale, so replace it.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._accept)
        # If listening fails, the database lock still keeps a second window off the file.
        if server.listen(self.name):
            self.server = server
        return Outcome(Claim.OURS)

    def _accept(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            if socket is None:
                break
            socket.setParent(self)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            socket.write(f"tsunagu {os.getpid()}\n".encode("ascii"))
            socket.flush()

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).strip()
            if line == b"raise":
                self.raise_requested.emit()
                socket.write(b"ok\n")
                socket.flush()
                socket.disconnectFromServer()

    def close(self) -> None:
        """Stop listening (the window is closing)."""
        if self.server is not None:
            self.server.close()
            self.server = None
