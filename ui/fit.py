"""Every window inside the screen: sized to fit, centred on its parent, scrolling when taller."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

# What a window manager adds around a window (title bar, borders); offscreen adds nothing,
# Windows about 8 + 31 pixels at 100 %, so the frame, not only the client area, stays inside.
FRAME_ALLOWANCE = QSize(16, 40)


_settings_file: str | None = None


def use_settings_file(path: Path | None) -> None:
    """Keep window sizes in `path` (an INI file) instead of the user's settings; None: back."""
    global _settings_file
    _settings_file = None if path is None else str(path)


def settings() -> QSettings:
    """The per-user settings where window sizes are kept."""
    if _settings_file is not None:
        return QSettings(_settings_file, QSettings.Format.IniFormat)
    return QSettings("Tsunagu", "Tsunagu")


def available_geometry(widget: QWidget) -> QRect:
    """The usable part (without the taskbar) of the screen `widget` or its parent is on."""
    parent = widget.parentWidget()
    screen = (parent.window().screen() if parent is not None else None) or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def client_room(widget: QWidget) -> QSize:
    """The largest client size whose frame still fits on the screen."""
    room = available_geometry(widget).size() - FRAME_ALLOWANCE
    return room.expandedTo(QSize(200, 150))


def wrap_in_scroll_area(window: QWidget) -> QScrollArea | None:
    """Put the window's content in a scroll area, its last row (the buttons) kept below it.

    Qt lets a widget take over another widget's layout (the child widgets move with it), so
    no dialog has to build itself differently to scroll at 200 % text.
    """
    layout = window.layout()
    if layout is None:
        return None
    buttons = None
    if isinstance(layout, QBoxLayout) and layout.count() > 1:
        # Why: the buttons that close a dialog must never scroll out of reach.
        buttons = layout.takeAt(layout.count() - 1)
    body = QWidget()
    body.setLayout(layout)
    scroller = QScrollArea()
    scroller.setObjectName("fitScroller")
    scroller.setWidgetResizable(True)
    scroller.setFrameShape(QFrame.Shape.NoFrame)
    scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroller.setWidget(body)
    outer = QVBoxLayout(window)
    outer.addWidget(scroller, 1)
    if buttons is not None:
        inner = buttons.layout()
        widget = buttons.widget()
        if inner is not None:
            outer.addLayout(inner)
        elif widget is not None:
            outer.addWidget(widget)
    return scroller


def narrow(window: QWidget, width: int) -> None:
    """Let `window`'s content be at most `width` wide where it can: long labels wrap and form
    rows put the field under its label (large text on a small screen)."""
    layout = window.layout()
    if layout is None:
        return
    for combo in window.findChildren(QComboBox):
        # A choice with a long description would set the dialog's width; it elides instead.
        # (Measured from the items: before its first showing a combo does not know its width.)
        metrics = combo.fontMetrics()
        longest = max(
            (metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0
        )
        if longest > width // 2:
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
    layout.activate()
    if layout.totalMinimumSize().width() <= width:
        return
    for form in window.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    for label in window.findChildren(QLabel):
        text = label.text()
        # Why 12: short captions ("名前:") read badly split; sentences and names wrap.
        if not label.wordWrap() and len(text) > 12 and label.sizeHint().width() > width // 2:
            label.setWordWrap(True)
    layout.invalidate()
    layout.activate()


def fit_window(window: QWidget, *, scroll: bool = True) -> None:
    """Size `window` to its wish or remembered size but never beyond the screen, scroll its
    content (`scroll`) when even its minimum is too big, and centre it on its parent (or the
    screen). The main window scrolls its pages itself, so it passes scroll=False."""
    room = client_room(window)
    layout = window.layout()
    if layout is not None and scroll:
        narrow(window, room.width())
        layout.activate()
        minimum = layout.totalMinimumSize()
        if (minimum.height() > room.height() or minimum.width() > room.width()) and (
            window.findChild(QScrollArea, "fitScroller") is None
        ):
            wrap_in_scroll_area(window)
            wrapped = window.layout()
            if wrapped is not None:
                wrapped.activate()
    wished = window.size() if window.testAttribute(Qt.WidgetAttribute.WA_Resized) else None
    if wished is None:
        wished = window.sizeHint()
    if window.findChild(QScrollArea, "fitScroller") is not None:
        # Room for the vertical scroll bar, or the content scrolls sideways too.
        extent = window.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        wished = wished + QSize(extent + 4, 0)
    # A minimum set by the layout may be larger than the screen; the screen wins.
    window.setMinimumSize(window.minimumSize().boundedTo(room))
    size = wished.boundedTo(room).expandedTo(window.minimumSize())
    window.resize(size)
    window.move(centred_position(window, size))


def centred_position(window: QWidget, size: QSize) -> QPoint:
    """Where a window of `size` sits centred on its parent window, kept inside the screen."""
    area = available_geometry(window)
    parent = window.parentWidget()
    centre = parent.window().frameGeometry().center() if parent is not None else area.center()
    outer = size + FRAME_ALLOWANCE
    x = centre.x() - outer.width() // 2
    y = centre.y() - outer.height() // 2
    x = max(area.left(), min(x, area.right() + 1 - outer.width()))
    y = max(area.top(), min(y, area.bottom() + 1 - outer.height()))
    return QPoint(x, y)


def restore_size(window: QWidget, key: str) -> None:
    """Reopen at the size the user left it (moved back inside this screen by fit_window)."""
    geometry = settings().value(f"geometry/{key}")
    if isinstance(geometry, QByteArray | bytes):
        window.restoreGeometry(QByteArray(geometry))


def save_size(window: QWidget, key: str) -> None:
    """Remember the window's size and maximised state for its next opening."""
    settings().setValue(f"geometry/{key}", window.saveGeometry())


def show_main_window(window: QWidget, natural: QSize, key: str = "main") -> None:
    """Show the main window at its remembered size and state; maximised when the screen is
    smaller than its natural size (a 1366×768 laptop), otherwise inside the screen."""
    remembered = settings().value(f"geometry/{key}")
    restored = isinstance(remembered, QByteArray | bytes)
    if restored and window.restoreGeometry(QByteArray(remembered)):
        if window.isMaximized():
            window.showMaximized()
            return
        fit_window(window, scroll=False)
        window.show()
        return
    room = client_room(window)
    if natural.width() > room.width() or natural.height() > room.height():
        window.resize(natural.boundedTo(room))
        window.move(centred_position(window, window.size()))
        window.showMaximized()
        return
    window.resize(natural)
    window.move(centred_position(window, natural))
    window.show()
