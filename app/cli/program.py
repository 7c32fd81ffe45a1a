"""The command line's entry: parse, run one command, turn errors into exit codes."""

from __future__ import annotations

import argparse
import io
import locale
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from app.cli.output import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from app.core import argtypes, i18n
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.startup import resume_cycle_collector


def choose_language() -> str:
    """TSUNAGU_LANG, else Japanese on a Japanese system, else English."""
    wanted = os.environ.get("TSUNAGU_LANG", "").strip()
    if wanted in i18n.LANGUAGES:
        return wanted
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.startswith("ja") else "en"
    lang = (locale.getlocale()[0] or "").lower()
    return "ja" if lang.startswith("ja") else "en"


class UsageError(Exception):
    """Wrong words on the command line: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UsageError(f"{self.prog}: {message}")


Handler = Callable[[argparse.Namespace], int]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for argv's command, importing only the groups it needs (every group for None).

    The groups and their help come from app/cli/table.py, so `--help` loads no group module.
    """
    from app.cli import table

    parser = _Parser(
        prog="tsunagu", description=_("Tsunagu: the chapter's roster, events and watch-over.")
    )
    parser.add_argument(
        "--db", type=argtypes.text, metavar="PATH|URL", help=_("database file or server URL")
    )
    parser.add_argument(
        "--self-test", action="store_true", help=_("check the database and printing, then exit")
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    if argv is None:
        needed = list(table.ORDER)
    else:
        needed = table.loaders_for_argv(list(argv))
    for loader in table.ORDER:
        if loader in needed:
            loader().register(sub)
            continue
        for group in table.GROUPS:
            if group.owner is loader and group.name not in sub.choices:
                sub.add_parser(group.name, help=_(group.help))
    return parser


def run(argv: Sequence[str], window_commands: Mapping[str, Handler] | None = None) -> int:
    """Parse and run one command; returns the exit code.

    `window_commands` are handlers that need the window's code (the gallery): main.py, which
    may import ui/, hands them in, as app/ never imports ui/."""
    i18n.set_language(choose_language())
    try:
        parser = build_parser(argv)
        args = parser.parse_args(list(argv))
        handler: Handler | None = getattr(args, "handler", None)
        resume_cycle_collector()
        if args.self_test:
            from app.cli.session import self_test

            return self_test(args)
        if handler is None:
            parser.print_usage(sys.stderr)
            return EXIT_USAGE
        if window_commands and args.command in window_commands:
            return window_commands[args.command](args)
        return handler(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except UserError as exc:
        print(_("Error: {message}").format(message=exc.message), file=sys.stderr)
        for line in exc.details:
            print(line)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(_("Stopped."), file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        # The reader stopped early (`members list | head`): not an error, and no report. The
        # rest of the output goes nowhere, so the flush at exit cannot fail again.
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # the last line of defence: a report file, never a traceback
        from app.storage.crash import save_report

        report = save_report(exc)
        print(
            _("Unexpected error ({kind}). Nothing more was changed. Report saved to {path}").format(
                kind=type(exc).__name__, path=report
            ),
            file=sys.stderr,
        )
        return EXIT_REFUSED


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's stand-in): nothing will flush to it


def main(
    argv: Sequence[str] | None = None, window_commands: Mapping[str, Handler] | None = None
) -> int:
    """Entry point for `python main.py COMMAND ...`."""
    return run(sys.argv[1:] if argv is None else argv, window_commands)
