"""The command line: the same services as the window, for scripts and tests (DESIGN.md)."""

from __future__ import annotations

from app.cli.output import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, _json_default, print_json, say
from app.cli.program import (
    Handler,
    UsageError,
    _Parser,
    _silence_stdout,
    build_parser,
    choose_language,
    main,
    run,
)

__all__ = [
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "Handler",
    "UsageError",
    "_Parser",
    "_json_default",
    "_silence_stdout",
    "build_parser",
    "choose_language",
    "main",
    "print_json",
    "run",
    "say",
]
