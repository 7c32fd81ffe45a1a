"""Errors that end a user action with one clear, translated message."""

from __future__ import annotations


class UserError(Exception):
    """Input refused or an action that cannot be done: shown as one line, exit code 1.

    The message is already translated; nothing has been written when this is raised.
    """

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class DamagedDatabase(UserError):
    """The file failed its check on open; it was not opened and nothing was written to it."""


class PermissionDenied(UserError):
    """The acting account's role does not allow this action."""
