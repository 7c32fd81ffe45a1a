"""Name fields that capture the kana reading (furigana) the user types through a Japanese IME.

No dictionary is involved: the reading is what the user typed before converting to kanji.
"""

from __future__ import annotations

from dataclasses import dataclass

import jaconv
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QLineEdit, QWidget

_SPACES = " \u3000"
# ・ belongs with the katakana: readings of foreign names use it ("ジョン・スミス").
_KATAKANA_EXTRA = "ー・ヽヾ"


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u3096" or ch in "ゝゞ"


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch in _KATAKANA_EXTRA


def _widen(text: str) -> str:
    # Half-width katakana (ﾔﾏﾀﾞ) from some IME modes; leave ASCII and digits alone.
    return str(jaconv.h2z(text, kana=True, ascii=False, digit=False))


def is_kana_text(text: str) -> bool:
    """True when `text` is kana (hiragana or katakana, ー, spaces) with at least one kana."""
    wide = _widen(text)
    has_kana = False
    for ch in wide:
        if _is_hiragana(ch) or _is_katakana(ch):
            has_kana = True
        elif ch not in _SPACES:
            return False
    return has_kana


def to_reading(text: str) -> str:
    """Full-width katakana reading of `text`, keeping only kana, ー and spaces."""
    kata = str(jaconv.hira2kata(_widen(text)))
    return "".join(ch for ch in kata if _is_katakana(ch) or ch in _SPACES)


@dataclass(frozen=True)
class _Segment:
    """Text committed by one composition and the kana it was typed as."""

    surface: str
    reading: str


def _place(text: str, segments: list[_Segment]) -> list[_Segment]:
    """Segments still present in `text`, in the order they appear there."""
    used: list[tuple[int, int]] = []
    placed: list[tuple[int, _Segment]] = []
    for segment in segments:
        size = len(segment.surface)
        start = text.find(segment.surface)
        while start >= 0 and any(start < end and begin < start + size for begin, end in used):
            start = text.find(segment.surface, start + 1)
        if start >= 0:
            used.append((start, start + size))
            placed.append((start, segment))
    placed.sort(key=lambda item: item[0])
    return [segment for _, segment in placed]


class ReadingCaptureLineEdit(QLineEdit):
    """A name field that remembers the kana typed before each IME conversion.

    `readingCaptured` carries the reading of the whole field (full-width katakana) after each
    conversion is committed, and again whenever text is removed (an emptied field gives "").
    Words deleted from the field lose their reading; the reading field stays editable for what
    this cannot know (names pasted or typed without an IME).
    """

    readingCaptured = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending = ""
        self._segments: list[_Segment] = []
        self._reading = ""
        self.textChanged.connect(self._on_text_changed)

    def capturedReading(self) -> str:  # noqa: N802 - Qt naming, like the rest of the widget
        """The reading captured for the current text."""
        return self._reading

    def resetReading(self) -> None:  # noqa: N802
        """Forget every captured reading (e.g. when a form loads another record)."""
        self._pending = ""
        self._segments = []
        self._set_reading("")

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802
        """Record kana pre-edits; on commit, add the reading of the committed text."""
        preedit = event.preeditString()
        commit = event.commitString()
        super().inputMethodEvent(event)
        if commit:
            kana = self._pending
            if is_kana_text(preedit) and len(kana) > len(preedit) and kana.endswith(preedit):
                # Part of the composition was committed and the rest is still being edited.
                kana = kana[: -len(preedit)]
            if is_kana_text(commit):
                kana = commit
            reading = to_reading(kana)
            if reading:
                self._segments.append(_Segment(commit, reading))
            self._segments = _place(self.text(), self._segments)
            self._pending = preedit if is_kana_text(preedit) else ""
            self._set_reading("".join(s.reading for s in self._segments), always=bool(reading))
        elif is_kana_text(preedit):
            self._pending = preedit
        elif not preedit:
            # The composition was cancelled (Esc, or erased to nothing).
            self._pending = ""

    def _on_text_changed(self, text: str) -> None:
        if not text:
            self._pending = ""
        self._segments = _place(text, self._segments)
        self._set_reading("".join(s.reading for s in self._segments))

    def _set_reading(self, reading: str, always: bool = False) -> None:
        changed = reading != self._reading
        self._reading = reading
        if changed or always:
            self.readingCaptured.emit(reading)


class ReadingFollower(QObject):
    """Copies a name field's captured reading into a reading field until the user edits it.

    Following stops once the user types in the reading field or when the reading field holds
    text this helper did not write (a loaded record); it resumes when the field is empty again.
    """

    def __init__(self, name_edit: ReadingCaptureLineEdit, reading_edit: QLineEdit) -> None:
        super().__init__(reading_edit)
        self._reading_edit = reading_edit
        self._written = ""
        self._manual = False
        name_edit.readingCaptured.connect(self._on_captured)
        reading_edit.textEdited.connect(self._on_edited)

    def isFollowing(self) -> bool:  # noqa: N802
        """Whether the next captured reading will be written into the reading field."""
        text = self._reading_edit.text()
        if not text:
            return True
        return not self._manual and text == self._written

    def _on_edited(self, text: str) -> None:
        self._manual = bool(text)

    def _on_captured(self, reading: str) -> None:
        if not self.isFollowing():
            return
        self._manual = False
        self._written = reading
        self._reading_edit.setText(reading)


def connect_reading(name_edit: ReadingCaptureLineEdit, reading_edit: QLineEdit) -> ReadingFollower:
    """Make `reading_edit` follow the reading typed into `name_edit` (see ReadingFollower)."""
    return ReadingFollower(name_edit, reading_edit)
