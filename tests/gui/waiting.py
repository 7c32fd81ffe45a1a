"""Waiting in tests for work the window runs in the background (ui/operations.py)."""

from __future__ import annotations

from typing import TypeVar

from pytestqt.qtbot import QtBot

from ui.operations import Operation, background_work

T = TypeVar("T")


def settle(qtbot: QtBot, timeout: int = 30000) -> None:
    """Until every background operation ended and its callbacks ran."""
    qtbot.waitUntil(lambda: not background_work().unsettled, timeout=timeout)


def outcome(qtbot: QtBot, operation: Operation[T] | None, timeout: int = 30000) -> T | None:
    """The result of `operation` once it ended (None when it was refused or never started)."""
    if operation is None:
        return None
    qtbot.waitUntil(lambda: operation.done, timeout=timeout)
    return operation.result if operation.succeeded else None
