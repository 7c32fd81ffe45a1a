"""Reusable input widgets shared by Tsunagu's dialogs and pages."""

from ui.widgets.reading_capture import ReadingCaptureLineEdit, ReadingFollower, connect_reading

__all__ = ["ReadingCaptureLineEdit", "ReadingFollower", "connect_reading"]
