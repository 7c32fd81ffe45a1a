"""Tsunagu's entry point: no arguments opens the window; a sub-command runs the command line."""

from __future__ import annotations

import gc
import sys
import time

STARTED = time.perf_counter()
# Imports make long-lived objects and next to no garbage cycles: the cycle collector waits
# until the command starts or the window has painted (app/core/startup.py).
gc.disable()

# Options that still mean "open the window" (everything else is the command line).
WINDOW_FLAGS = {"--smoke"}


def wants_window(argv: list[str]) -> bool:
    """True when argv names no command, only window options and --db."""
    rest = list(argv)
    if "--db" in rest:
        i = rest.index("--db")
        del rest[i : i + 2]
    rest = [a for a in rest if not a.startswith("--db=")]
    return all(a in WINDOW_FLAGS for a in rest)


def command_of(argv: list[str]) -> str:
    """The command argv names, past --db and its value ("" when none)."""
    rest = list(argv)
    while rest:
        first = rest.pop(0)
        if first == "--db":
            rest = rest[1:]
        elif not first.startswith("--db="):
            return first
    return ""


def main() -> int:
    """Dispatch to the window or to the command line."""
    argv = sys.argv[1:]
    if wants_window(argv):
        from ui.launch import run_window

        return run_window(argv, STARTED)
    from app.cli.program import main as cli_main

    window_commands = {}
    if command_of(argv) == "gallery":
        # The one command that draws the window's pages; Qt loads only for it.
        from ui.gallery import command as gallery_command

        window_commands["gallery"] = gallery_command
    return cli_main(argv, window_commands)


if __name__ == "__main__":
    sys.exit(main())
