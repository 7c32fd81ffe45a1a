"""Every command group of the command line, in the order `--help` lists them (DESIGN.md).

One line a group: its name, its help, the module that registers it and the modules that add
sub-commands to it. A module is imported only when a command it registers runs, so `--help`
imports no group at all. The loaders are plain imports, so the linters see every edge.
A new sub-command inside an existing group module needs no change here; a new group module
needs its loader, its Group line(s) and its place in ORDER.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from app.core.i18n import N_


def _members() -> ModuleType:
    from app.cli import members

    return members


def _events() -> ModuleType:
    from app.cli import events

    return events


def _printing() -> ModuleType:
    from app.cli import printing

    return printing


def _mailing() -> ModuleType:
    from app.cli import mailing

    return mailing


def _visits() -> ModuleType:
    from app.cli import visits

    return visits


def _sync() -> ModuleType:
    from app.cli import sync

    return sync


def _backup() -> ModuleType:
    from app.cli import backup

    return backup


def _users() -> ModuleType:
    from app.cli import users

    return users


def _reports() -> ModuleType:
    from app.cli import reports

    return reports


def _info() -> ModuleType:
    from app.cli import info

    return info


def _settings() -> ModuleType:
    from app.cli import settings

    return settings


def _gallery() -> ModuleType:
    from app.cli import gallery

    return gallery


Loader = Callable[[], ModuleType]


@dataclass(frozen=True)
class Group:
    """One top-level command: `help` is shown by `tsunagu --help` before any module loads."""

    name: str
    help: str
    owner: Loader
    also: tuple[Loader, ...] = ()


GROUPS: tuple[Group, ...] = (
    Group("init", N_("create a new chapter database"), _members),
    Group("demo", N_("create a database filled with demo data"), _members),
    Group("members", N_("the member roster"), _members),
    Group("events", N_("events: lectures, cafés, food drives …"), _events),
    Group("print", N_("make PDFs to print"), _printing, also=(_mailing, _visits, _reports)),
    Group("households", N_("households (世帯) of the roster"), _mailing),
    Group("visits", N_("watch-over visits"), _visits),
    Group("sync", N_("exchange packages with headquarters"), _sync),
    Group("join", N_("make this database the chapter in a setup file"), _sync),
    Group("hq", N_("headquarters: chapters and their packages"), _sync),
    Group("backup", N_("write a checked copy of the database"), _backup),
    Group("restore", N_("replace the database with a backup"), _backup),
    Group("users", N_("accounts that may open this database"), _users),
    Group("audit", N_("who viewed, changed, exported or printed what"), _users),
    Group("reports", N_("figures of a fiscal year"), _reports),
    Group("licenses", N_("the third-party notices of everything shipped"), _info),
    Group("postal", N_("the Japan Post postal-code data"), _info),
    Group("settings", N_("show or change this database's preferences"), _settings),
    Group("gallery", N_("every page and dialog as PNG, with manifest.json"), _gallery),
)

# The order the modules register in: it makes the order of `--help` and of `print`'s
# sub-commands. A group module that is not loaded leaves a stand-in parser for its groups.
ORDER: tuple[Loader, ...] = (
    _members,
    _events,
    _printing,
    _mailing,
    _visits,
    _sync,
    _backup,
    _users,
    _reports,
    _info,
    _settings,
    _gallery,
)

# `print`'s sub-commands and the module that adds each, so that `print attendance` loads the
# event prints only; `print` alone, with an option first or with an unknown word loads every
# module that adds prints (tests/app/cli/test_import_budget.py holds this list to the parser).
PRINTS: dict[str, Loader] = {
    "flyer": _printing,
    "attendance": _printing,
    "sign-in": _printing,
    "name-tags": _printing,
    "cafe-grid": _printing,
    "history": _printing,
    "duty": _printing,
    "labels": _mailing,
    "postcards": _mailing,
    "roster": _mailing,
    "call-list": _mailing,
    "visit-forms": _visits,
    "annual-report": _reports,
}

# Options before the command that take a value (so the value is not taken for the command).
VALUE_OPTIONS = ("--db",)


def command_word(argv: list[str]) -> str | None:
    """The command named by argv (its first word that is not an option), or None."""
    at = _command_at(argv)
    return None if at is None else argv[at]


def _command_at(argv: list[str]) -> int | None:
    skip = False
    for at, word in enumerate(argv):
        if skip:
            skip = False
            continue
        if word == "--":
            continue
        if word in VALUE_OPTIONS:
            skip = True
            continue
        if word.startswith("-"):
            continue
        return at
    return None


def loaders_for(word: str | None, sub_word: str | None = None) -> list[Loader]:
    """The modules a command needs: none for no command or an unknown one (argparse says so).

    `sub_word` is the word right after the command; for `print` it names the one module
    needed when it is one of PRINTS.
    """
    for group in GROUPS:
        if group.name == word:
            if word == "print" and sub_word in PRINTS:
                return [PRINTS[sub_word]]
            return [group.owner, *group.also]
    return []


def loaders_for_argv(argv: list[str]) -> list[Loader]:
    """`loaders_for` the command argv names and the word (or option) right after it."""
    at = _command_at(argv)
    if at is None:
        return []
    after = argv[at + 1 : at + 2]
    return loaders_for(argv[at], after[0] if after else None)
