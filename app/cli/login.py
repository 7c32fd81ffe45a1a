"""Logging in from the command line: environment, prompts, the first account."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys

from app import accounts
from app.cli.output import say
from app.core import argtypes
from app.core.context import Context, role_label
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.database import open_database
from db.engine import is_url

USER_ENV = "TSUNAGU_USER"
PASSPHRASE_ENV = "TSUNAGU_PASSPHRASE"
# Scripts give a new passphrase and a recovery key the same way as the account.
NEW_PASSPHRASE_ENV = "TSUNAGU_NEW_PASSPHRASE"
RECOVERY_ENV = "TSUNAGU_RECOVERY_KEY"


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(prompt: str) -> str:
    # Prompts go to stderr so that stdout stays clean for --json.
    sys.stderr.write(prompt)
    sys.stderr.flush()
    return sys.stdin.readline().strip()


def _ask_secret(prompt: str) -> str:
    return getpass.getpass(prompt, stream=sys.stderr)


def account_credentials() -> tuple[str, str]:
    """The acting account: TSUNAGU_USER / TSUNAGU_PASSPHRASE, else asked in a terminal."""
    name = argtypes.environment(USER_ENV).strip()
    passphrase = argtypes.environment(PASSPHRASE_ENV)
    if name and passphrase:
        return name, passphrase
    if not _interactive():
        raise UserError(
            _(
                "This database needs a log-in: set TSUNAGU_USER and TSUNAGU_PASSPHRASE, "
                "or run the command in a terminal to be asked."
            )
        )
    if not name:
        name = _ask(_("User name: "))
    if not passphrase:
        passphrase = _ask_secret(_("Passphrase: "))
    return name, passphrase


def new_passphrase(for_name: str) -> str:
    """A new passphrase: TSUNAGU_NEW_PASSPHRASE, else asked twice in a terminal."""
    given = argtypes.environment(NEW_PASSPHRASE_ENV)
    if given:
        accounts.check_new_passphrase(given)
        return given
    if not _interactive():
        raise UserError(
            _(
                "No new passphrase given: set TSUNAGU_NEW_PASSPHRASE, "
                "or run the command in a terminal to be asked."
            )
        )
    first = _ask_secret(_("New passphrase for {name}: ").format(name=for_name))
    accounts.check_new_passphrase(first)
    accounts.check_new_passphrase(first, _ask_secret(_("The same passphrase again: ")))
    return first


def first_coordinator() -> tuple[str, str]:
    """The first coordinator of a new database: from the environment, else asked."""
    name = argtypes.environment(USER_ENV).strip()
    passphrase = argtypes.environment(PASSPHRASE_ENV)
    if name and passphrase:
        accounts.check_new_passphrase(passphrase)
        return name, passphrase
    if not _interactive():
        raise UserError(
            _(
                "A new database needs its first coordinator account: set TSUNAGU_USER and "
                "TSUNAGU_PASSPHRASE, or run the command in a terminal to be asked."
            )
        )
    if not name:
        name = _ask(_("Name for the first coordinator account: "))
    if passphrase:
        accounts.check_new_passphrase(passphrase)
        return name, passphrase
    return name, new_passphrase(name)


def show_recovery_key(recovery: str) -> None:
    """The recovery key, shown this once."""
    say(
        _(
            "Recovery key (shown only now; write it down and keep it apart from this computer): "
            "{key}"
        ).format(key=recovery)
    )


def _create(args: argparse.Namespace, location: str | None) -> Context:
    if getattr(args, "self_test", False):
        # A throw-away account: the self-test checks the encrypted path without asking anyone.
        ctx, _recovery = accounts.create_database(location, "self-test", secrets.token_urlsafe(18))
        return ctx
    if getattr(args, "command", None) == "demo":
        ctx, recovery = accounts.create_database(location, *accounts.DEMO_COORDINATOR)
        name = argtypes.environment(USER_ENV).strip()
        passphrase = argtypes.environment(PASSPHRASE_ENV)
        demo_names = {accounts.DEMO_COORDINATOR[0], accounts.DEMO_VISITOR[0]}
        demo_names.add(accounts.DEMO_VIEWER[0])
        if name and passphrase and name.casefold() not in demo_names:
            # Scripts keep using their own account on the demo database too.
            accounts.add_account(ctx, name, passphrase, "coordinator")
        args.demo_recovery_key = recovery
        return ctx
    name, passphrase = first_coordinator()
    ctx, recovery = accounts.create_database(location, name, passphrase)
    say(_("Created the coordinator account {name}.").format(name=name))
    show_recovery_key(recovery)
    return ctx


def open_context(args: argparse.Namespace, *, create: bool = False) -> Context:
    """Open --db as the account that logs in; a plain database without accounts as `system`."""
    location: str | None = args.db
    if location is not None and is_url(location):
        return Context(open_database(location, create=create))
    path = accounts.database_path(location)
    if create and not path.exists():
        return _create(args, location)
    if accounts.login_required(location):
        name, passphrase = account_credentials()
        return accounts.login(location, name, passphrase, via="command line")
    return Context(open_database(location, create=create))


def after_command(args: argparse.Namespace, ctx: Context) -> None:
    """What a command's database needs once the command's own work is done (demo accounts)."""
    recovery = getattr(args, "demo_recovery_key", None)
    if recovery is None:
        return
    made = accounts.add_demo_accounts(ctx)
    say(_("Demo accounts (user name / passphrase), for trying Tsunagu only:"))
    for account in made:
        line = _("  {name} / {passphrase} — {role}").format(
            name=account.name, passphrase=account.passphrase, role=role_label(account.role)
        )
        if account.member_id:
            line += " " + _("(member {id})").format(id=account.member_id[:8])
        say(line)
    show_recovery_key(recovery)
