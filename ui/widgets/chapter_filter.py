"""The chapter filter on headquarters' lists: "All chapters" or one chapter, by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.core.i18n import gettext as _
from app.storage import chapter

if TYPE_CHECKING:
    from app.core.context import Context


class ChapterFilter(QWidget):
    """A labelled combo: "All chapters" first, then every chapter the database knows by name.

    Hidden unless the list (`area`: "members", "events", "watch") holds rows of more than one
    chapter, as at headquarters; a chapter's own database holds only its own. Made without a
    parent, it joins the tab order where the page's layout puts
    it; it never shows itself while parentless (that would open a window of its own).
    """

    # The chosen chapter's id, or None for all chapters.
    changed = Signal(object)

    def __init__(
        self, ctx: Context, parent: QWidget | None = None, *, area: str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.area = area
        self.label = QLabel(_("&Chapter:"))
        self.combo = QComboBox()
        self.combo.setAccessibleName(_("Chapter"))
        self.label.setBuddy(self.combo)
        self.setFocusProxy(self.combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo)
        self._count = 0
        self.reload()
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit(self.chapter_id()))

    def chapter_id(self) -> str | None:
        """The chosen chapter's id; None for all chapters (or while the filter is hidden)."""
        value = self.combo.currentData()
        return str(value) if value else None

    def set_chapter_id(self, chapter_id: str | None) -> None:
        """Choose a chapter by id (None or an unknown id: all chapters)."""
        at = self.combo.findData(chapter_id) if chapter_id else 0
        self.combo.setCurrentIndex(max(0, at))

    def chapter_count(self) -> int:
        """How many chapters the database knows (as of the last reload)."""
        return self._count

    def reload(self) -> None:
        """Read the chapters again (after a sync brought a new one), keeping the choice.

        Emits `changed` only when the chosen chapter is gone and the choice falls back to all.
        """
        keep = self.chapter_id()
        choices = chapter.known_chapters(self.ctx, self.area)
        self._count = len(choices)
        self.combo.blockSignals(True)
        try:
            self.combo.clear()
            self.combo.addItem(_("All chapters"), "")
            for c in choices:
                self.combo.addItem(c.name, c.id)
            at = self.combo.findData(keep) if keep else 0
            self.combo.setCurrentIndex(max(0, at))
        finally:
            self.combo.blockSignals(False)
        many = len(choices) > 1
        if not many:
            self.hide()
        elif self.parentWidget() is not None:
            self.show()
        if keep is not None and self.chapter_id() != keep:
            self.changed.emit(self.chapter_id())
