"""Accounts and the audit log on the command line; how every command logs in."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from typing import Any

from app import accounts, argtypes
from app.audit import read_audit
from app.cli import EXIT_OK, print_json, say
from app.context import ROLES, Context, Permission, role_label
from app.database import open_database
from app.errors import UserError
from app.i18n import gettext as _
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


def register(sub: Any) -> None:
    """users add|list|remove|passwd|role|recover|recovery-key, and audit."""
    u = sub.add_parser("users", help=_("accounts that may open this database"))
    usub = u.add_subparsers(dest="users_command")
    p = usub.add_parser("add", help=_("add an account (the first one encrypts the database)"))
    p.add_argument("name", type=argtypes.text)
    p.add_argument("--role", choices=ROLES, default="visitor")
    p.add_argument(
        "--member", type=argtypes.text, metavar="ID", help=_("the member a visitor account is")
    )
    p.add_argument(
        "--keep-plain-copy",
        action="store_true",
        help=_("when encrypting, keep the unencrypted file as a copy (not recommended)"),
    )
    p.set_defaults(handler=cmd_users_add)
    p = usub.add_parser("list", help=_("list the accounts"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_users_list)
    p = usub.add_parser("remove", help=_("take away an account's access"))
    p.add_argument("name", type=argtypes.text)
    p.set_defaults(handler=cmd_users_remove)
    p = usub.add_parser(
        "passwd", help=_("change your passphrase (or, for coordinators, another's)")
    )
    p.add_argument("name", type=argtypes.text, nargs="?", default=None)
    p.set_defaults(handler=cmd_users_passwd)
    p = usub.add_parser("role", help=_("give an account another role"))
    p.add_argument("name", type=argtypes.text)
    p.add_argument("role", choices=ROLES)
    p.add_argument(
        "--member", type=argtypes.text, metavar="ID", help=_("the member a visitor account is")
    )
    p.set_defaults(handler=cmd_users_role)
    p = usub.add_parser("recover", help=_("set a forgotten passphrase with the recovery key"))
    p.add_argument("name", type=argtypes.text)
    p.set_defaults(handler=cmd_users_recover)
    p = usub.add_parser("recovery-key", help=_("make a new recovery key (the old one stops)"))
    p.set_defaults(handler=cmd_users_recovery_key)

    p = sub.add_parser("audit", help=_("who viewed, changed, exported or printed what"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=argtypes.limit, default=500)
    p.add_argument("--entity-id", type=argtypes.text, default=None, metavar="ID")
    p.set_defaults(handler=cmd_audit)


def _member(ctx: Context, text: str | None) -> str | None:
    if not text:
        return None
    from app.members import resolve_member

    return resolve_member(ctx, text)


def cmd_users_add(args: argparse.Namespace) -> int:
    """users add NAME [--role ROLE] [--member ID] [--keep-plain-copy]"""
    from app.commands import opened

    with opened(args) as ctx:
        if not ctx.db.encrypted:
            if args.role != "coordinator":
                raise UserError(
                    _("The first account must be a coordinator (use --role coordinator).")
                )
            ctx.require(Permission.ADMIN)
            path = ctx.db.path
            encrypted, recovery = accounts.set_up_accounts(
                ctx, args.name, new_passphrase(args.name), keep_plain_copy=args.keep_plain_copy
            )
            encrypted.db.close()  # `opened` closes the plain one it opened
            say(_("Added the coordinator account {name}.").format(name=args.name))
            say(_("{name} is now encrypted.").format(name=path.name if path else ""))
            if path is not None:
                for leftover in accounts.plain_leftovers(path):
                    say(
                        _(
                            "Still readable without a passphrase, delete it when you can: {path}"
                        ).format(path=leftover)
                    )
            show_recovery_key(recovery)
            return EXIT_OK
        member = _member(ctx, args.member)
        view = accounts.add_account(ctx, args.name, new_passphrase(args.name), args.role, member)
        say(_("Added the account {account}.").format(account=accounts.describe(view)))
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    """users list [--json]"""
    from app.commands import opened

    with opened(args) as ctx:
        views = accounts.list_accounts(ctx)
    if args.json:
        print_json(views)
        return EXIT_OK
    for v in views:
        say("\t".join([v.name, role_label(v.role), (v.member_id or "")[:8]]))
    return EXIT_OK


def cmd_users_remove(args: argparse.Namespace) -> int:
    """users remove NAME"""
    from app.commands import opened

    with opened(args) as ctx:
        accounts.remove_account(ctx, args.name)
    say(_("Removed the account {name}.").format(name=args.name))
    return EXIT_OK


def cmd_users_passwd(args: argparse.Namespace) -> int:
    """users passwd [NAME]"""
    location: str | None = args.db
    if not accounts.login_required(location):
        raise UserError(
            _("This database has no accounts yet. Create the first coordinator account first.")
        )
    name, passphrase = account_credentials()
    ctx = accounts.login(location, name, passphrase, via="command line")
    try:
        target = args.name or ctx.actor.name
        if accounts.same_name(target, ctx.actor.name):
            accounts.change_passphrase(ctx, passphrase, new_passphrase(target))
        else:
            ctx.require(Permission.ADMIN)
            accounts.set_passphrase(ctx, target, new_passphrase(target))
    finally:
        ctx.db.close()
    say(_("The passphrase of {name} was changed.").format(name=target))
    return EXIT_OK


def cmd_users_role(args: argparse.Namespace) -> int:
    """users role NAME ROLE [--member ID]"""
    from app.commands import opened

    with opened(args) as ctx:
        view = accounts.change_role(ctx, args.name, args.role, _member(ctx, args.member))
    say(_("{account} now.").format(account=accounts.describe(view)))
    return EXIT_OK


def cmd_users_recover(args: argparse.Namespace) -> int:
    """users recover NAME: a new passphrase through the recovery key"""
    location: str | None = args.db
    if not accounts.login_required(location):
        raise UserError(
            _("This database has no accounts yet. Create the first coordinator account first.")
        )
    recovery = argtypes.environment(RECOVERY_ENV)
    if not recovery:
        if not _interactive():
            raise UserError(
                _("No recovery key given: set TSUNAGU_RECOVERY_KEY, or run this in a terminal.")
            )
        recovery = _ask_secret(_("Recovery key: "))
    accounts.reset_passphrase_with_recovery(
        location, args.name, recovery, new_passphrase(args.name)
    )
    say(_("The passphrase of {name} was changed.").format(name=args.name))
    return EXIT_OK


def cmd_users_recovery_key(args: argparse.Namespace) -> int:
    """users recovery-key"""
    from app.commands import opened

    with opened(args) as ctx:
        recovery = accounts.new_recovery_key(ctx)
    show_recovery_key(recovery)
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    """audit [--json] [--limit N] [--entity-id ID]"""
    from app.commands import opened

    with opened(args) as ctx:
        entries = read_audit(ctx, limit=max(1, args.limit), entity_id=args.entity_id)
    if args.json:
        print_json(entries)
        return EXIT_OK
    for e in entries:
        say("\t".join([e.at.isoformat(sep=" "), e.user_name, e.action, e.entity, e.entity_id]))
    return EXIT_OK
