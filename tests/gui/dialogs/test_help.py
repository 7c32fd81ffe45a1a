"""The offline user guide: Japanese and English, every link and picture there, F1 opens the
page of the screen in front (issue 13.8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app.core.context import Context
from ui import help as guide
from ui.loader import Session
from ui.shell import Shell

TOPICS = ["home", "start", "members", "events", "reception", "watch", "reports", "sync", "backups"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_topic_is_there_with_its_links_and_pictures(language: str) -> None:
    folder = guide.GUIDE / language
    assert sorted(p.stem for p in folder.glob("*.html")) == sorted(TOPICS)
    for page in folder.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"]+)"', text):
            assert (page.parent / target).resolve().exists(), (page.name, target)
        pictures = re.findall(r'src="\.\./img/([\w-]+)\.png"', text)
        assert pictures and all(p.endswith(f"-{language}") for p in pictures), page.name
        japanese = re.search(r"[\u3040-\u30ff]", re.sub(r"<[^>]+>", "", text)) is not None
        if language == "ja":
            assert japanese, page.name


def test_f1_opens_the_guide_at_the_page_in_front(qtbot: QtBot, demo_ctx: Context) -> None:
    shell = Shell()
    qtbot.addWidget(shell)
    session = Session(shell, demo_ctx)
    shell.show()
    assert session.guide_action.shortcut() == QKeySequence("F1")
    assert session.view is not None
    session.view.show_page("watch")
    session.guide_action.trigger()
    QCoreApplication.processEvents()
    dialog = session.guide
    assert isinstance(dialog, guide.HelpDialog)
    qtbot.addWidget(dialog)
    assert Path(dialog.browser.source().toLocalFile()).name == "watch.html"
    assert "Watch-over" in dialog.browser.toPlainText()
    session.view.show_page("events")
    session.guide_action.trigger()
    assert session.guide is dialog
    assert Path(dialog.browser.source().toLocalFile()).name == "events.html"
    assert dialog.screen().availableGeometry().contains(dialog.frameGeometry())
