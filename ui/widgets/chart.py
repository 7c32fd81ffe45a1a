"""A small bar chart drawn with QPainter: months across, or one bar per kind/theme.

QtCharts would add megabytes to the installer for four charts; this is enough to read the
year at a glance. The figures are also in the table beside it and in the accessible text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Okabe-Ito colours, the same as the printed report's.
BLUE = QColor("#0072B2")
ORANGE = QColor("#E69F00")
GREEN = QColor("#009E73")
GRID = QColor("#D0D0D0")


@dataclass(frozen=True)
class Series:
    """One row of values with its name and colour."""

    name: str
    values: tuple[int, ...]
    color: QColor


def nice_step(top: float) -> int:
    """A round step giving about five gridlines up to `top`."""
    if top <= 5:
        return 1
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)


class BarChart(QWidget):
    """Vertical bars per category (one or more series side by side), or horizontal bars
    (one series, a label per bar) with `horizontal=True`. Values are written on the bars."""

    def __init__(self, horizontal: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontal = horizontal
        self.title = ""
        self.labels: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def set_data(self, title: str, labels: Sequence[str], series: Sequence[Series]) -> None:
        """Show `series` over `labels` under `title`; the accessible text says the numbers."""
        self.title = title
        self.labels = tuple(labels)
        self.series = tuple(series)
        self.setAccessibleName(title)
        parts = []
        for s in self.series:
            values = ", ".join(
                f"{label} {value}" for label, value in zip(labels, s.values, strict=False)
            )
            parts.append(f"{s.name}: {values}")
        self.setAccessibleDescription("; ".join(parts))
        self.setToolTip("\n".join(parts))
        self.updateGeometry()
        self.update()

    def top_value(self) -> int:
        """The largest value shown (0 for an empty chart)."""
        return max((max(s.values, default=0) for s in self.series), default=0)

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.font())

    def sizeHint(self) -> QSize:  # noqa: N802
        line = self._metrics().height()
        if self.horizontal:
            return QSize(480, int(line * (2.5 + 1.4 * max(1, len(self.labels)))))
        return QSize(560, int(line * 12))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        # Tall enough to read bars and their numbers: a chart is useless squeezed flat.
        return QSize(240, self.sizeHint().height() if self.horizontal else int(self._line() * 10))

    def _line(self) -> float:
        return self._metrics().height()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, p: QPainter) -> None:
        fm = self._metrics()
        line = fm.height()
        text = self.palette().text().color()
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(text)
        area = QRectF(self.rect()).adjusted(8, 4, -8, -4)
        p.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self.title)
        p.setFont(self.font())
        top = area.top() + line * 1.4
        if len(self.series) > 1:
            self._legend(p, area.right(), top, fm)
            top += line * 1.2
        plot = QRectF(area.left(), top, area.width(), area.bottom() - top)
        if self.horizontal:
            self._horizontal(p, plot, fm, text)
        else:
            self._vertical(p, plot, fm, text)

    def _legend(self, p: QPainter, right: float, top: float, fm: QFontMetricsF) -> None:
        x = right
        box = fm.height() * 0.7
        for s in reversed(self.series):
            width = fm.horizontalAdvance(s.name)
            x -= width
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(x, top, width, fm.height()), Qt.AlignmentFlag.AlignVCenter, s.name)
            x -= box + 4
            p.fillRect(QRectF(x, top + (fm.height() - box) / 2, box, box), s.color)
            x -= fm.horizontalAdvance("　")

    def _scale(self) -> tuple[int, int]:
        top = self.top_value()
        step = nice_step(top)
        return step, max(step, math.ceil(top / step) * step)

    def _vertical(self, p: QPainter, plot: QRectF, fm: QFontMetricsF, text: QColor) -> None:
        step, ceiling = self._scale()
        axis_w = fm.horizontalAdvance(str(ceiling)) + 6
        label_h = fm.height() + 2
        inner = QRectF(
            plot.left() + axis_w,
            plot.top() + fm.height(),
            plot.width() - axis_w,
            plot.height() - label_h - fm.height(),
        )
        if inner.height() <= 4 or not self.labels:
            return
        for value in range(0, ceiling + 1, step):
            y = inner.bottom() - inner.height() * value / ceiling
            p.setPen(QPen(GRID, 1))
            p.drawLine(int(inner.left()), int(y), int(inner.right()), int(y))
            p.setPen(text)
            p.drawText(
                QRectF(plot.left(), y - fm.height() / 2, axis_w - 4, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        slot = inner.width() / len(self.labels)
        count = max(1, len(self.series))
        bar = slot * 0.8 / count
        for i, label in enumerate(self.labels):
            x0 = inner.left() + slot * i + slot * 0.1
            for k, s in enumerate(self.series):
                value = s.values[i] if i < len(s.values) else 0
                h = inner.height() * value / ceiling
                rect = QRectF(x0 + bar * k, inner.bottom() - h, bar - 1, h)
                p.fillRect(rect, s.color)
                if value:
                    p.setPen(text)
                    p.drawText(
                        QRectF(
                            rect.left() - 10,
                            rect.top() - fm.height(),
                            rect.width() + 20,
                            fm.height(),
                        ),
                        Qt.AlignmentFlag.AlignCenter,
                        str(value),
                    )
            p.setPen(text)
            p.drawText(
                QRectF(inner.left() + slot * i, inner.bottom() + 2, slot, label_h),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                label,
            )

    def _horizontal(self, p: QPainter, plot: QRectF, fm: QFontMetricsF, text: QColor) -> None:
        if not self.labels or not self.series:
            return
        s = self.series[0]
        _step, ceiling = self._scale()
        label_w = min(plot.width() * 0.45, max(fm.horizontalAdvance(lb) for lb in self.labels) + 8)
        value_w = fm.horizontalAdvance(str(ceiling)) + 8
        row = plot.height() / len(self.labels)
        width = plot.width() - label_w - value_w
        for i, label in enumerate(self.labels):
            y = plot.top() + row * i
            p.setPen(text)
            shown = fm.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 8)
            p.drawText(
                QRectF(plot.left(), y, label_w - 8, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )
            value = s.values[i] if i < len(s.values) else 0
            length = width * value / ceiling
            bar = QRectF(plot.left() + label_w, y + row * 0.15, length, row * 0.7)
            p.fillRect(bar, s.color)
            p.drawText(
                QRectF(bar.right() + 4, y, value_w, row), Qt.AlignmentFlag.AlignVCenter, str(value)
            )
