"""Argument parsing shared by the command groups: sub-command sets that several modules fill."""

from __future__ import annotations

import argparse
from typing import Any

from app.core.i18n import gettext as _

# argparse keeps no public handle on a parser's sub-command set: remember the ones made here.
_SUBCOMMANDS: dict[int, tuple[argparse.ArgumentParser, Any]] = {}


def subcommands(parser: argparse.ArgumentParser, dest: str) -> Any:
    """The sub-command set of `parser`, made on first use, so several modules may add to it."""
    known = _SUBCOMMANDS.get(id(parser))
    if known is not None and known[0] is parser:
        return known[1]
    action = parser.add_subparsers(dest=dest)
    _SUBCOMMANDS[id(parser)] = (parser, action)
    return action


def print_subcommands(sub: Any) -> Any:
    """The sub-command set of `print`: the event prints, visit forms and the annual report."""
    group = sub.choices.get("print")
    if group is None:
        group = sub.add_parser("print", help=_("make PDFs to print"))
    return subcommands(group, "print_command")
