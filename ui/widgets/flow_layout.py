"""A layout that lines widgets up left to right and wraps to the next line when narrow."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QStyle, QWidget


class FlowLayout(QLayout):
    """Rows of buttons that fit an old laptop's screen at any text size.

    A QHBoxLayout of nine buttons asks for its whole width as the window's minimum, so at
    large text the window grows past a 1366-pixel screen and the last buttons are cut off.
    This layout only asks for its widest item and takes more lines instead (Qt's "Flow
    Layout" example, typed). `addStretch()` puts the items that follow on the right-hand side
    of the same line when they fit there, as a box layout's stretch would.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._breaks: set[int] = set()
        self._spacing = spacing
        self._width = -1
        self._height = -1
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        """Qt calls this for addWidget()."""
        self._items.append(item)

    def addStretch(self, stretch: int = 1) -> None:  # noqa: N802 (as QBoxLayout)
        """What follows goes to the right end of the line, together (only one stretch counts:
        left-hand items before it, a right-hand group after it)."""
        del stretch
        self._breaks.add(len(self._items))

    def count(self) -> int:
        """Number of items."""
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        """The item at `index`, or None."""
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        """Remove and return the item at `index`."""
        if 0 <= index < len(self._items):
            self._breaks = {b - 1 if b > index else b for b in self._breaks}
            return self._items.pop(index)
        return None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt's name)
        """A flow takes the width it is given; it does not push for more."""
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        """Its height depends on how many lines the width allows."""
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        """The height needed at `width`."""
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt's name)
        """Place the items in `rect`; ask for more height when the width made more lines."""
        super().setGeometry(rect)
        height = self._arrange(rect, move=True)
        self._width = rect.width()
        if height != self._height:
            # Splitters and box layouts read minimumSize(), not heightForWidth(): tell them
            # the height these lines need, so a second line is never cut off.
            self._height = height
            self.invalidate()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Everything on one line."""
        width = sum(i.sizeHint().width() for i in self._visible())
        width += self._gap() * max(0, len(self._visible()) - 1)
        height = max((i.sizeHint().height() for i in self._visible()), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt's name)
        """The widest single item: the rest wraps."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        size += QSize(m.left() + m.right(), m.top() + m.bottom())
        if self._width > 0:
            size.setHeight(max(size.height(), self._height))
        return size

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _gap(self) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parentWidget()
        if parent is None:
            return 6
        gap = parent.style().layoutSpacing(
            QSizePolicy.ControlType.PushButton,
            QSizePolicy.ControlType.PushButton,
            Qt.Orientation.Horizontal,
        )
        return (
            gap
            if gap >= 0
            else parent.style().pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)
        )

    def _lines(self, width: int) -> list[tuple[list[QLayoutItem], int]]:
        """Lines as (items, index of the first right-aligned one). The items after a stretch
        stay together on the right: beside the others when they fit, else on lines of their
        own, right-aligned."""
        gap = self._gap()
        cut = min(self._breaks, default=len(self._items))
        left = [i for i in self._items[:cut] if not i.isEmpty()]
        right = [i for i in self._items[cut:] if not i.isEmpty()]
        lines: list[tuple[list[QLayoutItem], int]] = []
        items: list[QLayoutItem] = []
        used = 0
        for item in left:
            w = item.sizeHint().width()
            if items and used + gap + w > width:
                lines.append((items, len(items)))
                items, used = [], 0
            used += (gap if items else 0) + w
            items.append(item)
        whole = sum(i.sizeHint().width() for i in right) + gap * max(0, len(right) - 1)
        if right and items and used + gap + whole <= width:
            lines.append((items + right, len(items)))
            return lines
        if items:
            lines.append((items, len(items)))
        items, used = [], 0
        for item in right:
            w = item.sizeHint().width()
            if items and used + gap + w > width:
                lines.append((items, 0))
                items, used = [], 0
            used += (gap if items else 0) + w
            items.append(item)
        if items:
            lines.append((items, 0))
        return lines

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        gap = self._gap()
        y = area.y()
        lines = self._lines(area.width())
        for items, right_from in lines:
            height = max(item.sizeHint().height() for item in items)
            if move:
                left, right = items[:right_from], items[right_from:]
                x = area.x()
                for item in left:
                    size = item.sizeHint()
                    item.setGeometry(QRect(QPoint(x, y), QSize(size.width(), height)))
                    x += size.width() + gap
                x = area.right() + 1 - sum(it.sizeHint().width() + gap for it in right) + gap
                for item in right:
                    size = item.sizeHint()
                    item.setGeometry(QRect(QPoint(x, y), QSize(size.width(), height)))
                    x += size.width() + gap
            y += height + gap
        if lines:
            y -= gap
        return y - rect.y() + m.bottom()
