"""The main window: navigation by keyboard, pages not built yet say so, settings apply at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.core import i18n
from app.core.context import Context
from app.storage import chapter as chapter_service
from ui.dialogs.settings import SettingsDialog
from ui.main_view import MainView
from ui.pages.members import MembersPage
from ui.pages.placeholder import PlaceholderPage
from ui.style import BASE_POINT_SIZE

ROOT = Path(__file__).resolve().parents[2]


def test_navigation_and_placeholders(qtbot: QtBot, demo_ctx: Context) -> None:
    view = MainView(demo_ctx)
    qtbot.addWidget(view)
    view.show()
    labels = [view.nav.item(i).text() for i in range(view.nav.count())]
    assert labels == [
        "Home",
        "Members",
        "Events",
        "Watch-over",
        "Partners",
        "Reports",
        "Sync",
        "Backups",
    ]
    view.show_page("members")
    assert isinstance(view.stack.currentWidget(), MembersPage)
    assert not any(isinstance(p, PlaceholderPage) for p in view.pages.values())
    later = view._page("ui.pages.not_built_yet", "NotBuilt", "Future", "comes in a later version")
    texts = " ".join(w.text() for w in later.findChildren(QLabel))
    assert isinstance(later, PlaceholderPage) and "later version" in texts
    assert "荒川区まちづくり" in view.window_title()


def test_settings_switch_language_and_text_size(qtbot: QtBot, demo_ctx: Context) -> None:
    view = MainView(demo_ctx)
    qtbot.addWidget(view)
    dialog = SettingsDialog(demo_ctx, view)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("ja"))
    dialog.text_size.setCurrentIndex(dialog.text_size.findData(200))
    dialog.save()
    view.rebuild()
    try:
        assert view.nav.item(1).text() == "会員"
        assert QApplication.font().pointSizeF() == BASE_POINT_SIZE * 2
        prefs = chapter_service.load_preferences(demo_ctx)
        assert (prefs.language, prefs.text_scale) == ("ja", 200)
    finally:
        i18n.set_language("en")
        chapter_service.save_preferences(demo_ctx, chapter_service.Preferences())
        from ui.style import apply_text_scale

        apply_text_scale(100)


def test_smoke_start_prints_first_paint() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "first paint:" in done.stdout


def test_the_first_paint_loads_no_data_layer() -> None:
    # The smoke start quits at its first paint, so what is loaded afterwards is what was
    # loaded before it. (A crash dialog importing app.core.context once pulled SQLAlchemy in.)
    script = (
        "import sys, time; from ui.launch import run_window; "
        "code = run_window(['--smoke'], time.perf_counter()); "
        "heavy = {'sqlalchemy', 'alembic', 'sqlcipher3', 'reportlab', 'openpyxl', 'cryptography'}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy)); sys.exit(code)"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_first_paint_waits_for_nothing_it_does_not_draw() -> None:
    # Loaded on first use, after the paint: the crash dialog and its report writer (only on
    # an error), the background operations, and (for --smoke) the single-instance claim.
    script = (
        "import sys, time; from ui.launch import run_window; "
        "code = run_window(['--smoke'], time.perf_counter()); "
        "later = {'ui.dialogs.crash', 'app.storage.crash', 'ui.operations', 'ui.single_instance',"
        " 'PySide6.QtNetwork'}; "
        "print(sorted(set(sys.modules) & later)); sys.exit(code)"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_viewer_sees_only_the_pages_of_the_role(qtbot: QtBot, demo_ctx: Context) -> None:
    from app.core.context import Actor

    # Issue 13.5: the pages a role cannot use are left out, not shown as dead ends.
    viewer = Context(demo_ctx.db, Actor("viewer", "viewer"))
    view = MainView(viewer)
    qtbot.addWidget(view)
    assert "members" not in view.pages
    assert view.nav.count() == len(view.pages) == 3
    assert not any(isinstance(p, PlaceholderPage) for p in view.pages.values())
    assert not isinstance(view.pages["reports"], PlaceholderPage)
