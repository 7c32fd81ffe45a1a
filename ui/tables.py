"""Tables that follow the text size: rows as tall as the font, the width to titles and names."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTreeView, QWidget

View = QTableView | QTreeView

# Characters the stretching column (a title, a name) keeps before secondary columns go.
PRIMARY_CHARACTERS = 9


def row_height(widget: QWidget) -> int:
    """A row that holds one line of the widget's font with air above and below."""
    return widget.fontMetrics().height() * 3 // 2


class TableFit(QObject):
    """Keeps a table's columns fitted to its width as text size, data and window change.

    Every column but `stretch` is as wide as its content (and header); `stretch` takes the
    rest. When that would leave it fewer than PRIMARY_CHARACTERS, the `secondary` columns are
    hidden, last first, and the others are capped, so the table never scrolls sideways and
    long texts are elided in the middle (the full text is the cell's tooltip).
    """

    def __init__(
        self,
        table: View,
        stretch: int,
        secondary: Sequence[int] = (),
        rows: int = 5,
        measure: Callable[[int], int | None] | None = None,
    ) -> None:
        super().__init__(table)
        self.table = table
        self.stretch = stretch
        self.secondary = list(secondary)
        self.rows = rows
        self.measure = measure
        self.header = table.horizontalHeader() if isinstance(table, QTableView) else table.header()
        self.hidden: list[int] = []
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        table.setWordWrap(False)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        if isinstance(table, QTableView):
            table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.header
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(table.fontMetrics().horizontalAdvance("00"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.relayout)
        table.viewport().installEventFilter(self)
        table.installEventFilter(self)
        model = table.model()
        if model is not None:
            for signal in (
                model.modelReset,
                model.layoutChanged,
                model.rowsInserted,
                model.dataChanged,
                model.headerDataChanged,
            ):
                signal.connect(self.schedule)
        self._follow_font()
        self.schedule()

    def schedule(self, *_args: object) -> None:
        """Fit again once the event loop is free (many changes come together)."""
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Fit again on a resize; rows follow a change of font (text size)."""
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.schedule()
        elif kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and watched is self.table:
            self._follow_font()
            self.schedule()
        return False

    def _follow_font(self) -> None:
        table = self.table
        height = row_height(table)
        if isinstance(table, QTableView):
            table.verticalHeader().setDefaultSectionSize(height)
            table.verticalHeader().setMinimumSectionSize(min(height, 20))
        header_height = self.header.sizeHint().height()
        table.setMinimumHeight(height * self.rows + header_height + 2 * table.frameWidth())

    def _wanted(self, column: int) -> int:
        header = self.header
        measured = self.measure(column) if self.measure is not None else None
        content = self.table.sizeHintForColumn(column) if measured is None else measured
        return max(content, header.sectionSizeHint(column))

    def relayout(self) -> None:
        """Widths for the current width, data and font."""
        table = self.table
        model = table.model()
        if model is None:
            return
        header = self.header
        count = model.columnCount()
        room = table.viewport().width()
        if room <= 0:
            return
        primary = max(
            table.fontMetrics().horizontalAdvance("あ") * PRIMARY_CHARACTERS,
            header.sectionSizeHint(self.stretch) if self.stretch < count else 0,
        )
        for column in self.hidden:
            header.setSectionHidden(column, False)
        self.hidden = []
        wanted = {c: self._wanted(c) for c in range(count) if c != self.stretch}
        wanted = {c: w for c, w in wanted.items() if not header.isSectionHidden(c)}
        for column in reversed(self.secondary):
            if sum(wanted.values()) + primary <= room:
                break
            if column in wanted:
                header.setSectionHidden(column, True)
                self.hidden.append(column)
                del wanted[column]
        over = sum(wanted.values()) + primary - room
        if over > 0 and wanted:
            # Still too wide: the widest columns give up the difference, never below
            # their header's own width.
            for column in sorted(wanted, key=lambda c: -wanted[c]):
                floor = header.sectionSizeHint(column)
                give = min(over, max(0, wanted[column] - floor))
                wanted[column] -= give
                over -= give
                if over <= 0:
                    break
        for column, width in wanted.items():
            header.resizeSection(column, width)
        if self.stretch < count:
            rest = room - sum(wanted.values())
            header.resizeSection(self.stretch, max(rest, primary if over > 0 else rest))


def fit_table(
    table: View,
    stretch: int,
    secondary: Sequence[int] = (),
    rows: int = 5,
    measure: Callable[[int], int | None] | None = None,
) -> TableFit:
    """Fit `table` now and from now on (see TableFit)."""
    return TableFit(table, stretch, secondary, rows, measure)
