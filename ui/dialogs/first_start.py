"""First start: try the demo, or set up my chapter; language and text size."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import chapter as chapter_service
from app import demo, i18n
from app.context import Context
from app.errors import UserError
from app.i18n import gettext as _
from ui.dialogs.base import BaseDialog
from ui.style import apply_text_scale
from ui.tasks import run_with_progress


class FirstStartDialog(BaseDialog):
    """Shown once, on a database with no chapter yet."""

    settings_key = "first_start"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(_("Welcome to Tsunagu"), parent)
        self.ctx = ctx
        intro = QLabel(
            _(
                "Tsunagu keeps your chapter's members, events and watch-over visits on this "
                "computer. It needs no internet."
            )
        )
        intro.setWordWrap(True)
        self.try_demo = QRadioButton(_("Try it with demo data (invented people)"))
        self.own_chapter = QRadioButton(_("Set up my chapter"))
        group = QButtonGroup(self)
        group.addButton(self.try_demo)
        group.addButton(self.own_chapter)
        self.try_demo.setChecked(True)
        self.chapter_name = QLineEdit()
        self.chapter_name.setPlaceholderText(_("for example: 荒川区まちづくり"))
        self.chapter_name.setEnabled(False)
        self.own_chapter.toggled.connect(self.chapter_name.setEnabled)
        self.language = QComboBox()
        self.language.addItem("日本語", "ja")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current_language())))
        self.text_size = QComboBox()
        for percent in chapter_service.TEXT_SCALES:
            self.text_size.addItem(f"{percent}%", percent)
        self.text_size.currentIndexChanged.connect(
            lambda _i: apply_text_scale(int(self.text_size.currentData()))
        )
        form = QFormLayout()
        form.addRow(self.try_demo)
        form.addRow(self.own_chapter)
        form.addRow(_("Chapter name"), self.chapter_name)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Text size"), self.text_size)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Start"))
        self.buttons.accepted.connect(self.start)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def start(self) -> None:
        """Make the demo or the named chapter, then save the preferences."""
        language = str(self.language.currentData())
        scale = int(self.text_size.currentData())
        try:
            if self.try_demo.isChecked():
                run_with_progress(
                    self, _("Making the demo data…"), lambda: demo.build_demo(self.ctx)
                )
            else:
                chapter_service.set_up_chapter(self.ctx, self.chapter_name.text())
            prefs = chapter_service.load_preferences(self.ctx)
            chapter_service.save_preferences(
                self.ctx,
                chapter_service.Preferences(
                    language=language,
                    text_scale=scale,
                    backup_folder=prefs.backup_folder,
                    first_start_done=True,
                ),
            )
        except UserError as exc:
            self.show_error(exc.message)
            return
        i18n.set_language(language)
        apply_text_scale(scale)
        self.accept()
