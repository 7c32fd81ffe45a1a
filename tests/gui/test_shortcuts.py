"""No key does two things at once: every page, the menus and every dialog (issue 13.5)."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.core.context import Context
from ui import gallery
from ui.loader import Session
from ui.shell import Shell


def _keys(sequence: QKeySequence) -> list[str]:
    text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    return [text] if text else []


def ambiguous(window: QWidget) -> dict[str, list[str]]:
    """Keys bound more than once among what is live in `window` now (its visible widgets'
    shortcuts and its actions); a widget-only shortcut clashes with a window-wide one."""
    wide: dict[str, list[str]] = defaultdict(list)
    local: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for sc in window.findChildren(QShortcut):
        owner = sc.parent()
        if not isinstance(owner, QWidget) or not owner.isVisible() or not sc.isEnabled():
            continue
        what = f"{type(owner).__name__}:{sc.key().toString()}"
        for key in _keys(sc.key()):
            if sc.context() == Qt.ShortcutContext.WidgetShortcut:
                local[key][id(owner)].append(what)
            else:
                wide[key].append(what)
    # Actions count even when disabled here: the lock is enabled on an encrypted database.
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            for key in _keys(sequence):
                wide[key].append(f"action {action.text()!r}")
    found: dict[str, list[str]] = {}
    for key in set(wide) | set(local):
        owners = local.get(key, {})
        clashes = len(wide.get(key, [])) > 1 or (wide.get(key) and owners)
        clashes = clashes or any(len(v) > 1 for v in owners.values())
        if clashes:
            found[key] = wide.get(key, []) + [w for v in owners.values() for w in v]
    return found


def test_no_shortcut_is_ambiguous_on_any_page_or_dialog(qtbot: QtBot, demo_ctx: Context) -> None:
    shell = Shell()
    qtbot.addWidget(shell)
    session = Session(shell, demo_ctx)
    shell.show()
    view = session.view
    assert view is not None
    problems: dict[str, dict[str, list[str]]] = {}
    for row in range(view.nav.count()):
        view.nav.setCurrentRow(row)
        QCoreApplication.processEvents()
        found = ambiguous(shell)
        if found:
            problems[f"page {view.nav.item(row).text()}"] = found
    for name, make in gallery.dialogs(demo_ctx, view):
        dialog = make()
        dialog.show()
        QCoreApplication.processEvents()
        found = ambiguous(dialog)
        if found:
            problems[f"dialog {name}"] = found
        dialog.close()
        dialog.deleteLater()
    assert problems == {}


def test_the_window_shows_who_is_logged_in_and_their_role(qtbot: QtBot, demo_ctx: Context) -> None:
    from app.core.context import VIEWER, Actor

    shell = Shell()
    qtbot.addWidget(shell)
    Session(shell, demo_ctx.with_actor(Actor("山田 花子", VIEWER)))
    shell.show()
    who = shell.statusBar().findChild(QLabel, "loggedIn")
    assert who is not None
    assert who.isVisible()
    assert who.text() == "Logged in: 山田 花子 (viewer)"


def test_a_lock_says_why_it_locked(qtbot: QtBot, demo_ctx: Context) -> None:
    from ui.dialogs.login import LoginDialog

    by_user = LoginDialog.for_lock(demo_ctx, by_user=True)
    idle = LoginDialog.for_lock(demo_ctx)
    qtbot.addWidget(by_user)
    qtbot.addWidget(idle)
    texts = [" ".join(label.text() for label in d.findChildren(QLabel)) for d in (by_user, idle)]
    assert "You locked Tsunagu" in texts[0]
    assert "not used for a while" not in texts[0]
    assert "not used for a while" in texts[1]
